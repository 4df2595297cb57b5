"""Complaint figures per agency: how many, how many still open, how they ended, and the median
time the agency took to reach its outcome. The public list shows them; the dashboard reuses
`agency_figures`.

The caller chooses the complaints counted (the public list passes only the public ones, so that
a figure never tells more than the list beside it). Handling time runs from filing to the
agency's outcome: when it marked the complaint resolved, or when it rejected it. Complaints
deemed withdrawn (the complainant did not complete them) are not the agency's handling and are
left out of the median, as are the ones still open. The median is computed here, in Python,
over the rows of the period asked for: a rollup can take its place when the dashboard needs one.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from layanan.agencies.models import Agency
from layanan.complaints.models import OPEN_STATUSES, Complaint, Status

# Outcomes reached by the agency, and the field that holds when.
HANDLED_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.REJECTED)
RESOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)
DAY_SECONDS = 86400


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    total: int
    open: int
    resolved: int  # resolved by the agency (closed ones included)
    rejected: int
    handled: int  # how many complaints the median is taken over
    median_days: float | None  # None when none was handled yet


def handling_days(created_at: dt.datetime, outcome_at: dt.datetime) -> float:
    """Calendar days from filing to the outcome, as a fraction (never below zero)."""
    return max(0.0, (outcome_at - created_at).total_seconds() / DAY_SECONDS)


def median_days(durations: Iterable[float]) -> float | None:
    """The median of handling times in days, to one decimal; None for none."""
    values = sorted(durations)
    if not values:
        return None
    return round(statistics.median(values), 1)


def agency_figures(
    complaints: QuerySet[Complaint], *, since: dt.datetime | None = None
) -> list[AgencyFigures]:
    """Figures for each agency that has complaints among `complaints` (filed at or after
    `since`, when given), by agency name. Three queries, whatever the number of agencies."""
    if since is not None:
        complaints = complaints.filter(created_at__gte=since)
    counts = (
        complaints.order_by()
        .values("agency")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
            rejected=Count("pk", filter=Q(status=Status.REJECTED)),
        )
    )
    rows = {row["agency"]: row for row in counts}
    durations: dict[int, list[float]] = defaultdict(list)
    handled = complaints.filter(status__in=HANDLED_STATUSES).values_list(
        "agency_id", "created_at", "resolved_at", "ended_at"
    )
    for agency_id, created_at, resolved_at, ended_at in handled.order_by():
        outcome_at = resolved_at or ended_at
        if outcome_at is not None:
            durations[agency_id].append(handling_days(created_at, outcome_at))
    agencies = Agency.objects.in_bulk(list(rows))
    figures = [
        AgencyFigures(
            agency=agencies[agency_id],
            total=row["total"],
            open=row["open"],
            resolved=row["resolved"],
            rejected=row["rejected"],
            handled=len(durations[agency_id]),
            median_days=median_days(durations[agency_id]),
        )
        for agency_id, row in rows.items()
        if agency_id in agencies
    ]
    return sorted(figures, key=lambda f: f.agency.name)
