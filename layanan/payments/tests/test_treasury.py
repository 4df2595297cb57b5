"""The treasurer's page, the day's CSV for the finance system, and bank statements matched by
payment code and exact amount (a line twice is one payment)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from layanan.cases.models import Application
from layanan.payments.models import AmountFlag, Bill, Payment, StatementLine
from layanan.payments.statement import read_amount, read_statement
from layanan.payments.tests.base import MONDAY, PaymentTestCase

HOUR = dt.timedelta(hours=1)


class TreasuryTestCase(PaymentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(time_machine.travel(MONDAY + 4 * HOUR, tick=False))

    def awaiting(self) -> Application:
        application = self.apply("uji-air")
        self.approve(application, "verifikasi", at=MONDAY + HOUR)
        application = self.approve(application, "terbit", at=MONDAY + 2 * HOUR)
        self.bills(MONDAY + 3 * HOUR)
        return application


class TreasuryPageTests(TreasuryTestCase):
    def test_the_day_open_bills_and_wrong_amounts_and_the_csv(self) -> None:
        paid, waiting = self.awaiting(), self.awaiting()
        self.assertEqual(self.pay(paid.number, at=None).status_code, 201)
        self.assertEqual(self.pay(waiting.number, amount=5000, at=None).status_code, 400)
        self.login(self.tini)
        page = self.client.get("/kantor/pembayaran/?tanggal=2026-04-06").content.decode()
        self.assertIn(Payment.objects.get().receipt_number, page)
        self.assertIn(Bill.objects.get(application=waiting).code, page)
        self.assertIn("Rp5.000 ditawarkan untuk tagihan sebesar Rp85.000", page)
        export = self.client.get("/kantor/pembayaran/ekspor.csv?tanggal=2026-04-06")
        self.assertEqual(export["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(export.content.decode())))
        self.assertEqual(rows[0][:3], ["nomor_bukti", "waktu", "nomor_permohonan"])
        self.assertEqual(len(rows), 2)
        self.assertEqual((rows[1][2], rows[1][5], rows[1][6]), (paid.number, "85000", "tunai"))
        self.assertEqual(rows[1][1], "2026-04-06T13:00:00+07:00")
        other_day = self.client.get("/kantor/pembayaran/ekspor.csv?tanggal=2026-04-07")
        self.assertEqual(len(other_day.content.decode().strip().splitlines()), 1)

    def test_it_is_for_treasurers(self) -> None:
        self.assertEqual(self.client.get("/kantor/pembayaran/").status_code, 302)
        self.login(self.budi)
        self.assertEqual(self.client.get("/kantor/pembayaran/").status_code, 403)
        self.assertEqual(self.client.get("/kantor/pembayaran/ekspor.csv").status_code, 403)


class StatementTests(TreasuryTestCase):
    def statement(self, *lines: str) -> SimpleUploadedFile:
        text = "tanggal;keterangan;jumlah;referensi\n" + "\n".join(lines) + "\n"
        return SimpleUploadedFile("mutasi.csv", text.encode(), "text/csv")

    def test_lines_match_by_code_and_exact_amount_and_a_line_twice_is_one_payment(self) -> None:
        first, second = self.awaiting(), self.awaiting()
        one = Bill.objects.get(application=first).code
        two = Bill.objects.get(application=second).code
        lines = (
            f"06/04/2026;TRF DARI SITI {one} UJI AIR;85.000,00;FT001",
            f"06/04/2026;TRF DARI SITI {one} UJI AIR;85.000,00;FT001",  # the same line twice
            f"06/04/2026;BAYAR {two};80000;FT002",  # not the bill's amount
            "06/04/2026;SETORAN TUNAI;85000;FT003",  # no payment code
        )
        self.login(self.tini)
        done = self.client.post("/kantor/pembayaran/mutasi/", {"file": self.statement(*lines)})
        self.assertEqual(done.status_code, 302)
        self.assertEqual(Payment.objects.count(), 1)
        payment = Payment.objects.get()
        self.assertEqual(
            (payment.bill.code, payment.method, payment.reference), (one, "transfer", "FT001")
        )
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.status, second.status), ("completed", "awaiting_payment"))
        problems = dict(StatementLine.objects.values_list("reference", "problem"))
        self.assertEqual(problems, {"FT001": "", "FT002": "wrong_amount", "FT003": "no_code"})
        self.assertEqual(AmountFlag.objects.get().amount, 80000)
        page = self.client.get("/kantor/pembayaran/").content.decode()
        self.assertIn("Tidak ada kode bayar dalam keterangan", page)
        # the same statement again: nothing new
        again = self.client.post("/kantor/pembayaran/mutasi/", {"file": self.statement(*lines)})
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Payment.objects.count(), 1)
        self.assertEqual(StatementLine.objects.count(), 3)

    def test_an_unreadable_statement_is_refused_next_to_the_field(self) -> None:
        self.login(self.tini)
        wrong = SimpleUploadedFile("x.csv", b"tanggal,uraian\n2026-04-06,x\n", "text/csv")
        page = self.client.post("/kantor/pembayaran/mutasi/", {"file": wrong})
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "keterangan, jumlah", status_code=400)


class ReadStatementTests(SimpleTestCase):
    @given(st.integers(min_value=1, max_value=10**12))
    def test_amounts_read_as_banks_write_them(self, amount: int) -> None:
        dotted = f"{amount:,}".replace(",", ".")
        for written in (str(amount), dotted, f"{amount:,}.00", f"{dotted},00", f"Rp{dotted}"):
            self.assertEqual(read_amount(written), amount, written)

    def test_lines_that_cannot_be_read_are_named(self) -> None:
        text = "tanggal,keterangan,jumlah\n2026-13-01,x,100\n2026-04-06,y,abc\n2026-04-06,z,100\n"
        with translation.override("en"):
            lines, problems = read_statement(text)
        self.assertEqual([line.description for line in lines], ["z"])
        self.assertEqual(len(problems), 2)
        self.assertTrue(problems[0].startswith("Line 2"))
