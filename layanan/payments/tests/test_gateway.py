"""Paying online: Xendit's Invoice API, played by a local fake server that speaks the same HTTP
(Basic auth with the secret key, POST /v2/invoices), and its callback, authenticated by the
x-callback-token header."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import time_machine
from django.test import override_settings

from layanan.cases.models import Application
from layanan.payments.models import AmountFlag, Bill, Payment
from layanan.payments.tests.base import MONDAY, PaymentTestCase

SECRET = "xnd_development_fake_key"
TOKEN = "callback-token-of-the-test"


class FakeXendit(BaseHTTPRequestHandler):
    """POST /v2/invoices as Xendit answers it; every request is kept in `received`."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        expected = "Basic " + base64.b64encode(f"{SECRET}:".encode()).decode()
        self.received.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if self.path != "/v2/invoices" or self.headers["Authorization"] != expected:
            self.answer(401, {"error_code": "INVALID_API_KEY"})
            return
        number = len(self.received)
        self.answer(
            200,
            {
                "id": f"inv-{number}",
                "external_id": body["external_id"],
                "amount": body["amount"],
                "status": "PENDING",
                "invoice_url": f"https://checkout.xendit.test/web/inv-{number}",
            },
        )

    def answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class GatewayTests(PaymentTestCase):
    server: ThreadingHTTPServer

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeXendit)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.enterClassContext(
            override_settings(
                LAYANAN_XENDIT_SECRET_KEY=SECRET,
                LAYANAN_XENDIT_CALLBACK_TOKEN=TOKEN,
                LAYANAN_XENDIT_API_URL=f"http://127.0.0.1:{cls.server.server_port}",
            )
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        FakeXendit.received.clear()
        self.enterContext(time_machine.travel(MONDAY + dt.timedelta(hours=1)))

    def billed(self) -> tuple[Application, Bill]:
        application = self.apply("pbg", luas="36")  # Rp36.000, paid before processing
        self.bills(MONDAY)
        return application, Bill.objects.get(application=application)

    def invoice(self, application: Application) -> Any:
        self.login(self.siti)
        return self.client.post(f"/permohonan/{application.number}/tagihan/bayar-daring/")

    def notify(self, bill: Bill, *, token: str = TOKEN, **changes: Any) -> Any:
        body = {
            "id": bill.gateway_invoice_id,
            "external_id": bill.code,
            "status": "PAID",
            "amount": bill.amount,
            "paid_amount": bill.amount,
            "payment_method": "QR_CODE",
            "paid_at": "2026-04-06T03:00:00.000Z",
            **changes,
        }
        return self.client.post(
            "/pembayaran/xendit/notifikasi/",
            json.dumps(body),
            content_type="application/json",
            headers={"x-callback-token": token},
        )

    def test_the_applicant_is_sent_to_an_invoice_of_exactly_the_bill(self) -> None:
        application, bill = self.billed()
        response = self.invoice(application)
        self.assertRedirects(
            response, "https://checkout.xendit.test/web/inv-1", fetch_redirect_response=False
        )
        [sent] = FakeXendit.received
        self.assertEqual((sent["external_id"], sent["amount"]), (bill.code, 36000))
        self.assertEqual(sent["currency"], "IDR")
        again = self.invoice(application)  # the same invoice, not a second one
        self.assertEqual(again["Location"], "https://checkout.xendit.test/web/inv-1")
        self.assertEqual(len(FakeXendit.received), 1)

    def test_the_callback_pays_once_and_only_with_the_token(self) -> None:
        application, bill = self.billed()
        self.invoice(application)
        bill.refresh_from_db()
        self.assertEqual(self.notify(bill, token="tebakan").status_code, 403)
        self.assertFalse(Payment.objects.exists())
        first, again = self.notify(bill), self.notify(bill)
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual(first.json(), {"status": "recorded"})
        payment = Payment.objects.get()
        self.assertEqual(
            (payment.method, payment.reference, payment.amount), ("gateway", "inv-1", 36000)
        )
        self.assertIsNone(payment.recorded_by)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        self.assertEqual(application.events.filter(kind="payment_received").count(), 1)

    def test_another_amount_is_refused_and_flagged(self) -> None:
        application, bill = self.billed()
        self.invoice(application)
        bill.refresh_from_db()
        response = self.notify(bill, paid_amount=30000)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Payment.objects.exists())
        self.assertEqual(AmountFlag.objects.get().method, "gateway")

    def test_an_unknown_invoice_or_a_pending_one_pays_nothing(self) -> None:
        application, bill = self.billed()
        self.invoice(application)
        bill.refresh_from_db()
        self.assertEqual(self.notify(bill, id="inv-lain").status_code, 404)
        self.assertEqual(self.notify(bill, status="PENDING").json(), {"status": "ignored"})
        self.assertEqual(
            self.client.post(
                "/pembayaran/xendit/notifikasi/",
                "bukan json",
                content_type="application/json",
                headers={"x-callback-token": TOKEN},
            ).status_code,
            400,
        )
        self.assertFalse(Payment.objects.exists())

    def test_a_gateway_that_does_not_answer_sends_the_applicant_back_with_a_message(self) -> None:
        application, _bill = self.billed()
        with override_settings(LAYANAN_XENDIT_API_URL="http://127.0.0.1:9"):
            response = self.invoice(application)
        self.assertRedirects(
            response, f"/permohonan/{application.number}/tagihan/", fetch_redirect_response=False
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, "Pembayaran daring sedang tidak tersedia")
