"""Open data: monthly figures per metric, as CSV and JSON, with small cells suppressed.

Two layers, kept apart on purpose:

- `month_figures(month)` is the source: one row per (agency, service) with anything in the
  month, read from the rollups the worker keeps (`transparency.rollups`, the service scope: one
  row per service and month) plus the events it has not counted yet, so that a file is as
  fresh as the dashboard and shows the same numbers, and costs the same whatever the number of
  applications. Satisfaction comes from the month's survey answers (one grouped query over the
  days of the month, indexed on the day answered).
- `metric_table(metric, month)` picks a metric's columns from those rows and suppresses
  small cells (`suppress`): a count from 1 to 4 is published as empty (CSV) or null (JSON),
  and so are the figures computed from fewer than 5 cases (times, amounts, the IKM), because
  a handful of cases in one service and month could point at the people behind them. Zero
  stays zero.

Months are those of the rollups and the dashboard: calendar months in the site's time zone
(settings.TIME_ZONE). No personal data is read: counts, dates, working days and answers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.lib import ikm
from layanan.lib.stats import percentile_of_counts
from layanan.surveys.models import Response
from layanan.transparency.models import COUNTERS, HISTOGRAMS, Rollup, Scope
from layanan.transparency.rollups import pending

SMALL_CELL = 5
KEY_COLUMNS = ("month", "agency", "agency_name", "service", "service_name")
Cell = tuple[Counter[str], dict[str, Counter[int]]]  # a cell's counters and histograms


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
                "Applications received in the month (submitted online, at the counter or "
                "through the API) and those that ended in the month: completed, rejected, "
                "granted by law (deemed approved) and withdrawn; of the decisions, those on "
                "time and those late against the legal due date (a grant by law is always "
                "late)."
            ),
            counts=(
                "received",
                "received_online",
                "received_counter",
                "received_api",
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
                "the working days from the start of the legal clock (the file complete) to "
                "completion, on the lead agency's calendar: completed on the same day is 0, on "
                "the next working day 1. The same figures as the performance dashboard."
            ),
            counts=("completed",),
            derived=("median_working_days", "p90_working_days"),
            base="completed",
        ),
        Metric(
            code="jaminan",
            title=_("Service guarantees by month, agency and service"),
            description=_(
                "Breaches of the time limit detected in the month (late, and very late), "
                "compensations that became owed in the month and are still owed, those of them "
                "paid, and the amount paid in rupiah."
            ),
            counts=(
                "breaches_late",
                "breaches_very_late",
                "compensations_owed",
                "compensations_paid",
            ),
            derived=("amount_paid",),
            base="compensations_paid",
        ),
        Metric(
            code="pengaduan",
            title=_("Complaints by month, agency and service"),
            description=_(
                "Complaints received and resolved in the month, the legal limits missed in the "
                "month, and the median number of days from receipt to resolution of those "
                "resolved. A complaint about no particular service has an empty service."
            ),
            counts=("complaints_received", "complaints_resolved", "complaint_deadlines_missed"),
            derived=("median_resolution_days",),
            base="complaints_resolved",
        ),
        Metric(
            code="kepuasan",
            title=_("Citizen satisfaction (IKM) by month, agency and service"),
            description=_(
                "Survey answers given in the month (online, on paper or imported) and the "
                "satisfaction index computed from them as PermenPAN-RB 14/2017 prescribes, "
                "with its grade (mutu). A month is a short period for a survey: the "
                "dashboard gives the IKM of a quarter or a year."
            ),
            counts=("respondents",),
            derived=("ikm", "mutu"),
            base="respondents",
        ),
    )
}


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def published_months(now: dt.datetime | None = None) -> list[dt.date]:
    """Every month from the first submission (an indexed minimum) or the first counted month,
    whichever is earlier, to the current one, newest first."""
    now = timezone.localtime(now or timezone.now())
    current = dt.date(now.year, now.month, 1)
    starts = []
    first = Application.objects.aggregate(first=Min("submitted_at"))["first"]
    if first is not None:
        local = timezone.localtime(first)
        starts.append(dt.date(local.year, local.month, 1))
    counted = Rollup.objects.filter(scope=Scope.ALL).aggregate(first=Min("month"))["first"]
    if counted:
        starts.append(dt.date(int(counted[:4]), int(counted[5:7]), 1))
    month = min(starts, default=current)
    months = []
    while month <= current:
        months.append(month)
        month = next_month(month)
    return months[::-1]


def counted_cells(month: str) -> dict[tuple[int, int], Cell]:
    """The month's rollup rows at the service scope plus what the uncounted events add, per
    (agency pk, service pk)."""
    cells: dict[tuple[int, int], Cell] = defaultdict(
        lambda: (Counter(), {name: Counter() for name in HISTOGRAMS})
    )
    for row in Rollup.objects.filter(scope=Scope.SERVICE, month=month).values(
        "agency_pk", "service_pk", *COUNTERS, *HISTOGRAMS
    ):
        counts, histograms = cells[row["agency_pk"], row["service_pk"]]
        counts.update({name: row[name] for name in COUNTERS})
        for name in HISTOGRAMS:
            histograms[name].update({int(days): n for days, n in row[name].items()})
    changes, _more = pending()
    for (scope, key_month, agency_pk, service_pk), amounts, added in changes.by_key():
        if scope == Scope.SERVICE and key_month == month:
            counts, histograms = cells[agency_pk, service_pk]
            counts.update(amounts)
            for name, values in added.items():
                histograms[name].update(values)
    return cells


def satisfaction(month: dt.date) -> dict[tuple[int, int], dict[str, Any]]:
    """Respondents, IKM and mutu per (agency pk, service pk) of the answers of the month."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for row in (
        Response.objects.filter(answered_on__gte=month, answered_on__lt=next_month(month))
        .values("agency_id", "service_id")
        .annotate(n=Count("pk"), **{code: Sum(code) for code in ikm.UNSUR})
        .order_by()
    ):
        result = ikm.compute_from_totals({code: row[code] for code in ikm.UNSUR}, row["n"])
        found[row["agency_id"], row["service_id"] or 0] = {
            "respondents": row["n"],
            "ikm": float(result.ikm),
            "mutu": result.grade.mutu,
        }
    return found


def month_figures(month: dt.date) -> list[dict[str, Any]]:
    """The source of every metric: per (agency, service) with anything in the month, every
    column of every metric."""
    cells = counted_cells(f"{month:%Y-%m}")
    answers = satisfaction(month)
    keys = {
        key
        for key, (counts, histograms) in cells.items()
        if any(counts.values()) or any(histograms.values())
    } | set(answers)
    agencies = Agency.objects.in_bulk({agency for agency, _service in keys})
    services = Service.objects.in_bulk({service for _agency, service in keys if service})
    result = []
    for agency_pk, service_pk in keys:
        counts, histograms = cells.get((agency_pk, service_pk)) or (Counter(), {})
        completion = histograms.get("completion_days", Counter())
        resolution = histograms.get("resolution_days", Counter())
        agency, service = agencies.get(agency_pk), services.get(service_pk)
        if agency is None:
            continue
        result.append(
            {
                "month": f"{month:%Y-%m}",
                "agency": agency.code,
                "agency_name": agency.name,
                "service": service.code if service else "",
                "service_name": service.name if service else "",
                **{name: counts[name] for name in COUNTERS},
                "median_working_days": percentile_of_counts(completion, 50),
                "p90_working_days": percentile_of_counts(completion, 90),
                "median_resolution_days": percentile_of_counts(resolution, 50),
                **answers.get(
                    (agency_pk, service_pk), {"respondents": 0, "ikm": None, "mutu": None}
                ),
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
