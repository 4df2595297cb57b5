"""Refund and compensation orders on the treasurer's page: a guarantee that refunds the fee of
a late application is owed there, the treasurer pays it once (through the guarantees' own
settlement, so the compensation list, the register and the chain show it), the bill reads
refunded, and the day's CSV carries the payout as a negative amount."""

from __future__ import annotations

import csv
import datetime as dt
import io

import time_machine

from layanan.cases.events import record_event
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.guarantees.models import Compensation
from layanan.guarantees.sweep import sweep
from layanan.payments.models import Bill
from layanan.payments.tests.base import FIXED, MONDAY, PaymentTestCase
from layanan.test import charter_content

MINUTE = dt.timedelta(minutes=1)


class RefundOrderTests(PaymentTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for code, compensation in (
            ("uji-kembali", {"kind": "refund_percent", "percent": 100}),
            ("uji-separuh", {"kind": "refund_percent", "percent": 50}),
        ):
            service = Service.objects.create(
                code=code,
                name=code,
                lead_agency=cls.disdukcapil,
                category=Service.Category.HEALTH,
                channels=["online"],
            )
            cls.adopt(
                service,
                charter_content(
                    fee=FIXED,
                    clock_starts="submission",
                    guarantee={
                        "statement": "Terlambat, biaya dikembalikan",
                        "compensation": compensation,
                    },
                ),
            )
            cls.services[code] = service

    def late_and_paid(self, code: str) -> tuple[Application, dt.datetime]:
        """An application that fell late, then was billed, paid and completed."""
        application = self.apply(code)
        assert application.due_at is not None
        late = application.due_at + MINUTE
        sweep(late)
        self.approve(application, "verifikasi", at=late + MINUTE)
        self.approve(application, "terbit", at=late + 2 * MINUTE)
        self.bills(late + 3 * MINUTE)
        self.assertEqual(self.pay(application.number, at=late + 4 * MINUTE).status_code, 201)
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")
        return application, late + 5 * MINUTE

    def test_the_treasurer_pays_a_refund_order_once_and_the_bill_reads_refunded(self) -> None:
        application, at = self.late_and_paid("uji-kembali")
        self.login(self.ani)
        self.assertContains(self.client.get("/kantor/kompensasi/"), application.number)
        self.login(self.tini)
        with time_machine.travel(at, tick=False):
            day = at.astimezone(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
            page = self.client.get(f"/kantor/pembayaran/?tanggal={day}").content.decode()
            settle_url = f"/kantor/kompensasi/permohonan/{application.number}/"
            self.assertIn(settle_url, page)
            self.assertIn("Rp85.000", page)
            self.assertIn("Siti", page)  # who is owed
            self.assertIn("Terlambat, biaya dikembalikan", page)
            order = self.client.get(settle_url)
            self.assertEqual(order.status_code, 200)
            self.assertContains(order, "Rp85.000")
            # a wrong amount is refused next to the field, nothing recorded
            wrong = self.client.post(
                settle_url, {"amount": "80000", "method": "transfer", "reference": "SP2D-7"}
            )
            self.assertEqual(wrong.status_code, 400)
            self.assertContains(wrong, 'id="id_amount_error"', status_code=400)
            self.assertContains(wrong, "Rp85.000", status_code=400)
            self.assertEqual(Compensation.objects.get().status, "owed")
            missing = self.client.post(settle_url, {"amount": "85000"})
            self.assertEqual(missing.status_code, 400)
            self.assertContains(missing, 'id="id_method_error"', status_code=400)
            self.assertContains(missing, 'id="id_reference_error"', status_code=400)
            form = {"amount": "85000", "method": "transfer", "reference": "SP2D-7"}
            self.assertEqual(self.client.post(settle_url, form).status_code, 302)
            self.assertEqual(self.client.post(settle_url, form).status_code, 302)  # again: once
            self.bills(at + MINUTE)  # payments reads the compensation_paid event
        compensation = Compensation.objects.get()
        self.assertEqual(
            (compensation.status, compensation.payment_reference, compensation.paid_by),
            ("paid", "SP2D-7", self.tini),
        )
        paid_events = application.events.filter(kind="compensation_paid")
        self.assertEqual(paid_events.count(), 1)
        self.assertEqual(paid_events.get().data["method"], "transfer")
        self.assertEqual(Bill.objects.get(application=application).status, "refunded")
        with time_machine.travel(at + 2 * MINUTE, tick=False):
            detail = self.call("get", f"/api/v1/applications/{application.number}", "siti")
            self.assertEqual(detail.json()["payment"]["status"], "refunded")
            page = self.client.get(f"/kantor/pembayaran/?tanggal={day}").content.decode()
            self.assertNotIn(f"/kantor/kompensasi/permohonan/{application.number}/", page)
            export = self.client.get(f"/kantor/pembayaran/ekspor.csv?tanggal={day}")
        rows = list(csv.DictReader(io.StringIO(export.content.decode())))
        self.assertEqual(
            [(r["jenis"], r["jumlah"], r["nomor_permohonan"]) for r in rows],
            [
                ("pembayaran", "85000", application.number),
                ("kompensasi", "-85000", application.number),
            ],
        )
        self.assertEqual((rows[1]["cara_bayar"], rows[1]["referensi"]), ("transfer", "SP2D-7"))
        # the supervisors' compensation list no longer has it owed
        self.login(self.ani)
        self.assertNotContains(self.client.get("/kantor/kompensasi/"), application.number)

    def test_a_partial_refund_leaves_the_bill_paid(self) -> None:
        application, at = self.late_and_paid("uji-separuh")
        self.login(self.tini)
        with time_machine.travel(at, tick=False):
            form = {"amount": "42500", "method": "tunai", "reference": "BKK-1"}
            settle_url = f"/kantor/kompensasi/permohonan/{application.number}/"
            self.assertEqual(self.client.post(settle_url, form).status_code, 302)
            self.bills(at + MINUTE)
        self.assertEqual(Bill.objects.get(application=application).status, "paid")

    def test_only_the_agency_treasurer_sees_and_settles_orders(self) -> None:
        application, at = self.late_and_paid("uji-kembali")
        settle_url = f"/kantor/kompensasi/permohonan/{application.number}/"
        form = {"amount": "85000", "method": "tunai", "reference": "BKK-1"}
        self.login(self.budi)  # an officer of the agency, not its treasurer
        with time_machine.travel(at, tick=False):
            self.assertEqual(self.client.get(settle_url).status_code, 404)
            self.assertEqual(self.client.post(settle_url, form).status_code, 404)
            self.assertEqual(self.client.get("/kantor/pembayaran/").status_code, 403)
        self.assertEqual(Compensation.objects.get().status, "owed")

    def test_a_waiver_is_an_order_only_once_the_fee_was_paid(self) -> None:
        paid, waiting = self.apply("uji-air"), self.apply("uji-air")
        for application in (paid, waiting):
            self.approve(application, "verifikasi", at=MONDAY + MINUTE)
            self.approve(application, "terbit", at=MONDAY + 2 * MINUTE)
        self.bills(MONDAY + 3 * MINUTE)
        self.assertEqual(self.pay(paid.number, at=MONDAY + 4 * MINUTE).status_code, 201)
        for application in (paid, waiting):  # owed by the sweep (as after a correction)
            record_event(
                application,
                "compensation_owed",
                at=MONDAY + 5 * MINUTE,
                actor=None,
                public=True,
                data={"kind": "waiver", "amount": 85000},
            )
        self.login(self.tini)
        with time_machine.travel(MONDAY + 6 * MINUTE, tick=False):
            page = self.client.get("/kantor/pembayaran/").content.decode()
        self.assertIn(f"/kantor/kompensasi/permohonan/{paid.number}/", page)
        self.assertNotIn(f"/kantor/kompensasi/permohonan/{waiting.number}/", page)
