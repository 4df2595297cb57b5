"""The SP4N-LAPOR! exchange export: the documented columns in CSV and JSON, the officer's
units only, the period, the identity of confidential complainants for the handling unit (and
its read logged), and refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import time_machine
from django.conf import settings

from layanan.accounts.models import DataAccess
from layanan.complaints.lapor_exchange import COLUMNS
from layanan.complaints.models import Privacy
from layanan.complaints.tests.office import OfficeTestCase

CSV = "/kantor/pengaduan/ekspor.csv"
JSON = "/kantor/pengaduan/ekspor.json"


class ExportTests(OfficeTestCase):
    def rows(self, url: str) -> list[dict[str, str]]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    def test_the_csv_has_the_documented_columns_and_the_identity(self) -> None:
        complaint = self.file(
            privacy=Privacy.CONFIDENTIAL, lapor_link="received_from", lapor_number="LPR-9"
        )
        self.login(self.budi)
        response = self.client.get(CSV)
        header = response.content.decode().splitlines()[0]
        self.assertEqual(header.split(","), list(COLUMNS))
        [row] = self.rows(CSV)
        self.assertEqual(row["number"], complaint.number)
        self.assertEqual(row["privacy"], "rahasia")
        self.assertEqual(row["lapor_number"], "LPR-9")
        self.assertEqual(row["category_code"], "disdukcapil.pungli")
        self.assertEqual(row["complainant_name"], "Siti Rahayu")
        self.assertEqual(row["complainant_email"], "siti@example.test")
        self.assertEqual(row["status"], "received")
        self.assertTrue(row["received_at"].endswith("+00:00"))
        self.assertEqual(row["resolved_at"], "")
        # the handling unit's export of siti's identity is in her access log
        self.assertTrue(
            DataAccess.objects.filter(
                reader=self.budi, citizen=self.siti, place="complaint_export"
            ).exists()
        )

    def test_the_json_carries_the_same_rows(self) -> None:
        complaint = self.file()
        self.login(self.budi)
        response = self.client.get(JSON)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["format"], "layanan-lapor-exchange")
        self.assertEqual(body["columns"], list(COLUMNS))
        self.assertEqual(body["count"], 1)
        [row] = body["complaints"]
        self.assertEqual(list(row), list(COLUMNS))
        self.assertEqual(row["number"], complaint.number)
        self.assertIsNone(row["resolved_at"])
        self.assertEqual(row["deadlines_missed"], "")

    def test_only_the_officers_units(self) -> None:
        self.file()
        self.login(self.charlie)
        self.assertEqual(self.rows(CSV), [])
        self.assertEqual(self.client.get(JSON).json()["count"], 0)
        self.assertFalse(DataAccess.objects.exists())

    def test_the_period(self) -> None:
        with time_machine.travel(dt.datetime(2027, 1, 10, 3, tzinfo=dt.UTC), tick=False):
            january = self.file()
        with time_machine.travel(dt.datetime(2027, 3, 10, 3, tzinfo=dt.UTC), tick=False):
            march = self.file()
            self.login(self.budi)
            default = [r["number"] for r in self.rows(CSV)]  # the last 30 days
            chosen = [r["number"] for r in self.rows(f"{CSV}?dari=2027-01-01&sampai=2027-01-31")]
        self.assertEqual(default, [march.number])
        self.assertEqual(chosen, [january.number])

    def test_a_bad_period_is_400(self) -> None:
        self.login(self.budi)
        for query in (
            "dari=kemarin",
            "dari=2027-02-01&sampai=2027-01-01",
            "dari=2020-01-01&sampai=2027-01-01",
            "dari=2000-01-01",  # to today: more than a year, though no last day is given
        ):
            for url in (CSV, JSON):
                with self.subTest(url=url, query=query):
                    response = self.client.get(f"{url}?{query}")
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(response.json()["code"], "invalid_period")

    def test_the_export_takes_a_fixed_number_of_queries(self) -> None:
        self.file(privacy=Privacy.ANONYMOUS)
        self.login(self.budi)
        self.client.get(CSV)
        # session, user, device, officer check, roles, complaints, their missed deadlines, the
        # reader's units (named on the access-log rows), one insert into the access log: nine,
        # for one row or five.
        with self.assertNumQueries(9):
            self.assertEqual(self.client.get(CSV).status_code, 200)
        for _ in range(4):
            self.file(privacy=Privacy.ANONYMOUS, complainant=self.agus)
        with self.assertNumQueries(9):
            self.assertEqual(self.client.get(JSON).status_code, 200)

    def test_citizens_and_visitors_are_refused(self) -> None:
        self.file()
        self.login(self.siti)
        self.assertEqual(self.client.get(CSV).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(JSON).status_code, 302)

    def test_the_layout_is_documented_column_by_column(self) -> None:
        doc = (Path(settings.BASE_DIR) / "docs" / "lapor-exchange.md").read_text()
        for column in COLUMNS:
            self.assertIn(f"| `{column}` |", doc)
