"""Open data: monthly figures per metric, as CSV and JSON, with small cells suppressed.

Two layers, kept apart on purpose:

- `month_figures(month)` is the source: one row per (agency, service) with anything in the
  month, from index-backed queries over that month only (`Application.submitted_at`,
  `Application.ended_at`). It is the one function to switch to the rollups of the
  `transparency` worker once they exist; nothing else here reads cases tables.
- `metric_table(metric, month)` picks a metric's columns from those rows and suppresses
  small cells (`suppress`): a count from 1 to 4 is published as empty (CSV) or null (JSON),
  and so are the time figures computed from fewer than 5 completions, because a handful of
  cases in one service and month could point at the people behind them. Zero stays zero.

No personal data is read: counts, dates and working times only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency
from layanan.cases.models import Application, Status
from layanan.charters.models import Service
from layanan.lib.throughput import median, percentile
from layanan.lib.workdays import CalendarRangeError

SMALL_CELL = 5
WORKING_DAY_MINUTES = 8 * 60
KEY_COLUMNS = ("month", "agency", "agency_name", "service", "service_name")


@dataclass(frozen=True)
class Metric:
    code: str
    title: Any  # lazy text
    description: Any
    counts: tuple[str, ...]  # columns suppressed when 1-4
    derived: tuple[str, ...] = ()  # columns suppressed when `base` is below SMALL_CELL
    base: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return KEY_COLUMNS + self.counts + self.derived


METRICS: dict[str, Metric] = {
    m.code: m
    for m in (
        Metric(
            code="permohonan",
            title=_("Applications by month, agency and service"),
            description=_(
                "Applications received (submitted in the month) and ended in the month: "
                "completed, of which on time and late against the legal due date, rejected, "
                "granted by law (deemed approved) and withdrawn."
            ),
            counts=(
                "received",
                "completed",
                "on_time",
                "late",
                "rejected",
                "deemed_approved",
                "withdrawn",
            ),
        ),
        Metric(
            code="waktu-penyelesaian",
            title=_("Completion time by month, agency and service"),
            description=_(
                "Applications completed in the month, with the median and 90th percentile of "
                "the working days from the start of the legal clock to completion, on the lead "
                "agency's calendar (a working day counted as 8 working hours)."
            ),
            counts=("completed",),
            derived=("median_working_days", "p90_working_days"),
            base="completed",
        ),
    )
}


def month_start(month: dt.date) -> dt.datetime:
    """The first instant of a month, UTC (months are counted in UTC for every agency)."""
    return dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def published_months(now: dt.datetime | None = None) -> list[dt.date]:
    """Every month from the first submission to the current one, newest first."""
    now = now or timezone.now()
    first = Application.objects.aggregate(first=Min("submitted_at"))["first"]
    current = dt.date(now.year, now.month, 1)
    if first is None:
        return [current]
    month = dt.date(first.year, first.month, 1)
    months = []
    while month <= current:
        months.append(month)
        month = next_month(month)
    return months[::-1]


def month_figures(month: dt.date) -> list[dict[str, Any]]:
    """The source of every metric: per (agency, service) of the month, all counts and the
    working days to completion of each completed application. Replace with the rollups."""
    start, end = month_start(month), month_start(next_month(month))
    rows: dict[tuple[int, int], dict[str, Any]] = defaultdict(
        lambda: {"received": 0, "days": [], **dict.fromkeys(METRICS["permohonan"].counts, 0)}
    )
    for agency_id, service_id in Application.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end
    ).values_list("agency_id", "service_id"):
        rows[agency_id, service_id]["received"] += 1
    calendars: dict[int, Any] = {}
    agencies = {a.pk: a for a in Agency.objects.all()}
    for agency_id, service_id, status, clock_started_at, due_at, ended_at in (
        # a draft withdrawn before submission was never received: not counted
        Application.objects.filter(
            ended_at__gte=start, ended_at__lt=end, submitted_at__isnull=False
        ).values_list("agency_id", "service_id", "status", "clock_started_at", "due_at", "ended_at")
    ):
        row = rows[agency_id, service_id]
        if status in ("rejected", "deemed_approved", "withdrawn"):
            row[status] += 1
            continue
        if status != Status.COMPLETED or ended_at is None:
            continue
        row["completed"] += 1
        if due_at is not None:
            row["on_time" if ended_at <= due_at else "late"] += 1
        if clock_started_at is not None:
            if agency_id not in calendars:
                calendars[agency_id] = calendar_for(agencies[agency_id])
            try:
                minutes = calendars[agency_id].working_minutes_between(clock_started_at, ended_at)
            except CalendarRangeError:
                continue
            row["days"].append(minutes)
    services = {s.pk: s for s in Service.objects.filter(pk__in={sid for _a, sid in rows})}
    result = []
    for (agency_id, service_id), row in rows.items():
        days = row.pop("days")
        result.append(
            {
                "month": month.strftime("%Y-%m"),
                "agency": agencies[agency_id].code,
                "agency_name": agencies[agency_id].name,
                "service": services[service_id].code,
                "service_name": services[service_id].name,
                **row,
                "median_working_days": round(median(days) / WORKING_DAY_MINUTES, 1)
                if days
                else None,
                "p90_working_days": round(percentile(days, 90) / WORKING_DAY_MINUTES, 1)
                if days
                else None,
            }
        )
    return sorted(result, key=lambda r: (r["agency"], r["service"]))


def suppress(row: Mapping[str, Any], metric: Metric) -> dict[str, Any]:
    """A metric's row as published: counts of 1-4 and figures built on fewer than
    SMALL_CELL cases become None."""
    published = {column: row.get(column) for column in metric.columns}
    for column in metric.counts:
        if 0 < (published[column] or 0) < SMALL_CELL:
            published[column] = None
    if metric.derived and (row.get(metric.base) or 0) < SMALL_CELL:
        for column in metric.derived:
            published[column] = None
    return published


def metric_table(metric: Metric, month: dt.date) -> list[dict[str, Any]]:
    return [suppress(row, metric) for row in month_figures(month) if has_any(row, metric)]


def has_any(row: Mapping[str, Any], metric: Metric) -> bool:
    return any(row.get(column) for column in metric.counts)


def csv_cells(rows: Iterable[Mapping[str, Any]], metric: Metric) -> list[list[str]]:
    """Header and rows for CSV: a suppressed cell is empty."""
    table = [list(metric.columns)]
    for row in rows:
        table.append(["" if row[c] is None else str(row[c]) for c in metric.columns])
    return table


def produced_on(month: dt.date, now: dt.datetime | None = None) -> dt.date:
    """When a month's files were produced: a month that has ended is final from the first
    day of the next one; the current month changes daily (today)."""
    now = now or timezone.now()
    end = next_month(month)
    return end if end <= now.date() else now.date()
