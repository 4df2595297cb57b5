"""Who looked at my data: each read names the agency and unit the officer acted for and why,
as it was at the time; the citizen reads it as a sentence on /profil/akses/, downloads it as
CSV, reads it through GET /api/v1/me/access-log and in the personal-data export; an agency
administrator may hold one read back for an investigation, within the configured limit.

siti applies for a birth certificate whose second step is done by DPMPTSP's Bidang
Perizinan (charlie), the first by Disdukcapil's Loket Pelayanan (budi); adi administers
Disdukcapil, dodi administers DPMPTSP."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from typing import Any

import time_machine
from django.apps import apps as django_apps
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from layanan.accounts.access_log import export_section, visible_reads
from layanan.accounts.models import AccessDeferral, DataAccess, User
from layanan.accounts.tokens import issue_token
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.models import Application
from layanan.citizens.views import spreadsheet_text
from layanan.test import BaseTestCase, charter_content

Place = DataAccess.Place


def two_agency_procedure() -> dict[str, Any]:
    content = charter_content()
    content["procedure"]["stages"][1]["steps"][0].update(
        {"unit": "dpmptsp-perizinan", "role": "processor"}
    )
    return content


class AccessLogCase(BaseTestCase):
    adi: User
    dodi: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.adopt(cls.akta, two_agency_procedure())
        cls.adi = cls.make_user("adi", "Adi Nugroho", is_staff=True)
        OfficerRole.objects.create(user=cls.adi, unit=cls.loket, role=Role.AGENCY_ADMIN)
        cls.dodi = cls.make_user("dodi", "Dodi Pratama", is_staff=True)
        OfficerRole.objects.create(user=cls.dodi, unit=cls.perizinan, role=Role.AGENCY_ADMIN)

    def open_document(self, officer: User, application: Application) -> None:
        document = application.documents.get()
        self.login(officer)
        response = self.client.get(f"/permohonan/{application.number}/dokumen/{document.pk}/")
        self.assertEqual(response.status_code, 200)

    def api(self, user: User, path: str = "/api/v1/me/access-log", **headers: str) -> Any:
        token, _row = issue_token(user)
        return self.client.get(path, headers={"Authorization": f"Bearer {token}", **headers})

    def csv_rows(self) -> list[list[str]]:
        self.login(self.siti)
        response = self.client.get("/profil/akses/unduh/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return list(csv.reader(io.StringIO(text)))


class TwoAgenciesTests(AccessLogCase):
    def test_officers_of_two_agencies_reading_one_document_are_both_shown(self) -> None:
        application = self.submitted()
        self.open_document(self.budi, application)
        self.open_document(self.charlie, application)
        # Each row keeps the agency and unit the officer acted for on this application.
        rows = DataAccess.objects.order_by("at", "pk")
        self.assertEqual(
            [(r.reader.username, r.agency_name, r.unit_name) for r in rows],
            [
                ("budi", "Disdukcapil", "Loket Pelayanan"),
                ("charlie", "Dinas Penanaman Modal dan PTSP", "Bidang Perizinan"),
            ],
        )

        self.login(self.siti)
        page = self.client.get("/profil/akses/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "2 kali data Anda dilihat")
        self.assertContains(
            page,
            "Petugas Disdukcapil, Loket Pelayanan, membuka dokumen Anda “Surat keterangan lahir "
            f"(lahir.pdf)” pada permohonan {application.number} untuk memproses permohonan Anda",
        )
        self.assertContains(
            page, "Petugas Dinas Penanaman Modal dan PTSP, Bidang Perizinan, membuka dokumen"
        )
        self.assertNotContains(page, "Budi Santoso")  # officers' names stay internal
        self.assertNotContains(page, "charlie")
        self.assertContains(page, 'href="/profil/akses/unduh/"')

        table = self.csv_rows()
        number = application.number
        self.assertEqual(
            table[0],
            [
                "Referensi",
                "Waktu",
                "Instansi",
                "Unit kerja",
                "Petugas",
                "Apa",
                "Permohonan",
                "Untuk apa",
                "Dalam kalimat",
            ],
        )
        self.assertEqual(
            [(row[2], row[3], row[4], row[6]) for row in table[1:]],
            [
                (
                    "Dinas Penanaman Modal dan PTSP",
                    "Bidang Perizinan",
                    "Petugas",
                    application.number,
                ),
                ("Disdukcapil", "Loket Pelayanan", "Petugas", number),
            ],
        )

        answer = self.api(self.siti, **{"Accept-Language": "en"})
        self.assertEqual(answer.status_code, 200)
        body = answer.json()
        self.assertEqual(body["count"], 2)
        first, second = body["results"]
        self.assertEqual(
            {k: first[k] for k in ("agency", "unit", "officer", "application")},
            {
                "agency": "Dinas Penanaman Modal dan PTSP",
                "unit": "Bidang Perizinan",
                "officer": "Officer",
                "application": application.number,
            },
        )
        self.assertEqual((second["agency"], second["unit"]), ("Disdukcapil", "Loket Pelayanan"))
        self.assertEqual(second["purpose"], "to process your application")
        self.assertEqual(
            second["what"],
            "An officer downloaded one of your documents: Surat keterangan lahir (lahir.pdf)",
        )
        self.assertTrue(
            second["sentence"].startswith(
                "An officer of Disdukcapil, Loket Pelayanan, opened your document “Surat "
                f"keterangan lahir (lahir.pdf)” for application {application.number} to process "
                "your application, "
            ),
            second["sentence"],
        )
        self.assertGreater(first["at"], second["at"])  # newest first

    def test_the_step_page_says_which_step_the_officer_was_processing(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        (item,) = self.api(self.siti, **{"Accept-Language": "en"}).json()["results"]
        self.assertEqual(item["unit"], "Loket Pelayanan")
        self.assertEqual(
            item["purpose"], "to process the step “Verifikasi berkas” of your application"
        )
        self.assertIn("opened your data for application", item["sentence"])

    def test_the_row_keeps_the_unit_after_the_officers_roles_change(self) -> None:
        application = self.submitted()
        self.open_document(self.charlie, application)
        OfficerRole.objects.filter(user=self.charlie).delete()
        (item,) = self.api(self.siti).json()["results"]
        self.assertEqual(item["unit"], "Bidang Perizinan")

    def test_a_read_written_before_purposes_reads_as_its_places_reason(self) -> None:
        DataAccess.objects.create(
            reader=self.root, citizen=self.siti, place=Place.ADMIN_USER, at=timezone.now()
        )
        (item,) = self.api(self.siti, **{"Accept-Language": "en"}).json()["results"]
        self.assertEqual(item["purpose"], "to administer the accounts of Layanan")
        self.assertEqual(item["officer"], "Administrator")
        self.assertTrue(item["sentence"].startswith("An administrator of Layanan opened"))

    def test_the_migration_names_the_agencies_of_earlier_reads_from_their_readers_roles(
        self,
    ) -> None:
        migration = importlib.import_module(
            "layanan.accounts.migrations.0012_access_log_who_and_why"
        )
        now = timezone.now()
        rows = {
            who: DataAccess.objects.create(
                reader=who, citizen=self.siti, place=Place.OFFICE_STEP, at=now
            )
            for who in (self.budi, self.charlie, self.root)
        }
        kept = DataAccess.objects.create(
            reader=self.budi,
            citizen=self.siti,
            place=Place.OFFICE_STEP,
            at=now,
            agency_name="Dinas Lama",
            unit_name="Seksi Lama",
        )
        migration.name_the_agencies_of_earlier_reads(django_apps, None)
        for row in (*rows.values(), kept):
            row.refresh_from_db()
        budi, charlie, root = rows.values()
        self.assertEqual(
            (budi.agency, budi.unit, budi.agency_name, budi.unit_name),
            (self.disdukcapil, None, "Disdukcapil", "Bidang Pencatatan Sipil / Loket Pelayanan"),
        )
        self.assertEqual((charlie.unit, charlie.unit_name), (self.perizinan, "Bidang Perizinan"))
        self.assertEqual((root.agency_name, root.unit_name), ("", ""))  # no roles: as it was
        self.assertEqual((kept.agency_name, kept.unit_name), ("Dinas Lama", "Seksi Lama"))

    def test_nothing_read_yet(self) -> None:
        self.login(self.siti)
        page = self.client.get("/profil/akses/")
        self.assertContains(page, "Belum ada orang lain yang melihat data Anda.")
        self.assertNotContains(page, "/profil/akses/unduh/")
        self.assertEqual(
            self.api(self.siti).json(), {"count": 0, "page": 1, "pages": 1, "results": []}
        )
        self.assertEqual(len(self.csv_rows()), 1)  # the header row only
        self.assertEqual(export_section(self.siti), {"access_log": []})

    def test_the_api_pages_newest_first_and_needs_a_token(self) -> None:
        now = timezone.now()
        DataAccess.objects.bulk_create(
            DataAccess(
                reader=self.budi,
                citizen=self.siti,
                place=Place.OFFICE_STEP,
                at=now - dt.timedelta(minutes=n),
                agency_name="Disdukcapil",
            )
            for n in range(30)
        )
        first = self.api(self.siti).json()
        self.assertEqual((first["count"], first["pages"], len(first["results"])), (30, 2, 25))
        second = self.api(self.siti, "/api/v1/me/access-log?page=2").json()
        self.assertEqual(len(second["results"]), 5)
        every = [r["at"] for r in first["results"] + second["results"]]
        self.assertEqual(every, sorted(every, reverse=True))
        self.assertEqual(self.client.get("/api/v1/me/access-log").status_code, 401)
        # Somebody else's reads are not in anybody's log but theirs.
        self.assertEqual(self.api(self.agus).json()["count"], 0)

    def test_export_section_holds_every_visible_read_with_the_api_fields(self) -> None:
        application = self.submitted()
        self.open_document(self.budi, application)
        self.open_document(self.charlie, application)
        section = export_section(self.siti)
        self.assertEqual(list(section), ["access_log"])
        self.assertEqual(len(section["access_log"]), 2)
        for item in section["access_log"]:
            self.assertLessEqual(
                {"at", "agency", "unit", "officer", "what", "application", "purpose"}, set(item)
            )
        self.assertEqual(
            [i["unit"] for i in section["access_log"]], ["Bidang Perizinan", "Loket Pelayanan"]
        )


@override_settings(LAYANAN_ACCESS_DEFERRAL_MAX_DAYS=30)
class DeferralTests(AccessLogCase):
    def setUp(self) -> None:
        super().setUp()
        self.application = self.submitted()
        self.open_document(self.charlie, self.application)
        self.open_document(self.budi, self.application)
        self.budi_read = DataAccess.objects.get(reader=self.budi)
        self.url = f"/kantor/akses/{self.budi_read.pk}/tunda/"
        self.today = timezone.localdate()

    def defer(self, user: User, **data: str) -> Any:
        self.login(user)
        return self.client.post(self.url, data)

    def units_seen(self, at: dt.datetime | None = None) -> dict[str, list[str]]:
        with time_machine.travel(at or timezone.now(), tick=False):
            self.login(self.siti)
            page = [r["unit"] for r in self.client.get("/profil/akses/").context["rows"]]
            csv_units = [row[3] for row in self.csv_rows()[1:]]
            api = [r["unit"] for r in self.api(self.siti).json()["results"]]
            export = [r["unit"] for r in export_section(self.siti)["access_log"]]
        return {"page": page, "csv": csv_units, "api": api, "export": export}

    def test_a_deferred_read_is_hidden_until_the_deferral_ends_then_shown_in_its_place(
        self,
    ) -> None:
        self.login(self.adi)
        form = self.client.get(self.url)
        self.assertEqual(form.status_code, 200)
        self.assertContains(form, "30 hari")
        until = self.today + dt.timedelta(days=10)
        response = self.defer(self.adi, until=until.isoformat(), reason="Pemeriksaan Inspektorat")
        self.assertEqual(response.status_code, 302)
        deferral = AccessDeferral.objects.get()
        self.assertEqual(
            (deferral.by, deferral.agency, deferral.reason, deferral.access),
            (self.adi, self.disdukcapil, "Pemeriksaan Inspektorat", self.budi_read),
        )
        # The administrators see the deferral on their page.
        listing = self.client.get(f"/kantor/akses/?permohonan={self.application.number}")
        self.assertContains(listing, "Pemeriksaan Inspektorat")
        self.assertContains(listing, "Ditahan sampai")

        hidden = {"page": ["Bidang Perizinan"]} | {
            k: ["Bidang Perizinan"] for k in ("csv", "api", "export")
        }
        self.assertEqual(self.units_seen(), hidden)
        self.assertEqual(self.units_seen(timezone.now() + dt.timedelta(days=10)), hidden)
        # The day after the last day, the read is back, by the time it happened (budi read
        # after charlie: newest first, budi's comes first).
        later = timezone.now() + dt.timedelta(days=12)
        shown = {k: ["Loket Pelayanan", "Bidang Perizinan"] for k in ("page", "csv", "api")}
        shown["export"] = ["Loket Pelayanan", "Bidang Perizinan"]
        self.assertEqual(self.units_seen(later), shown)
        self.assertEqual(visible_reads(self.siti, now=later).count(), 2)

    def test_a_day_beyond_the_limit_is_refused_next_to_the_field_and_nothing_is_written(
        self,
    ) -> None:
        too_late = self.today + dt.timedelta(days=31)
        response = self.defer(self.adi, until=too_late.isoformat(), reason="Pemeriksaan")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)
        self.assertContains(response, 'id="id_until_error"', status_code=400)
        self.assertContains(response, "paling lambat", status_code=400)
        self.assertFalse(AccessDeferral.objects.exists())
        self.budi_read.refresh_from_db()
        self.assertIsNone(self.budi_read.hidden_until)
        self.assertEqual(len(self.units_seen()["api"]), 2)

    def test_a_reason_and_a_real_day_are_required(self) -> None:
        for data, field in (
            ({"until": (self.today + dt.timedelta(days=3)).isoformat(), "reason": " "}, "reason"),
            ({"until": "31-02-2026", "reason": "Pemeriksaan"}, "until"),
            ({"until": (self.today - dt.timedelta(days=1)).isoformat(), "reason": "x"}, "until"),
        ):
            response = self.defer(self.adi, **data)
            self.assertEqual(response.status_code, 400, data)
            self.assertContains(response, f'id="id_{field}_error"', status_code=400)
        self.assertFalse(AccessDeferral.objects.exists())

    def test_the_office_queue_links_administrators_to_the_reads(self) -> None:
        self.login(self.adi)
        self.assertContains(self.client.get("/kantor/"), 'href="/kantor/akses/"')
        self.login(self.budi)
        self.assertNotContains(self.client.get("/kantor/"), 'href="/kantor/akses/"')

    def test_only_an_administrator_of_the_reading_agency_may_defer(self) -> None:
        until = (self.today + dt.timedelta(days=3)).isoformat()
        # DPMPTSP's administrator may not hold back Disdukcapil's read ...
        self.assertEqual(self.defer(self.dodi, until=until, reason="x").status_code, 403)
        # ... nor may the officer who read, nor the citizen.
        self.assertEqual(self.defer(self.budi, until=until, reason="x").status_code, 403)
        self.assertEqual(self.defer(self.siti, until=until, reason="x").status_code, 403)
        self.login(self.budi)
        self.assertEqual(self.client.get("/kantor/akses/").status_code, 403)
        self.assertFalse(AccessDeferral.objects.exists())
        self.assertEqual(len(self.units_seen()["api"]), 2)
        # dodi may hold back charlie's read, and sees only his agency's reads.
        self.login(self.dodi)
        listing = self.client.get(f"/kantor/akses/?permohonan={self.application.number}")
        self.assertContains(listing, "charlie")
        self.assertNotContains(listing, "budi")
        charlie_read = DataAccess.objects.get(reader=self.charlie)
        response = self.client.post(
            f"/kantor/akses/{charlie_read.pk}/tunda/", {"until": until, "reason": "Audit"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.units_seen()["api"], ["Loket Pelayanan"])

    def test_the_limit_counts_from_the_read_so_deferrals_cannot_be_chained(self) -> None:
        last = self.today + dt.timedelta(days=30)
        response = self.defer(self.adi, until=last.isoformat(), reason="Pemeriksaan")
        self.assertEqual(response.status_code, 302)
        with time_machine.travel(timezone.now() + dt.timedelta(days=29), tick=False):
            again = self.defer(
                self.adi, until=(last + dt.timedelta(days=5)).isoformat(), reason="Lagi"
            )
        self.assertEqual(again.status_code, 400)
        self.assertEqual(AccessDeferral.objects.count(), 1)


@given(st.text())
def test_a_csv_cell_never_starts_a_formula_and_keeps_its_text(text: str) -> None:
    cell = spreadsheet_text(text)
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert cell in (text, f"'{text}")
