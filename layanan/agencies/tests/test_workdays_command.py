"""`layanan workdays`: answers on the national and agency calendars; bad input exits 2."""

import os
import subprocess
import sys
import tempfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import SimpleTestCase

from layanan.agencies.models import CalendarDay, ServiceHours
from layanan.test import BaseTestCase


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point, on an empty data dir (national calendar, no database)."""
    env = {**os.environ, "LAYANAN_DATA_DIR": tempfile.mkdtemp()}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "layanan.cli", "workdays", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


class WorkdaysCliTests(SimpleTestCase):
    def test_add_skips_nyepi_idul_fitri_and_cuti_bersama(self) -> None:
        result = run_cli("add", "2026-03-16", "5")
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "2026-03-30\n", ""))

    def test_between_counts_days_after_start_up_to_end(self) -> None:
        result = run_cli("between", "2026-03-16", "2026-03-30")
        self.assertEqual(result.stdout, "5\n")

    def test_explain_names_the_skipped_days(self) -> None:
        result = run_cli("explain", "2026-03-16", "5")
        self.assertEqual(result.returncode, 0)
        self.assertIn("2026-03-30", result.stdout.splitlines()[0])
        self.assertIn("2026-03-19 Thu  Hari Suci Nyepi", result.stdout)
        self.assertIn("Cuti Bersama Hari Raya Idul Fitri", result.stdout)

    def test_bad_input_exits_2_with_one_line(self) -> None:
        cases = {
            ("add", "2026-02-30", "3"): "'2026-02-30' is not a valid date",
            ("add", "2026-03-16", "-1"): "must not be negative",
            ("add", "2026-03-16", "lima"): "'lima' is not a whole number",
            ("between", "2026-13-01", "2026-03-30"): "is not a valid date",
            ("add", "2026-03-16"): "required: n",
            ("--agency", "tidak-ada", "add", "2026-03-16", "1"): "",
            ("add", "2500-01-01", "1"): "outside the calendar",
        }
        for args, message in cases.items():
            with self.subTest(args=args):
                result = run_cli(*args)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stdout, "")
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                self.assertIn(message, result.stderr)
                self.assertNotIn("Traceback", result.stderr)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2025-03-27", 1, "2025-04-08"),  # Nyepi, Idul Fitri 2025 and their cuti bersama
        ("2025-12-23", 2, "2025-12-29"),  # Christmas and its cuti bersama
        ("2026-08-14", 1, "2026-08-18"),  # Independence Day on Monday
        ("2026-12-23", 1, "2026-12-28"),  # cuti bersama and Christmas
    ],
)
def test_known_due_dates(start: str, n: int, due: str) -> None:
    result = run_cli("add", start, str(n))
    assert result.stdout.strip() == due, result.stderr


class AgencyCalendarTests(BaseTestCase):
    def answer(self, *args: str) -> str:
        out = StringIO()
        call_command("workdays", *args, stdout=out)
        return out.getvalue().strip()

    def test_an_agency_closure_is_not_a_working_day(self) -> None:
        CalendarDay.objects.create(
            agency=self.disdukcapil, date="2026-06-02", kind="closed", name="HUT Kabupaten"
        )
        self.assertEqual(self.answer("add", "2026-06-01", "1"), "2026-06-02")
        self.assertEqual(
            self.answer("--agency", "disdukcapil", "add", "2026-06-01", "1"), "2026-06-03"
        )
        self.assertEqual(self.answer("--agency", "dpmptsp", "add", "2026-06-01", "1"), "2026-06-02")

    def test_saturday_service_hours_make_saturdays_working_days(self) -> None:
        for weekday in range(6):
            ServiceHours.objects.create(
                agency=self.dpmptsp, weekday=weekday, opens="08:00", closes="12:00"
            )
        self.assertEqual(self.answer("--agency", "dpmptsp", "add", "2026-11-27", "1"), "2026-11-28")

    def test_a_national_correction_applies_to_every_agency(self) -> None:
        CalendarDay.objects.create(agency=None, date="2026-11-30", kind="closed", name="Koreksi")
        self.assertEqual(self.answer("add", "2026-11-27", "1"), "2026-12-01")
        CalendarDay.objects.create(agency=None, date="2026-08-17", kind="open", name="Bukan libur")
        self.assertEqual(self.answer("--agency", "dpmptsp", "add", "2026-08-14", "1"), "2026-08-17")

    def test_an_extra_working_day_of_one_agency(self) -> None:
        CalendarDay.objects.create(
            agency=self.dpmptsp, date="2026-11-28", kind="open", name="Sabtu layanan"
        )
        self.assertEqual(self.answer("--agency", "dpmptsp", "add", "2026-11-27", "1"), "2026-11-28")
        self.assertEqual(self.answer("add", "2026-11-27", "1"), "2026-11-30")
