"""The public register at /jaminan/ (HTML, CSV, JSON) and the finance list of compensations."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.conf import settings
from django.utils import translation

from layanan.cases.models import Application, Event
from layanan.charters.models import Service
from layanan.guarantees.models import Compensation
from layanan.guarantees.tests.test_sweep import MINUTE, MONDAY, SweepTestCase
from layanan.lib import display


class RegisterTests(SweepTestCase):
    def late_application_with_compensation(self) -> Application:
        from layanan.charters.models import Service
        from layanan.test import charter_content

        service = Service.objects.create(
            code="izin-r",
            name="Izin R",
            lead_agency=self.disdukcapil,
            category="perizinan",
            channels=["online"],
        )
        self.adopt(
            service,
            charter_content(
                fee={"amount": 80000, "legal_basis": "Perda 1/2026"},
                clock_starts="submission",
                guarantee={"compensation": {"kind": "fixed", "amount": 25000}},
            ),
        )
        application = self.submitted(service=service, at=MONDAY)
        assert application.due_at is not None
        self.sweep_at(application.due_at + MINUTE)
        return application

    def test_the_register_counts_without_personal_data(self) -> None:
        application = self.late_application_with_compensation()
        page = self.client.get("/jaminan/")
        self.assertContains(page, "Izin R")
        self.assertContains(page, "Rp25.000")
        for secret in ("Siti", application.number, "Putri"):
            self.assertNotContains(page, secret)
        rows = list(
            csv.DictReader(io.StringIO(self.client.get("/jaminan/data.csv").content.decode()))
        )
        self.assertEqual(rows[0]["service"], "izin-r")
        self.assertEqual((rows[0]["compensations_owed"], rows[0]["amount_owed"]), ("1", "25000"))
        data = self.client.get("/jaminan/data.json").json()
        self.assertGreaterEqual(sum(r["late"] for r in data["rows"]), 1)
        self.assertNotIn("Siti", str(data))

    def test_the_register_writes_months_in_words_and_one_rupiah_format(self) -> None:
        application = self.late_application_with_compensation()
        month = application.events.filter(kind="late").earliest("seq").at
        page = self.client.get("/jaminan/").content.decode()
        with translation.override("id"):
            self.assertIn(display.month_in_words(month.date()), page)
        self.assertNotRegex(page, r"\b\d{4}-\d{2}\b")
        self.assertIn("Rp25.000", page)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.client.get("/jaminan/").content.decode()
        self.assertIn("Rp25.000", page)
        self.assertNotIn("Rp25,000", page)
        with translation.override("en"):
            self.assertIn(display.month_in_words(month.date()), page)

    def test_services_are_named_in_the_pages_language(self) -> None:
        self.late_application_with_compensation()
        Service.objects.filter(code="izin-r").update(name_en="Permit R")
        self.assertContains(self.client.get("/jaminan/"), "Izin R")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get("/jaminan/")
        self.assertContains(english, "Permit R")
        self.assertNotContains(english, "Izin R")

    def test_filters_and_bad_filters(self) -> None:
        self.late_application_with_compensation()
        self.assertNotContains(self.client.get("/jaminan/", {"instansi": "dpmptsp"}), "Izin R")
        self.assertEqual(self.client.get("/jaminan/", {"tahun": "abc"}).status_code, 400)
        self.assertEqual(self.client.get("/jaminan/", {"instansi": "x"}).status_code, 400)

    def test_finance_lists_owed_oldest_first_and_records_payment(self) -> None:
        application = self.late_application_with_compensation()
        self.login(self.budi)  # processor only: sees nothing to settle
        self.assertContains(
            self.client.get("/kantor/kompensasi/"), "Hanya atasan dan admin instansi"
        )
        self.assertNotContains(self.client.get("/kantor/kompensasi/"), application.number)
        self.login(self.ani)  # supervisor of the agency
        page = self.client.get("/kantor/kompensasi/")
        self.assertContains(page, application.number)
        compensation = Compensation.objects.get()
        url = f"/kantor/kompensasi/{compensation.pk}/bayar/"
        refused = self.client.post(url, {"reference": "   "})
        self.assertContains(refused, "Masukkan referensi pembayaran", status_code=400)
        self.assertContains(refused, f'href="#ref-{compensation.pk}"', status_code=400)
        self.assertContains(refused, "<title>Kesalahan:", status_code=400)
        too_long = self.client.post(url, {"reference": "x" * 101})
        self.assertContains(too_long, "paling banyak 100 karakter", status_code=400)
        compensation.refresh_from_db()
        self.assertEqual((compensation.status, compensation.payment_reference), ("owed", ""))
        self.assertFalse(Event.objects.filter(kind="compensation_paid").exists())
        self.client.post(url, {"reference": " TRF-123 "})
        compensation.refresh_from_db()
        self.assertEqual(
            (compensation.status, compensation.paid_by, compensation.payment_reference),
            ("paid", self.ani, "TRF-123"),
        )
        self.assertTrue(
            Event.objects.filter(
                application=application, kind="compensation_paid", public=True
            ).exists()
        )
        self.login(self.charlie)
        self.assertEqual(self.client.post(url, {"reference": "x"}).status_code, 404)

    def test_only_officers_open_the_finance_list(self) -> None:
        self.login(self.siti)
        self.assertEqual(self.client.get("/kantor/kompensasi/").status_code, 403)


class ComplaintDeadlinesOnTheRegisterTests(SweepTestCase):
    def test_a_missed_complaint_limit_is_counted_without_the_complaint(self) -> None:
        import time_machine

        from layanan.complaints import actions as complaint_actions
        from layanan.complaints.models import Category

        complaint_actions.ensure_builtin_categories(self.disdukcapil)
        with time_machine.travel(MONDAY, tick=False):
            complaint, _key = complaint_actions.file_complaint(
                filing=complaint_actions.Filing(
                    category=Category.objects.get(agency=self.disdukcapil, code="pungli"),
                    description="Diminta uang di loket, rahasia.",
                    privacy="rahasia",
                ),
                complainant=self.siti,
            )
        page = self.client.get("/jaminan/")
        self.assertContains(page, "Batas waktu pengaduan terlewat")
        self.sweep_at(MONDAY + dt.timedelta(days=7))
        rows = self.client.get("/jaminan/data.json").json()["rows"]
        self.assertEqual(sum(r["complaint_deadlines_missed"] for r in rows), 1)
        page = self.client.get("/jaminan/")
        self.assertContains(page, "Batas waktu pengaduan yang terlewat, per bulan dan instansi")
        for secret in ("Siti", complaint.number, "rahasia"):
            self.assertNotContains(page, secret)
