"""Open data at /data/: the index, the CPSV-AP and DCAT documents (expanded with pyld, a
standard JSON-LD processor, with remote documents refused), and the monthly files with
small cells suppressed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from pyld import jsonld

from layanan.cases import actions
from layanan.charters.models import Service
from layanan.surveys.models import Response
from layanan.surveys.tests.helpers import EXAMPLE, rows_with_totals
from layanan.test import ANSWERS, charter_content
from layanan.transparency.models import Rollup, Scope
from layanan.transparency.rollups import run_pass
from layanan.transparency.tests.helpers import RollupTestCase

WIB = ZoneInfo("Asia/Jakarta")
CPSV = "http://purl.org/vocab/cpsv#"
CV = "http://data.europa.eu/m8g/"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def no_remote_documents(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"the processor tried to fetch {url}")


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": no_remote_documents})


def nodes_of_type(expanded: list[dict[str, Any]], type_iri: str) -> list[dict[str, Any]]:
    """Every node object of a type, at any depth."""
    found = []

    def visit(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            if type_iri in value.get("@type", []):
                found.append(value)
            for key, item in value.items():
                if not key.startswith("@") or key == "@graph":
                    visit(item)

    visit(expanded)
    return found


def one(node: dict[str, Any], iri: str) -> Any:
    values = node.get(iri)
    assert values, f"{node.get('@id')} has no {iri}"
    return values[0]


class OpenDataTests(RollupTestCase):
    def wib(self, day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 11, day, hour, tzinfo=WIB)

    def completed(self, day: int, *, hours: int = 2, issued_on: int | None = None) -> None:
        """Submitted on `day` at 9:00, checked at 10:00 (the legal clock starts), issued
        `hours` later on `issued_on` (the same day unless given)."""
        application = self.submitted(at=self.wib(day, 9))
        for key, on, at in (("verifikasi", day, 10), ("terbit", issued_on or day, 10 + hours)):
            with time_machine.travel(self.wib(on, at), tick=False):
                application = actions.act_on_step(
                    application=application,
                    step=application.steps.get(key=key),
                    officer=self.budi,
                    action="approve",
                )

    # -- the index ------------------------------------------------------------------------

    def test_the_index_lists_every_dataset_and_file(self) -> None:
        self.completed(2)
        with time_machine.travel(self.wib(20, 9), tick=False):
            page = self.client.get("/data/")
        self.assertEqual(page.status_code, 200)
        for href in (
            "/data/layanan.jsonld",
            "/data/katalog.jsonld",
            "/data/permohonan/2026-11.csv",
            "/data/permohonan/2026-11.json",
            "/data/waktu-penyelesaian/2026-11.csv",
            "/jaminan/data.csv",
        ):
            self.assertContains(page, f'href="{href}"')

    # -- CPSV-AP --------------------------------------------------------------------------

    def test_every_service_in_force_is_a_public_service_with_its_properties(self) -> None:
        izin = Service.objects.create(
            code="izin-usaha",
            name="Izin Usaha Mikro",
            description="Izin untuk usaha mikro.",
            lead_agency=self.dpmptsp,
            category=Service.Category.LICENSING,
            channels=["online"],
        )
        self.adopt(
            izin,
            charter_content(
                fee={"amount": 50000, "legal_basis": "Perda 2/2026"},
                time_limit={"amount": 10, "unit": "working_hours"},
                procedure={
                    "stages": [
                        {
                            "name": "Periksa",
                            "steps": [
                                {
                                    "key": "periksa",
                                    "name": "Periksa",
                                    "unit": "dpmptsp-perizinan",
                                    "time_limit": {"amount": 8, "unit": "working_hours"},
                                }
                            ],
                        }
                    ]
                },
            ),
        )
        Service.objects.create(  # no charter in force: not in the catalogue
            code="izin-draf",
            name="Izin Draf",
            lead_agency=self.dpmptsp,
            category=Service.Category.LICENSING,
        )

        response = self.client.get("/data/layanan.jsonld")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/ld+json; charset=utf-8")
        document = response.json()
        self.assertIsInstance(document["@context"], dict)  # inline, never a URL
        services = nodes_of_type(expand(document), CPSV + "PublicService")
        by_code = {one(s, DCT + "identifier")["@value"]: s for s in services}
        self.assertEqual(set(by_code), {"akta-kelahiran", "izin-usaha"})

        for code, service in by_code.items():
            with self.subTest(service=code):
                titles = {v["@language"]: v["@value"] for v in service[DCT + "title"]}
                self.assertTrue(titles["id"])
                self.assertTrue(one(service, DCT + "description")["@value"])
                authority = one(service, CV + "hasCompetentAuthority")
                self.assertIn(CV + "PublicOrganisation", authority["@type"])
                duration = one(service, CV + "processingTime")
                self.assertEqual(duration["@type"], XSD + "duration")
                cost = one(service, CV + "hasCost")
                self.assertIn(CV + "Cost", cost["@type"])
                self.assertEqual(one(cost, CV + "value")["@type"], XSD + "decimal")
                self.assertEqual(
                    one(cost, CV + "currency")["@id"],
                    "http://publications.europa.eu/resource/authority/currency/IDR",
                )
                evidence = service[CPSV + "hasInput"]
                self.assertTrue(all(CV + "Evidence" in e["@type"] for e in evidence))
                self.assertEqual(len(evidence), 2)  # the two requirements of the charter
                self.assertIn(CV + "Output", one(service, CPSV + "produces")["@type"])
                channels = service[CV + "hasChannel"]
                self.assertTrue(channels)
                self.assertTrue(all(CV + "Channel" in c["@type"] for c in channels))

        akta, izin_node = by_code["akta-kelahiran"], by_code["izin-usaha"]
        self.assertEqual(one(akta, CV + "processingTime")["@value"], "P3D")
        self.assertEqual(one(izin_node, CV + "processingTime")["@value"], "PT10H")
        self.assertEqual(one(one(izin_node, CV + "hasCost"), CV + "value")["@value"], "50000")
        self.assertEqual(
            one(one(akta, CV + "hasCompetentAuthority"), DCT + "identifier")["@value"],
            "disdukcapil",
        )
        self.assertEqual(len(akta[CV + "hasChannel"]), 2)  # online and at the counter

    # -- DCAT -----------------------------------------------------------------------------

    def test_the_catalogue_lists_each_dataset_with_downloadable_distributions(self) -> None:
        self.completed(2)
        with time_machine.travel(self.wib(20, 9), tick=False):
            response = self.client.get("/data/katalog.jsonld")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertIsInstance(document["@context"], dict)
        expanded = expand(document)
        catalogues = nodes_of_type(expanded, DCAT + "Catalog")
        self.assertEqual(len(catalogues), 1)
        self.assertTrue(one(catalogues[0], DCT + "license")["@id"].startswith("https://"))
        datasets = nodes_of_type(expanded, DCAT + "Dataset")
        codes = {one(d, DCT + "identifier")["@value"] for d in datasets}
        self.assertEqual(
            codes,
            {
                "layanan",
                "permohonan",
                "waktu-penyelesaian",
                "jaminan",
                "pengaduan",
                "kepuasan",
                "register-jaminan",
            },
        )
        urls = set()
        for dataset in datasets:
            self.assertTrue(one(dataset, DCT + "license")["@id"])
            self.assertEqual(one(dataset, DCT + "issued")["@type"], XSD + "date")
            self.assertEqual(one(dataset, DCT + "modified")["@type"], XSD + "date")
            for file in dataset[DCAT + "distribution"]:
                self.assertIn(DCAT + "Distribution", file["@type"])
                self.assertTrue(one(file, DCAT + "mediaType")["@id"].startswith("https://"))
                dt.date.fromisoformat(one(file, DCT + "modified")["@value"])
                urls.add(one(file, DCAT + "downloadURL")["@id"])
        self.assertIn("http://testserver/data/permohonan/2026-11.csv", urls)
        self.assertIn("http://testserver/data/layanan.jsonld", urls)
        # every file the catalogue names can be downloaded
        with time_machine.travel(self.wib(20, 9), tick=False):
            for url in sorted(urls):
                with self.subTest(url=url):
                    path = url.removeprefix("http://testserver")
                    self.assertEqual(self.client.get(path).status_code, 200)

    # -- the monthly files ----------------------------------------------------------------

    def test_small_counts_are_suppressed_and_five_are_shown(self) -> None:
        for day in (2, 3, 4, 5):
            self.completed(day)
        with time_machine.travel(self.wib(20, 9), tick=False):
            rows = self.client.get("/data/permohonan/2026-11.json").json()["rows"]
            self.assertEqual(len(rows), 1)
            self.assertIsNone(rows[0]["received"])  # 4 applications: suppressed
            self.assertIsNone(rows[0]["completed"])
            self.assertEqual(rows[0]["rejected"], 0)  # zero stays zero
            timing = self.client.get("/data/waktu-penyelesaian/2026-11.json").json()["rows"]
            self.assertIsNone(timing[0]["median_working_days"])
            table = list(
                csv.reader(
                    io.StringIO(self.client.get("/data/permohonan/2026-11.csv").content.decode())
                )
            )
        self.assertEqual(
            table[0][:6], ["month", "agency", "agency_name", "service", "service_name", "received"]
        )
        self.assertEqual(table[1][5], "")  # empty in CSV

        self.completed(6, issued_on=10)  # Friday to Tuesday: two working days
        with time_machine.travel(self.wib(20, 9), tick=False):
            answer = self.client.get("/data/permohonan/2026-11.json").json()
            timing = self.client.get("/data/waktu-penyelesaian/2026-11.json").json()["rows"]
        row = answer["rows"][0]
        self.assertEqual((row["received"], row["completed"]), (5, 5))
        self.assertEqual(row["on_time"], 5)
        self.assertEqual(answer["suppressed_below"], 5)
        # the legal clock starts when the check ends; four were issued the same day (0
        # working days) and one on the second working day: median 0, 90th percentile 2
        self.assertEqual(timing[0]["median_working_days"], 0)
        self.assertEqual(timing[0]["p90_working_days"], 2)

    def test_a_withdrawn_draft_is_not_counted_and_a_withdrawn_application_is(self) -> None:
        with time_machine.travel(self.wib(2, 9), tick=False):
            draft, _created = actions.create_application(
                citizen=self.siti, service=self.akta, answers=ANSWERS
            )
            actions.withdraw_application(application=draft, citizen=self.siti)
        for day in range(2, 7):
            application = self.submitted(at=self.wib(day, 9))
            with time_machine.travel(self.wib(day, 10), tick=False):
                actions.withdraw_application(application=application, citizen=self.siti)
        with time_machine.travel(self.wib(20, 9), tick=False):
            rows = self.client.get("/data/permohonan/2026-11.json").json()["rows"]
        self.assertEqual((rows[0]["received"], rows[0]["withdrawn"]), (5, 5))

    def test_unknown_metrics_and_months_are_not_found(self) -> None:
        with time_machine.travel(self.wib(20, 9), tick=False):
            for path in (
                "/data/tidak-ada/2026-11.csv",
                "/data/permohonan/2026-13.json",
                "/data/permohonan/bulan.csv",
                "/data/permohonan/2026-1.csv",
                "/data/permohonan/2027-01.csv",  # not begun yet
            ):
                with self.subTest(path=path):
                    self.assertEqual(self.client.get(path).status_code, 404)
            empty = self.client.get("/data/permohonan/2026-10.json")
        self.assertEqual(empty.status_code, 200)
        self.assertEqual(empty.json()["rows"], [])

    def test_a_month_begins_at_midnight_in_the_sites_time_zone(self) -> None:
        # 00:30 WIB on 1 December is still 30 November in UTC: December's file exists (empty)
        just_begun = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)
        with time_machine.travel(just_begun, tick=False):
            december = self.client.get("/data/permohonan/2026-12.json")
        self.assertEqual(december.status_code, 200)
        self.assertEqual(december.json()["rows"], [])
        with time_machine.travel(just_begun - dt.timedelta(hours=1), tick=False):
            self.assertEqual(self.client.get("/data/permohonan/2026-12.json").status_code, 404)

    def test_the_files_read_the_rollups_at_a_cost_that_does_not_grow(self) -> None:
        for day in (2, 3, 4, 5, 6):
            self.completed(day)
        with time_machine.travel(self.wib(20, 9), tick=False):
            uncounted = self.client.get("/data/permohonan/2026-11.json").json()["rows"]
            run_pass()  # the worker counts them: the same file from the rollups alone
            counted = self.client.get("/data/permohonan/2026-11.json").json()["rows"]
            self.assertEqual(uncounted, counted)
            self.assertEqual(counted[0]["received_online"], 5)
            before = self.queries("/data/permohonan/2026-11.json")
            for day in (9, 10, 11):
                self.completed(day)
            run_pass()
            self.assertEqual(self.queries("/data/permohonan/2026-11.json"), before)
            self.assertEqual(
                self.client.get("/data/permohonan/2026-11.json").json()["rows"][0]["completed"], 8
            )

    def test_guarantee_and_complaint_figures_come_from_the_rollup_rows(self) -> None:
        Rollup.objects.create(
            scope=Scope.SERVICE,
            month="2026-11",
            agency_pk=self.disdukcapil.pk,
            service_pk=self.akta.pk,
            breaches_late=6,
            compensations_owed=2,
            compensations_paid=5,
            amount_paid=250000,
        )
        Rollup.objects.create(  # complaints about no particular service
            scope=Scope.SERVICE,
            month="2026-11",
            agency_pk=self.disdukcapil.pk,
            service_pk=0,
            complaints_received=7,
            complaints_resolved=5,
            resolution_days={"3": 2, "5": 3},
            complaint_deadlines_missed=1,
        )
        with time_machine.travel(self.wib(20, 9), tick=False):
            (guarantees,) = self.client.get("/data/jaminan/2026-11.json").json()["rows"]
            (complaints,) = self.client.get("/data/pengaduan/2026-11.json").json()["rows"]
            self.assertEqual(self.client.get("/data/permohonan/2026-11.json").json()["rows"], [])
        self.assertEqual(guarantees["service"], "akta-kelahiran")
        self.assertEqual(
            [guarantees[c] for c in ("breaches_late", "breaches_very_late", "compensations_owed")],
            [6, 0, None],
        )
        self.assertEqual((guarantees["compensations_paid"], guarantees["amount_paid"]), (5, 250000))
        self.assertEqual((complaints["service"], complaints["service_name"]), ("", ""))
        self.assertEqual(
            (complaints["complaints_received"], complaints["complaint_deadlines_missed"]), (7, None)
        )
        self.assertEqual(complaints["median_resolution_days"], 5)

    def test_satisfaction_of_the_month_is_published_from_five_answers(self) -> None:
        def answered(on: dt.date, answers: tuple[int, ...]) -> None:
            Response.objects.create(
                agency=self.disdukcapil,
                service=self.akta,
                channel=Response.Channel.ONLINE,
                answered_on=on,
                **{f"u{i}": answer for i, answer in enumerate(answers, start=1)},
            )

        rows = rows_with_totals(EXAMPLE, 10)  # the regulation's example: IKM 80.83, B
        for row in rows[:4]:
            answered(dt.date(2026, 11, 2), tuple(row))
        answered(dt.date(2026, 12, 1), (1,) * 9)  # next month: not this month's
        with time_machine.travel(self.wib(20, 9), tick=False):
            (few,) = self.client.get("/data/kepuasan/2026-11.json").json()["rows"]
            self.assertEqual((few["respondents"], few["ikm"], few["mutu"]), (None, None, None))
            for row in rows[4:]:
                answered(dt.date(2026, 11, 30), tuple(row))
            (month,) = self.client.get("/data/kepuasan/2026-11.json").json()["rows"]
            table = self.client.get("/data/kepuasan/2026-11.csv").content.decode()
        self.assertEqual((month["respondents"], month["ikm"], month["mutu"]), (10, 80.83, "B"))
        self.assertEqual(month["service"], "akta-kelahiran")
        self.assertIn(",10,80.83,B", table)
