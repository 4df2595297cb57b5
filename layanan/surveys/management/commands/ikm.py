"""`layanan ikm FILE.csv` — the IKM of a CSV of SKM answers, by PermenPAN-RB 14/2017.

The header names the columns u1 … u9 in any order (other columns are ignored); each data row is
one respondent. The last line printed is JSON:
{"respondents": n, "nrr": {"u1": …, …, "u9": …}, "ikm": 80.83, "mutu": "B", "kinerja": "Baik"}.
A missing answer or a value outside 1–4 makes it name every bad row (data row number and
column) on standard error and exit with status 2, computing nothing.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from layanan.cli import cli_language
from layanan.lib import ikm
from layanan.surveys.actions import describe
from layanan.surveys.reports import method_note

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Compute the IKM (PermenPAN-RB 14/2017) of a CSV with columns u1 … u9."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the CSV file ('-' reads standard input)")
        parser.add_argument(
            "--population",
            type=int,
            help="citizens served in the period: also say whether the sample is representative",
        )
        parser.add_argument("--json", action="store_true", help="print only the JSON line")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(cli_language())
        text = self.read(options["file"])
        answered, problems = ikm.read_answers(ikm.read_table(text))
        if problems:
            for problem in problems:
                self.stderr.write(describe(problem))
            raise CommandError(
                _("%(count)d problem(s) found; nothing was computed.") % {"count": len(problems)},
                returncode=BAD_INPUT,
            )
        result = ikm.compute(answers for _row, answers in answered)
        if not options["json"]:
            self.report(result, options.get("population"))
        self.stdout.write(json.dumps(ikm.as_json(result), ensure_ascii=False))

    def read(self, name: str) -> str:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": name, "reason": error.strerror},
                returncode=BAD_INPUT,
            ) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(
                _("%(file)s is not UTF-8 text; save it as CSV UTF-8.") % {"file": name},
                returncode=BAD_INPUT,
            ) from None

    def report(self, result: ikm.Result, population: int | None) -> None:
        write = self.stdout.write
        write(_("Respondents: %(count)d") % {"count": result.respondents})
        write(f"{'':4}{'NRR':>6}{'×25':>8}")
        nrr = result.nrr_rounded()
        converted = result.ikm_per_unsur()
        for code in ikm.UNSUR:
            mark = " *" if code in result.lowest else ""
            write(f"{code:4}{nrr[code]:>6}{converted[code]:>8}  {ikm.UNSUR_NAMES[code]}{mark}")
        write(
            _("IKM %(ikm)s: mutu %(mutu)s (%(kinerja)s)")
            % {"ikm": result.ikm, "mutu": result.grade.mutu, "kinerja": result.grade.kinerja}
        )
        write(_("* lowest unsur: the priority for improvement"))
        if population is not None:
            needed = ikm.sample_size(population)
            verdict = (
                _("representative")
                if result.respondents >= needed and population > 0
                else _("not yet representative")
            )
            write(
                _("Minimum sample for %(population)d citizens served: %(needed)d (%(verdict)s)")
                % {"population": population, "needed": needed, "verdict": verdict}
            )
        write(_("Method: %(note)s") % {"note": method_note(with_sample=False)})
