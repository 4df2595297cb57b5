"""A guarantee that waives the fee when the standard is missed: the late application is not
charged; its bill is waived, the application goes on, and the compensation is settled."""

from __future__ import annotations

import datetime as dt

import time_machine

from layanan.cases.events import record_event
from layanan.charters.models import Service
from layanan.guarantees.models import Compensation
from layanan.guarantees.sweep import sweep
from layanan.payments.models import Bill, Payment
from layanan.payments.tests.base import BASIS, MONDAY, PaymentTestCase
from layanan.test import charter_content

MINUTE = dt.timedelta(minutes=1)


class WaiverTests(PaymentTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        service = Service.objects.create(
            code="uji-cepat",
            name="Uji Cepat",
            lead_agency=cls.disdukcapil,
            category=Service.Category.HEALTH,
            channels=["online"],
        )
        cls.adopt(
            service,
            charter_content(
                fee={"amount": 85000, "legal_basis": BASIS, "due": "before_issue"},
                clock_starts="submission",
                guarantee={"compensation": {"kind": "waiver"}},
            ),
        )
        cls.services["uji-cepat"] = service

    def test_a_late_application_is_not_charged(self) -> None:
        application = self.apply("uji-cepat")
        assert application.due_at is not None
        late = application.due_at + MINUTE
        sweep(late)
        self.assertEqual(Compensation.objects.get().kind, "waiver")
        self.approve(application, "verifikasi", at=late + MINUTE)
        application = self.approve(application, "terbit", at=late + 2 * MINUTE)
        self.assertEqual(application.status, "awaiting_payment")
        self.bills(late + 3 * MINUTE)
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")
        bill = Bill.objects.get()
        self.assertEqual((bill.status, bill.amount), ("waived", 85000))
        self.assertFalse(Payment.objects.exists())
        self.assertTrue(application.events.filter(kind="fee_waived", public=True).exists())
        with time_machine.travel(late + 4 * MINUTE, tick=False):
            detail = self.call("get", f"/api/v1/applications/{application.number}", "siti")
        self.assertEqual(detail.json()["payment"]["status"], "waived")
        sweep(late + 5 * MINUTE)  # the guarantee's reader learns the fee was not charged
        compensation = Compensation.objects.get()
        self.assertEqual(compensation.status, "paid")
        self.assertIn("tagihan dibebaskan", compensation.payment_reference)

    def test_a_waiver_owed_while_the_bill_is_open_waives_it(self) -> None:
        application = self.apply("uji-cepat", at=MONDAY)
        self.approve(application, "verifikasi", at=MONDAY + MINUTE)
        self.approve(application, "terbit", at=MONDAY + 2 * MINUTE)
        self.bills(MONDAY + 3 * MINUTE)
        self.assertEqual(Bill.objects.get().status, "unpaid")
        # the guarantee sweep owes a waiver for it (as after a calendar correction)
        record_event(
            application,
            "compensation_owed",
            at=MONDAY + 4 * MINUTE,
            actor=None,
            public=True,
            data={"kind": "waiver", "amount": 85000},
        )
        self.bills(MONDAY + 5 * MINUTE)
        application.refresh_from_db()
        self.assertEqual((application.status, Bill.objects.get().status), ("completed", "waived"))
