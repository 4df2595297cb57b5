"""`layanan workdays add|between|explain` — the working-day calendar from the command line."""

import datetime as dt
import sys
from argparse import ArgumentParser
from typing import Any, NoReturn

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency
from layanan.lib.workdays import WorkCalendar, national_calendar


class BadInput(Exception):
    pass


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"'{text}' is not a valid date; use YYYY-MM-DD, e.g. 2026-03-16") from None


def parse_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise BadInput(f"'{text}' is not a whole number of working days") from None
    if n < 0:
        raise BadInput(f"the number of working days must not be negative (got {n})")
    return n


def one_line_error(message: str) -> NoReturn:
    """argparse's errors (a missing argument) exit like bad input does: status 2, one line."""
    sys.stderr.write(f"error: {message} (see 'layanan workdays --help')\n")
    sys.exit(2)


class Command(BaseCommand):
    help = "Working-day arithmetic on the national calendar or an agency's calendar."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--agency", help="use this agency's calendar (its code)")
        sub = parser.add_subparsers(dest="operation", required=True)
        add = sub.add_parser("add", help="the N-th working day after START (START is day zero)")
        add.add_argument("start")
        add.add_argument("n")
        between = sub.add_parser("between", help="working days d with START < d <= END")
        between.add_argument("start")
        between.add_argument("end")
        explain = sub.add_parser("explain", help="the due date and the days off it skips")
        explain.add_argument("start")
        explain.add_argument("n")
        for each in (parser, add, between, explain):
            each.error = one_line_error  # type: ignore[method-assign]

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(self.answer(options))
        except (BadInput, ValueError) as problem:
            self.stderr.write(f"error: {problem}")
            sys.exit(2)

    def answer(self, options: dict[str, Any]) -> str:
        calendar = self.calendar(options.get("agency"))
        start = parse_date(options["start"])
        if options["operation"] == "between":
            return str(calendar.working_days_between(start, parse_date(options["end"])))
        n = parse_count(options["n"])
        if options["operation"] == "add":
            return calendar.add_working_days(start, n).isoformat()
        explanation = calendar.explain(start, n)
        lines = [f"{explanation.due.isoformat()}  ({n} working days after {start.isoformat()})"]
        lines += [
            f"  skipped {off.day.isoformat()} {off.day:%a}  {off.reason}"
            for off in explanation.skipped
        ]
        return "\n".join(lines)

    def calendar(self, code: str | None) -> WorkCalendar:
        try:
            if not code:
                return calendar_for(None)
            agency = Agency.objects.filter(code=code).first()
        except DatabaseError:
            # Not migrated yet: the national calendar needs no database, an agency's does.
            if not code:
                return national_calendar()
            raise BadInput("the database is not set up; run 'layanan migrate' first") from None
        if agency is None:
            raise BadInput(f"unknown agency '{code}'")
        return calendar_for(agency)
