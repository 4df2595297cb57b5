"""The periods the dashboard shows: a month ("2026-11"), a quarter ("2026-Q4") or a year
("2026"), as the value of one select box, so the form works without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from layanan.lib import display

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})|-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter" or "year"
    year: int
    number: int  # the month (1-12) or quarter (1-4); 0 for a year

    @property
    def value(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def first_month(self) -> int:
        return {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]

    @property
    def months(self) -> list[str]:
        count = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return [
            f"{self.year:04d}-{m:02d}" for m in range(self.first_month, self.first_month + count)
        ]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        last = int(self.months[-1][5:])
        return dt.date(self.year + 1, 1, 1) if last == 12 else dt.date(self.year, last + 1, 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return display.month_in_words(self.start)
        if self.kind == "quarter":
            return _("Quarter %(quarter)d of %(year)d") % {
                "quarter": self.number,
                "year": self.year,
            }
        return _("The year %(year)d") % {"year": self.year}


def parse(value: str) -> Period | None:
    match = PATTERN.match(value or "")
    if not match:
        return None
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        return Period("month", year, month) if 1 <= month <= 12 else None
    if match["quarter"]:
        return Period("quarter", year, int(match["quarter"]))
    return Period("year", year, 0)


def choices(today: dt.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods offered, newest first: the last 24 months, 8 quarters and 5 years."""
    months, quarters, years = [], [], []
    year, month = today.year, today.month
    for _i in range(24):
        period = Period("month", year, month)
        months.append((period.value, period.label))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _i in range(8):
        period = Period("quarter", year, quarter)
        quarters.append((period.value, period.label))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    for offset in range(5):
        period = Period("year", today.year - offset, 0)
        years.append((period.value, period.label))
    return [(_("Years"), years), (_("Quarters"), quarters), (_("Months"), months)]


def default(today: dt.date) -> Period:
    return Period("year", today.year, 0)
