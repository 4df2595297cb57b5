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
from layanan.test import ANSWERS, BaseTestCase, charter_content

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


class OpenDataTests(BaseTestCase):
    def wib(self, day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 11, day, hour, tzinfo=WIB)

    def completed(self, day: int, *, hours: int = 2) -> None:
        application = self.submitted(at=self.wib(day, 9))
        for key, at in (("verifikasi", 10), ("terbit", 10 + hours)):
            with time_machine.travel(self.wib(day, at), tick=False):
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
        self.assertEqual(codes, {"layanan", "permohonan", "waktu-penyelesaian", "register-jaminan"})
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

        self.completed(6, hours=4)
        with time_machine.travel(self.wib(20, 9), tick=False):
            answer = self.client.get("/data/permohonan/2026-11.json").json()
            timing = self.client.get("/data/waktu-penyelesaian/2026-11.json").json()["rows"]
        row = answer["rows"][0]
        self.assertEqual((row["received"], row["completed"]), (5, 5))
        self.assertEqual(row["on_time"], 5)
        self.assertEqual(answer["suppressed_below"], 5)
        # the legal clock starts when the check ends (10:00); issuing took 2 h four times
        # and 4 h once: median 2 h, p90 4 h, in working days of 8 hours
        self.assertEqual(timing[0]["median_working_days"], 0.2)
        self.assertEqual(timing[0]["p90_working_days"], 0.5)

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
