"""A per-day compensation grows until its application ends: every page shows what has accrued
so far with the rule, counted on the agency's calendar; its payment is recorded only once the
amount is final, and then for the final amount. The finance list and the register page with
the same `page` parameter their pagination links send."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import translation

from layanan.cases.events import record_event
from layanan.cases.models import Application, Event
from layanan.guarantees.models import Breach, Compensation
from layanan.guarantees.tests.test_sweep import MINUTE, MONDAY, WIB, SweepTestCase
from layanan.lib import display
from layanan.notifications.jobs import plan_messages
from layanan.notifications.models import Message

SO_FAR = (
    "Rp300.000 sejauh ini: Rp50.000 per hari kerja terlambat, paling banyak Rp350.000; "
    "jumlah akhir ditetapkan saat permohonan selesai."
)
# Due Thursday 3 December 16.00 WIB; on Friday 11 December six working days late.
SIX_DAYS_LATE = dt.datetime(2026, 12, 11, 10, 0, tzinfo=WIB)


class PerDayCompensationTests(SweepTestCase):
    def late_pbg(self) -> Application:
        service = self.service_with(
            "pbg", compensation={"kind": "per_day", "amount": 50000, "cap": 350000}
        )
        application = self.submitted(service=service, at=MONDAY)
        self.assertEqual(application.due_at, dt.datetime(2026, 12, 3, 16, 0, tzinfo=WIB))
        self.sweep_at(dt.datetime(2026, 12, 3, 16, 1, tzinfo=WIB))
        return application

    def test_the_note_and_the_mail_state_the_rule(self) -> None:
        application = self.late_pbg()
        owed = Event.objects.get(application=application, kind="compensation_owed")
        self.assertEqual(
            owed.note,
            "Pemohon berhak atas kompensasi: Rp50.000 sejauh ini: Rp50.000 per hari kerja "
            "terlambat, paling banyak Rp350.000; jumlah akhir ditetapkan saat permohonan selesai.",
        )
        self.assertEqual(Compensation.objects.get().amount, 50000)
        plan_messages()
        mail = Message.objects.get(event=owed, recipient="siti@example.test")
        self.assertIn(
            "Rp50.000 sejauh ini: Rp50.000 per hari kerja terlambat, paling banyak Rp350.000; "
            "jumlah akhir ditetapkan saat permohonan selesai.",
            mail.body,
        )

    def test_while_open_every_page_shows_the_amount_so_far_and_no_payment(self) -> None:
        application = self.late_pbg()
        compensation = Compensation.objects.get()
        with time_machine.travel(SIX_DAYS_LATE, tick=False):
            self.login(self.ani)
            page = self.client.get("/kantor/kompensasi/")
            self.assertContains(page, SO_FAR)
            self.assertContains(page, "Dicatat setelah permohonan selesai")
            self.assertNotContains(page, f"/kantor/kompensasi/{compensation.pk}/bayar/")
            refused = self.client.post(
                f"/kantor/kompensasi/{compensation.pk}/bayar/", {"reference": "TRF-1"}
            )
            self.assertContains(refused, "masih bertambah setiap hari kerja", status_code=400)
            compensation.refresh_from_db()
            self.assertEqual((compensation.status, compensation.amount), ("owed", 50000))
            self.assertFalse(Event.objects.filter(kind="compensation_paid").exists())

            register = self.client.get("/jaminan/")
            self.assertContains(register, "Rp300.000")
            self.assertNotContains(register, "Rp50.000")
            rows = self.client.get("/jaminan/data.json").json()["rows"]
            self.assertEqual(sum(r["amount_owed"] for r in rows), 300000)

            self.login(self.siti)
            detail = self.client.get(f"/permohonan/{application.number}/")
            self.assertContains(detail, "Kompensasi yang menjadi hak Anda: " + SO_FAR)

    def test_the_cap_holds_and_the_final_amount_is_recorded_with_the_payment(self) -> None:
        application = self.late_pbg()
        ended = dt.datetime(2026, 12, 21, 10, 0, tzinfo=WIB)  # 12 working days late: capped
        self.approve(application, "verifikasi", ended)
        self.approve(application, "terbit", ended + MINUTE)
        compensation = Compensation.objects.get()
        self.assertEqual(compensation.amount, 50000)  # the sweep has not settled it yet
        with time_machine.travel(ended + 2 * MINUTE, tick=False):
            self.login(self.ani)
            page = self.client.get("/kantor/kompensasi/")
            self.assertContains(page, "Rp350.000 (Rp50.000 per hari kerja terlambat")
            self.assertContains(page, f"/kantor/kompensasi/{compensation.pk}/bayar/")
            self.client.post(f"/kantor/kompensasi/{compensation.pk}/bayar/", {"reference": "TRF-9"})
        compensation.refresh_from_db()
        self.assertEqual((compensation.status, compensation.amount), ("paid", 350000))
        paid = Event.objects.get(application=application, kind="compensation_paid")
        self.assertEqual(paid.data["amount"], 350000)
        self.assertIn("Rp350.000", paid.note)

    def test_settled_by_the_sweep_when_it_comes_first(self) -> None:
        application = self.late_pbg()
        ended = dt.datetime(2026, 12, 8, 10, 0, tzinfo=WIB)  # Friday, Monday, Tuesday: 3 days
        self.approve(application, "verifikasi", ended)
        self.approve(application, "terbit", ended + MINUTE)
        self.sweep_at(ended + 2 * MINUTE)
        self.assertEqual(Compensation.objects.get().amount, 150000)
        with time_machine.travel(ended + dt.timedelta(days=30), tick=False):
            self.login(self.siti)
            detail = self.client.get(f"/permohonan/{application.number}/")
            self.assertContains(
                detail,
                "Kompensasi yang menjadi hak Anda: Rp150.000 (Rp50.000 per hari kerja "
                "terlambat, paling banyak Rp350.000).",
            )


class PaginationTests(SweepTestCase):
    def test_the_finance_list_pages_with_the_links_it_sends(self) -> None:
        service = self.service_with("izin-f", compensation={"kind": "fixed", "amount": 25000})
        numbers = [self.submitted(service=service, at=MONDAY).number for _ in range(26)]
        due = Application.objects.get(number=numbers[0]).due_at
        assert due is not None
        self.sweep_at(due + MINUTE)
        self.assertEqual(Compensation.objects.count(), 26)
        last = Compensation.objects.order_by("owed_at", "pk").last()
        assert last is not None
        self.login(self.ani)
        first = self.client.get("/kantor/kompensasi/")
        self.assertContains(first, 'href="?page=2"')
        self.assertNotContains(first, last.application.number)
        second = self.client.get("/kantor/kompensasi/", {"page": 2})
        self.assertContains(second, last.application.number)
        self.assertContains(second, 'aria-current="page">2<')

    def test_the_register_pages_with_the_links_it_sends(self) -> None:
        application = self.submitted(at=MONDAY)
        for month in range(51):  # one row per month: 51 rows, 50 on a page
            year, index = divmod(month, 12)
            detected = dt.datetime(2022 + year, index + 1, 15, 10, tzinfo=WIB)
            breach = Breach.objects.create(
                application=application,
                level="late",
                agency=self.disdukcapil,
                service=self.akta,
                due_at=detected - dt.timedelta(hours=1),
                detected_at=detected,
            )
            # As the sweep does: the register counts breaches from their `late` events.
            record_event(application, "late", at=detected, actor=None, data={"breach": breach.pk})
        with translation.override("id"):
            oldest = display.month_in_words(dt.date(2022, 1, 1))
        first = self.client.get("/jaminan/")
        self.assertContains(first, 'href="?page=2"')
        self.assertNotContains(first, oldest)
        second = self.client.get("/jaminan/", {"page": 2})
        self.assertContains(second, oldest)
        self.assertContains(second, 'aria-current="page">2<')
