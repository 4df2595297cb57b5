"""`layanan ikm FILE.csv`, through call_command and as the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from layanan.lib.ikm import UNSUR

EXAMPLE_TOTALS = (33, 31, 28, 40, 32, 33, 35, 28, 31)
SCRIPT = Path(sys.executable).with_name("layanan")


def rows_with_totals(totals: tuple[int, ...], n: int) -> list[list[int]]:
    rows = [[0] * 9 for _ in range(n)]
    for column, total in enumerate(totals):
        base, extra = divmod(total, n)
        for index, row in enumerate(rows):
            row[column] = base + (1 if index < extra else 0)
    return rows


def rows_with_grand_total(n: int, total: int) -> list[list[int]]:
    return rows_with_totals(tuple(total // 9 + (1 if i < total % 9 else 0) for i in range(9)), n)


def csv_text(rows: list[list[int]], *, order: tuple[str, ...] = UNSUR) -> str:
    """A CSV with a name column first and the unsur columns in `order`."""
    lines = ["nama," + ",".join(order)]
    for number, row in enumerate(rows, start=1):
        answers = dict(zip(UNSUR, row, strict=True))
        lines.append(f"Responden {number}," + ",".join(str(answers[c]) for c in order))
    return "\n".join(lines) + "\n"


class IkmCommandTests(SimpleTestCase):
    def setUp(self) -> None:
        self.out, self.err = StringIO(), StringIO()

    def run_command(self, text: str, *options: str) -> tuple[str, str]:
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.write(text)
        self.addCleanup(os.unlink, handle.name)
        self.out, self.err = StringIO(), StringIO()
        call_command("ikm", handle.name, *options, stdout=self.out, stderr=self.err)
        return self.out.getvalue(), self.err.getvalue()

    def test_the_issues_example_is_80_83_grade_b(self) -> None:
        out, _err = self.run_command(csv_text(rows_with_totals(EXAMPLE_TOTALS, 10)))
        last = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(
            last,
            {
                "respondents": 10,
                "nrr": {
                    "u1": 3.3,
                    "u2": 3.1,
                    "u3": 2.8,
                    "u4": 4.0,
                    "u5": 3.2,
                    "u6": 3.3,
                    "u7": 3.5,
                    "u8": 2.8,
                    "u9": 3.1,
                },
                "ikm": 80.83,
                "mutu": "B",
                "kinerja": "Baik",
            },
        )
        self.assertIn("0.111", out)  # the method is stated

    def test_columns_in_any_order(self) -> None:
        rows = rows_with_totals(EXAMPLE_TOTALS, 10)
        out, _err = self.run_command(csv_text(rows, order=tuple(reversed(UNSUR))), "--json")
        self.assertEqual(len(out.strip().splitlines()), 1)
        self.assertEqual(json.loads(out)["ikm"], 80.83)
        self.assertEqual(json.loads(out)["nrr"]["u4"], 4.0)

    def test_grade_boundaries(self) -> None:
        for n, total, ikm, mutu in (
            (24, 763, 88.31, "A"),
            (19, 604, 88.30, "B"),
            (19, 524, 76.61, "B"),
            (26, 717, 76.60, "C"),
            (5, 117, 65.00, "C"),
            (38, 889, 64.99, "D"),
        ):
            with self.subTest(ikm=ikm):
                out, _err = self.run_command(csv_text(rows_with_grand_total(n, total)), "--json")
                last = json.loads(out)
                self.assertEqual((last["ikm"], last["mutu"], last["respondents"]), (ikm, mutu, n))

    def test_bad_rows_are_all_named_and_nothing_is_computed(self) -> None:
        rows = rows_with_totals(EXAMPLE_TOTALS, 10)
        text = csv_text(rows).splitlines()
        text[3] = text[3].rsplit(",", 1)[0] + ","  # data row 3: u9 empty
        text[7] = text[7].replace(",4,", ",5,", 1)  # data row 7: u4 is 5
        with self.assertRaises(CommandError) as raised:
            self.run_command("\n".join(text) + "\n")
        self.assertEqual(raised.exception.returncode, 2)
        self.assertEqual(self.out.getvalue(), "")
        self.assertEqual(
            self.err.getvalue().splitlines(),
            [
                "Data row 3, column u9: no answer.",
                "Data row 7, column u4: '5' is not an answer from 1 to 4.",
            ],
        )

    def test_a_missing_column_is_refused(self) -> None:
        with self.assertRaises(CommandError) as raised:
            self.run_command("u1,u2,u3,u4,u5,u6,u7,u8\n4,4,4,4,4,4,4,4\n")
        self.assertEqual(raised.exception.returncode, 2)

    def test_a_missing_file_is_refused(self) -> None:
        with self.assertRaises(CommandError) as raised:
            call_command("ikm", "/nonexistent/answers.csv", stdout=StringIO())
        self.assertEqual(raised.exception.returncode, 2)

    def test_population_says_whether_the_sample_is_representative(self) -> None:
        rows = rows_with_totals(EXAMPLE_TOTALS, 10)
        out, _err = self.run_command(csv_text(rows), "--population", "10")
        self.assertIn("10 (representative)", out)
        out, _err = self.run_command(csv_text(rows), "--population", "100")
        self.assertIn("80 (not yet representative)", out)


class IkmScriptTests(SimpleTestCase):
    """The installed `layanan` console script, as a person runs it."""

    def script(self, text: str) -> subprocess.CompletedProcess[str]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "jawaban.csv"
            path.write_text(text, encoding="utf-8")
            return subprocess.run(
                [str(SCRIPT), "ikm", str(path)],
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
                env={**os.environ, "LAYANAN_DATA_DIR": folder, "LAYANAN_LANGUAGE": "en"},
            )

    def test_prints_the_json_as_its_last_line(self) -> None:
        done = self.script(csv_text(rows_with_totals(EXAMPLE_TOTALS, 10)))
        self.assertEqual(done.returncode, 0, done.stderr)
        last = json.loads(done.stdout.strip().splitlines()[-1])
        self.assertEqual((last["ikm"], last["mutu"], last["kinerja"]), (80.83, "B", "Baik"))

    def test_exit_status_2_naming_every_bad_row_and_column(self) -> None:
        text = (
            "u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
            "4,4,4,4,4,4,4,4,4\n"
            "4,4,,4,4,4,4,4,4\n"
            "4,4,4,4,4,4,4,4,0\n"
            "3,3,3,3,3,3,3,3,3\n"
            "1,2,3,4,5,4,3,2,1\n"
        )
        done = self.script(text)
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stdout, "")  # nothing computed
        self.assertIn("Data row 2, column u3: no answer.", done.stderr)
        self.assertIn("Data row 3, column u9: '0' is not an answer from 1 to 4.", done.stderr)
        self.assertIn("Data row 5, column u5: '5' is not an answer from 1 to 4.", done.stderr)
        self.assertNotIn("Data row 1,", done.stderr)
        self.assertNotIn("Data row 4,", done.stderr)
