"""Bills and payments through the API and the pages: the clock paused while a bill is open,
exactly the charter's amount, each payment once, in the application's hash chain."""

from __future__ import annotations

import datetime as dt

import time_machine

from layanan.cases.events import verify_chain
from layanan.cases.models import Application, Event
from layanan.notifications.jobs import plan_messages
from layanan.notifications.models import Message
from layanan.payments.models import AmountFlag, Bill, Payment
from layanan.payments.tests.base import MONDAY, PaymentTestCase

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


class FixedFeeBeforeIssueTests(PaymentTestCase):
    def awaiting(self) -> Application:
        application = self.apply("uji-air")
        self.approve(application, "verifikasi", at=MONDAY + HOUR)
        return self.approve(application, "terbit", at=MONDAY + 2 * HOUR)

    def test_the_final_approval_awaits_payment_with_the_clock_paused(self) -> None:
        application = self.awaiting()
        self.assertEqual(application.status, "awaiting_payment")
        self.assertEqual(application.paused_at, MONDAY + 2 * HOUR)
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/").content.decode()
        self.assertIn("Menunggu pembayaran biaya; batas waktu dihentikan sementara", page)
        self.assertIn("Tagihan Anda dengan kode bayar sedang disiapkan", page)
        self.assertIn("selama tagihan terbuka", page)  # the due date's explanation

    def test_the_bill_is_the_charters_amount_with_its_basis_and_expiry(self) -> None:
        application = self.awaiting()
        self.assertEqual(self.bills(MONDAY + 3 * HOUR), 1)
        self.assertEqual(self.bills(MONDAY + 3 * HOUR), 0)  # read once, issued once
        bill = Bill.objects.get()
        self.assertEqual((bill.amount, bill.status), (85000, "unpaid"))
        self.assertEqual(bill.expires_at, bill.issued_at + 14 * DAY)
        self.assertEqual(len(bill.code), 14)
        with time_machine.travel(MONDAY + 4 * HOUR, tick=False):
            payment = self.call("get", f"/api/v1/applications/{application.number}", "siti")
        self.assertEqual(
            payment.json()["payment"],
            {
                "amount": 85000,
                "status": "unpaid",
                "code": bill.code,
                "due_at": "2026-04-20T05:00:00Z",
                "pay_url": f"/permohonan/{application.number}/tagihan/",
            },
        )
        self.assertEqual(payment.json()["status"], "awaiting_payment")
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/tagihan/").content.decode()
        for shown in (bill.code, "Rp85.000", "Perda Kabupaten Contoh 1/2024", "20 April 2026"):
            self.assertIn(shown, page)
        pdf = self.client.get(f"/permohonan/{application.number}/tagihan.pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_paying_completes_the_application_and_gives_the_paused_time_back(self) -> None:
        application = self.awaiting()
        due = application.due_at
        self.bills(MONDAY + 3 * HOUR)
        # paid on Wednesday at the same hour: two working days of the citizen's time
        response = self.pay(application.number, at=MONDAY + 2 * DAY + 2 * HOUR)
        self.assertEqual(response.status_code, 201, response.content)
        receipt = response.json()["receipt_number"]
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")
        self.assertEqual(application.paused_minutes, 2 * 8 * 60)
        assert due is not None
        assert application.due_at is not None
        self.assertGreater(application.due_at, due)
        kinds = list(application.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds[-5:],
            ["payment_awaited", "bill_issued", "payment_received", "due_extended", "completed"],
        )
        paid = application.events.get(kind="payment_received")
        self.assertEqual(paid.data["amount"], 85000)
        self.assertEqual(paid.data["receipt"], receipt)
        self.assertTrue(paid.public)
        self.assertIsNone(
            verify_chain(Event.objects.filter(application=application).order_by("seq"), "x")
        )
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/").content.decode()
        self.assertIn("Biaya telah dibayar", page)
        self.assertIn("dihentikan sementara 2 hari kerja selama biaya belum dibayar", page)
        proof = self.client.get(f"/permohonan/{application.number}/bukti-bayar/")
        self.assertContains(proof, receipt)
        self.assertContains(proof, "BKU-0001")
        pdf = self.client.get(f"/permohonan/{application.number}/bukti-bayar.pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_the_applicant_is_mailed_the_bill(self) -> None:
        application = self.awaiting()
        self.bills(MONDAY + 3 * HOUR)
        plan_messages()
        message = Message.objects.get(event__kind="bill_issued")
        self.assertEqual(message.recipient, "siti@example.test")
        self.assertIn(f"Tagihan permohonan {application.number}", message.subject)
        self.assertIn(
            f"Bayarlah Rp85.000 dengan kode bayar {Bill.objects.get().code}", message.body
        )
        self.assertIn("20 April 2026", message.body)

    def test_a_wrong_amount_is_refused_and_flagged_and_nothing_is_paid(self) -> None:
        application = self.awaiting()
        self.bills(MONDAY + 3 * HOUR)
        response = self.pay(application.number, amount=100000)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "wrong_amount")
        self.assertIn("Rp85.000", response.json()["fields"]["amount"][0])
        flag = AmountFlag.objects.get()
        self.assertEqual((flag.amount, flag.recorded_by), (100000, self.tini))
        self.assertFalse(Payment.objects.exists())
        application.refresh_from_db()
        self.assertEqual(application.status, "awaiting_payment")

    def test_the_same_payment_twice_is_one_payment_and_a_second_is_refused(self) -> None:
        application = self.awaiting()
        self.bills(MONDAY + 3 * HOUR)
        first = self.pay(application.number)
        again = self.pay(application.number)
        self.assertEqual((first.status_code, again.status_code), (201, 200))
        self.assertEqual(first.json()["receipt_number"], again.json()["receipt_number"])
        other = self.pay(application.number, method="transfer", reference="TRX-99")
        self.assertEqual(other.status_code, 409)
        self.assertEqual(Payment.objects.count(), 1)
        self.assertEqual(Event.objects.filter(kind="payment_received").count(), 1)

    def test_a_withdrawn_application_cannot_be_paid(self) -> None:
        application = self.awaiting()
        self.bills(MONDAY + 3 * HOUR)
        with time_machine.travel(MONDAY + 4 * HOUR, tick=False):
            response = self.call(
                "post", f"/api/v1/applications/{application.number}/withdraw", "siti"
            )
        self.assertEqual(response.status_code, 200)
        refused = self.pay(application.number, at=MONDAY + 5 * HOUR)
        self.assertEqual(refused.status_code, 409)
        self.assertFalse(Payment.objects.exists())

    def test_the_treasurer_may_pay_before_the_worker_issued_the_bill(self) -> None:
        application = self.awaiting()
        response = self.pay(application.number)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Bill.objects.get().status, "paid")

    def test_only_a_treasurer_of_the_agency_records_payments(self) -> None:
        application = self.awaiting()
        for user in ("budi", "siti", "charlie"):
            with self.subTest(user=user):
                self.assertEqual(self.pay(application.number, user=user).status_code, 404)
        self.assertEqual(self.pay(application.number, method="cek").status_code, 400)
        bad = self.pay(application.number, reference=" ")
        self.assertIn("reference", bad.json()["fields"])
        self.assertFalse(Payment.objects.exists())

    def test_an_expired_bill_cannot_be_paid_and_the_applicant_renews_it(self) -> None:
        application = self.awaiting()
        self.bills(MONDAY + 3 * HOUR)
        old = Bill.objects.get()
        later = MONDAY + 15 * DAY
        with time_machine.travel(later, tick=False):
            detail = self.call("get", f"/api/v1/applications/{application.number}", "siti")
            self.assertEqual(detail.json()["payment"]["status"], "expired")
            self.assertEqual(self.pay(application.number, at=None).status_code, 409)
            self.login(self.siti)
            page = self.client.get(f"/permohonan/{application.number}/tagihan/")
            self.assertContains(page, "Perbarui tagihan")
            renewed = self.client.post(f"/permohonan/{application.number}/tagihan/perbarui/")
            self.assertEqual(renewed.status_code, 302)
        new = Bill.objects.get(status="unpaid")
        self.assertNotEqual(new.code, old.code)
        self.assertEqual((new.amount, new.renews), (85000, old))
        old.refresh_from_db()
        self.assertEqual(old.status, "expired")
        self.assertEqual(self.pay(application.number, at=later + HOUR).status_code, 201)
        self.assertEqual(Payment.objects.get().bill, new)

    def test_the_treasurer_records_a_payment_in_the_back_office(self) -> None:
        application = self.awaiting()
        self.bills(MONDAY + 3 * HOUR)
        self.enterContext(time_machine.travel(MONDAY + 4 * HOUR, tick=False))
        self.login(self.tini)
        url = f"/kantor/pembayaran/{application.number}/"
        self.assertContains(self.client.get(url), "Rp85.000")
        wrong = self.client.post(url, {"amount": "80000", "method": "tunai", "reference": "B-1"})
        self.assertEqual(wrong.status_code, 400)
        self.assertContains(wrong, "Rp85.000", status_code=400)
        gateway = self.client.post(url, {"amount": "85000", "method": "gateway", "reference": "X"})
        self.assertEqual(gateway.status_code, 400)  # not a choice at the desk
        self.assertNotContains(self.client.get(url), 'value="gateway"')
        # the amount as the bill writes it
        done = self.client.post(
            url, {"amount": "Rp85.000", "method": "transfer", "reference": "T-7"}
        )
        self.assertRedirects(done, f"/permohonan/{application.number}/bukti-bayar/")
        self.login(self.budi)  # not a treasurer
        self.assertEqual(self.client.get(url).status_code, 404)


class FreeServiceTests(PaymentTestCase):
    def test_a_free_service_never_shows_a_bill(self) -> None:
        application = self.apply("akta-kelahiran")
        self.approve(application, "verifikasi", at=MONDAY + HOUR)
        application = self.approve(application, "terbit", at=MONDAY + 2 * HOUR)
        self.assertEqual(application.status, "completed")
        self.assertEqual(self.bills(MONDAY + 3 * HOUR), 0)
        detail = self.call("get", f"/api/v1/applications/{application.number}", "siti").json()
        self.assertIsNone(detail["payment"])
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/").content.decode()
        self.assertNotIn("Tagihan", page)
        self.assertEqual(
            self.client.get(f"/permohonan/{application.number}/tagihan/").status_code, 404
        )


class TariffAndAssessmentTests(PaymentTestCase):
    def test_a_tariff_before_processing_bills_the_amount_from_the_answers(self) -> None:
        application = self.apply("pbg", luas="150.5")
        self.assertEqual(application.status, "awaiting_payment")
        self.assertEqual(application.steps.get(key="verifikasi").state, "pending")
        self.bills(MONDAY + HOUR)
        self.assertEqual(Bill.objects.get().amount, 100 * 1000 + 50 * 500 + 250)
        response = self.pay(application.number, amount=125250)
        self.assertEqual(response.status_code, 201, response.content)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        self.assertEqual(application.steps.get(key="verifikasi").state, "active")

    def test_the_assessing_officer_sets_the_amount_within_the_range(self) -> None:
        application = self.apply("inspeksi")
        step = application.steps.get(key="verifikasi")
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/verifikasi/tindakan/"
        missing = self.client.post(url, {"keputusan-action": "approve"})
        self.assertEqual(missing.status_code, 400)
        self.assertContains(missing, "Rp100.000 – Rp750.000", status_code=400)
        outside = self.client.post(
            url, {"keputusan-action": "approve", "keputusan-amount": "800000"}
        )
        self.assertEqual(outside.status_code, 400)
        step.refresh_from_db()
        self.assertEqual(step.state, "active")
        self.assertFalse(Event.objects.filter(kind="fee_assessed").exists())
        done = self.client.post(url, {"keputusan-action": "approve", "keputusan-amount": "120000"})
        self.assertEqual(done.status_code, 302)
        application.refresh_from_db()
        self.assertEqual(application.status, "awaiting_payment")
        self.bills(dt.datetime.now(dt.UTC))
        self.assertEqual(Bill.objects.get().amount, 120000)
        self.assertEqual(self.pay(application.number, amount=120000, at=None).status_code, 201)
        application.refresh_from_db()
        self.assertEqual(application.steps.get(key="terbit").state, "active")

    def test_the_assessment_through_the_api(self) -> None:
        application = self.apply("inspeksi")
        url = f"/api/v1/applications/{application.number}/steps/verifikasi/actions"
        missing = self.call("post", url, "budi", json={"action": "approve"})
        self.assertEqual(missing.status_code, 400)
        self.assertIn("amount", missing.json()["fields"])
        done = self.call("post", url, "budi", json={"action": "approve", "amount": 200000})
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], "awaiting_payment")
        self.bills(dt.datetime.now(dt.UTC))
        self.assertEqual(Bill.objects.get().amount, 200000)
