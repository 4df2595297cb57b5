"""The dashboard's figures for one scope (the whole government, an agency or a service) and
period, and the league table: from the rollups (one row per month of the period) plus the
events the worker has not counted yet (`rollups.pending`), plus one indexed count of the
applications late right now. No query here reads a number of rows that grows with the number
of applications."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Sum

from layanan.agencies.models import Agency
from layanan.cases.models import OPEN_STATUSES, Application
from layanan.charters.models import Service
from layanan.lib.stats import percentile_of_counts, wilson_interval
from layanan.transparency.models import COUNTERS, HISTOGRAMS, Rollup, Scope
from layanan.transparency.periods import Period
from layanan.transparency.rollups import Changes, pending

LEAGUE_MIN_DECIDED = 20  # default of settings.LAYANAN_LEAGUE_MIN_DECIDED


@dataclass
class Figures:
    totals: Counter[str]
    by_month: dict[str, Counter[str]]
    histograms: dict[str, Counter[int]]
    late_now: int
    incomplete: bool  # the worker lags so far behind that not every event is counted yet
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def decided(self) -> int:
        return self.totals["on_time"] + self.totals["late"]

    @property
    def on_time_percent(self) -> float | None:
        return 100 * self.totals["on_time"] / self.decided if self.decided else None

    @property
    def median_days(self) -> int | None:
        return percentile_of_counts(self.histograms["completion_days"], 50)

    @property
    def p90_days(self) -> int | None:
        return percentile_of_counts(self.histograms["completion_days"], 90)

    @property
    def median_resolution_days(self) -> int | None:
        return percentile_of_counts(self.histograms["resolution_days"], 50)


def scope_filter(agency: Agency | None, service: Service | None) -> dict[str, Any]:
    if service is not None:
        return {"scope": Scope.SERVICE, "service_pk": service.pk}
    if agency is not None:
        return {"scope": Scope.AGENCY, "agency_pk": agency.pk}
    return {"scope": Scope.ALL}


def matches(key: tuple[str, str, int, int], wanted: dict[str, Any]) -> bool:
    scope, _month, agency_pk, service_pk = key
    return (
        scope == wanted["scope"]
        and wanted.get("agency_pk", agency_pk) == agency_pk
        and wanted.get("service_pk", service_pk) == service_pk
    )


def figures_for(
    *,
    period: Period,
    agency: Agency | None = None,
    service: Service | None = None,
    now: dt.datetime,
    changes: tuple[Changes, bool] | None = None,
) -> Figures:
    wanted = scope_filter(agency, service)
    months = period.months
    by_month: dict[str, Counter[str]] = {month: Counter() for month in months}
    histograms: dict[str, Counter[int]] = {name: Counter() for name in HISTOGRAMS}
    for row in Rollup.objects.filter(month__in=months, **wanted).values(
        "month", *COUNTERS, *HISTOGRAMS
    ):
        by_month[row["month"]].update({name: row[name] for name in COUNTERS})
        for name in HISTOGRAMS:
            histograms[name].update({int(days): n for days, n in row[name].items()})
    unhandled, incomplete = changes if changes is not None else pending()
    for key, amounts, added in unhandled.by_key():
        if key[1] in by_month and matches(key, wanted):
            by_month[key[1]].update(amounts)
            for name, values in added.items():
                histograms[name].update(values)
    totals: Counter[str] = Counter()
    for counts in by_month.values():
        totals.update(counts)
    # Index-backed: (status, due_at) for everything, (agency, status) for an agency and for a
    # service (through its lead agency, whose open applications are few): never the history.
    late_now = Application.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if service is not None:
        late_now = late_now.filter(agency_id=service.lead_agency_id, service=service)
    elif agency is not None:
        late_now = late_now.filter(agency=agency)
    return Figures(
        totals=totals,
        by_month=by_month,
        histograms=histograms,
        late_now=late_now.count(),
        incomplete=incomplete,
    )


@dataclass(frozen=True)
class LeagueRow:
    agency: Agency
    decided: int
    on_time: int
    low: float  # the Wilson 95 % interval of the on-time rate
    high: float
    rank: int | None  # None: too few decisions in the period to be ranked

    @property
    def percents(self) -> tuple[int, int, int]:
        """The on-time rate and its interval in whole percent (the interval rounded outwards,
        so that it always holds the rate as shown)."""
        rate = round(100 * self.on_time / self.decided) if self.decided else 0
        return (rate, min(math.floor(100 * self.low), rate), max(math.ceil(100 * self.high), rate))


def league_table(
    period: Period, changes: tuple[Changes, bool] | None = None
) -> tuple[list[LeagueRow], int]:
    """The agencies with decisions in the period, ranked by the lower bound of the Wilson
    95 % interval of their on-time rate; those with fewer than the minimum follow, unranked.
    Returns the rows and the minimum."""
    minimum = int(getattr(settings, "LAYANAN_LEAGUE_MIN_DECIDED", LEAGUE_MIN_DECIDED))
    counts: dict[int, Counter[str]] = {}
    for item in (
        Rollup.objects.filter(scope=Scope.AGENCY, month__in=period.months)
        .values("agency_pk")
        .annotate(on_time=Sum("on_time"), late=Sum("late"))
    ):
        counts[item["agency_pk"]] = Counter(on_time=item["on_time"], late=item["late"])
    unhandled, _incomplete = changes if changes is not None else pending()
    for (scope, month, agency_pk, _service), amounts, _h in unhandled.by_key():
        if scope == Scope.AGENCY and month in period.months:
            counts.setdefault(agency_pk, Counter()).update(
                on_time=amounts.get("on_time", 0), late=amounts.get("late", 0)
            )
    agencies = Agency.objects.in_bulk([pk for pk, c in counts.items() if c["on_time"] + c["late"]])
    rows = []
    for pk, agency in agencies.items():
        on_time, decided = counts[pk]["on_time"], counts[pk]["on_time"] + counts[pk]["late"]
        low, high = wilson_interval(on_time, decided)
        rows.append(LeagueRow(agency, decided, on_time, low, high, None))
    ranked = sorted(
        (r for r in rows if r.decided >= minimum),
        key=lambda r: (-r.low, -r.decided, r.agency.name),
    )
    unranked = sorted((r for r in rows if r.decided < minimum), key=lambda r: r.agency.name)
    return [
        LeagueRow(r.agency, r.decided, r.on_time, r.low, r.high, position)
        for position, r in enumerate(ranked, start=1)
    ] + unranked, minimum
