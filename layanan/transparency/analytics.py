"""Process analytics for an agency: how long each step of each service takes, how often it
sends applications back for correction, and which steps hold applications up longest.

Read from the Step rows of the steps the agency did that ended in the period (index
`Step(agency, ended_at)`) and the `returned` events of those applications (by application,
through the event table's unique (application, seq) index): one pass over the period's
steps, no scan of all applications.

- Time in step: working minutes from the step's start to its end on the agency's calendar,
  time waiting for the applicant's corrections included (the share of returns says how
  often that happens).
- Median and 90th percentile: nearest-rank (`layanan.lib.throughput`).
- Share of returns: of the steps that ended in the period, those sent back to the applicant
  at least once.
- Bottlenecks: the steps with at least `MIN_RANKED` completions, slowest median first (p90,
  then volume, break ties); steps with fewer are listed but not ranked, since two or three
  cases say little about a step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language

from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency
from layanan.cases.models import Event, Step, StepState
from layanan.charters.models import Charter, Service
from layanan.charters.spec import text_in
from layanan.lib.stats import median, percentile
from layanan.lib.workdays import CalendarRangeError

MIN_RANKED = 5
ENDED = (StepState.APPROVED, StepState.REJECTED)


@dataclass(frozen=True)
class StepFigures:
    service_code: str
    service_name: str
    key: str
    name: str
    order: int  # position of the step in the service's procedure
    completions: int
    median_minutes: int
    p90_minutes: int
    returned: int
    rank: int | None = None

    @property
    def return_percent(self) -> int:
        return round(100 * self.returned / self.completions) if self.completions else 0


def step_orders(services: list[Service]) -> dict[int, dict[str, tuple[int, str]]]:
    """Per service: (position, name) of each step in the charter in force (one query for
    all services; a service with none in force falls back on its latest version)."""
    charters = {
        c.service_id: c
        for c in Charter.objects.filter(
            service__in=services, status=Charter.Status.ADOPTED
        ).order_by()
    }
    language = get_language() or "id"
    orders: dict[int, dict[str, tuple[int, str]]] = {}
    for service in services:
        charter = charters.get(service.pk) or service.charters.order_by("-version").first()
        order: dict[str, tuple[int, str]] = {}
        for stage in charter.stages if charter else []:
            for step in stage["steps"]:
                order[step["key"]] = (len(order), text_in(step["name"], language))
        orders[service.pk] = order
    return orders


def step_figures(
    *, agency: Agency, start: dt.datetime, end: dt.datetime, service: Service | None = None
) -> list[StepFigures]:
    """One row per (service, step) of the steps `agency` did that ended in [start, end) (of
    one service only, when given), in the order of each service's procedure, services by
    name; bottleneck ranks filled in among the rows returned."""
    calendar = calendar_for(agency)
    steps = Step.objects.filter(
        agency=agency,
        ended_at__gte=start,
        ended_at__lt=end,
        state__in=ENDED,
        started_at__isnull=False,
    )
    if service is not None:
        steps = steps.filter(application__service=service)
    rows = steps.order_by().values_list(
        "application_id", "application__service_id", "key", "started_at", "ended_at"
    )
    minutes: dict[tuple[int, str], list[int]] = defaultdict(list)
    applications: dict[tuple[int, str], set[int]] = defaultdict(set)
    for application_id, service_id, key, started_at, ended_at in rows:
        if started_at is None or ended_at is None:
            continue
        try:
            minutes[service_id, key].append(calendar.working_minutes_between(started_at, ended_at))
        except CalendarRangeError:
            continue
        applications[service_id, key].add(application_id)

    returned: set[tuple[int, str]] = set()
    ids = sorted({pk for group in applications.values() for pk in group})
    for first in range(0, len(ids), 500):
        returned.update(
            Event.objects.filter(kind="returned", application_id__in=ids[first : first + 500])
            .values_list("application_id", "step")
            .distinct()
        )

    services = {s.pk: s for s in Service.objects.filter(pk__in={sid for sid, _k in minutes})}
    orders = step_orders(list(services.values()))
    figures = []
    for (service_id, key), values in minutes.items():
        service = services[service_id]
        position, name = orders[service_id].get(key, (len(orders[service_id]), key))
        figures.append(
            StepFigures(
                service_code=service.code,
                service_name=service.display_name,
                key=key,
                name=name,
                order=position,
                completions=len(values),
                median_minutes=median(values),
                p90_minutes=percentile(values, 90),
                returned=sum(1 for pk in applications[service_id, key] if (pk, key) in returned),
            )
        )
    ranked = sorted(
        (f for f in figures if f.completions >= MIN_RANKED),
        key=lambda f: (-f.median_minutes, -f.p90_minutes, -f.completions, f.service_code, f.key),
    )
    ranks = {(f.service_code, f.key): i for i, f in enumerate(ranked, start=1)}
    return sorted(
        (
            StepFigures(**{**f.__dict__, "rank": ranks.get((f.service_code, f.key))})
            for f in figures
        ),
        key=lambda f: (f.service_name, f.order, f.key),
    )


def bottlenecks(figures: list[StepFigures]) -> list[StepFigures]:
    return sorted((f for f in figures if f.rank is not None), key=lambda f: f.rank or 0)
