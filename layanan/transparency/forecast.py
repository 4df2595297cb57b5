"""Expected completion of open applications (a periodic job of the worker).

For each step still to run, the typical time is the median working minutes of the last
`SAMPLES` completions of that step of that service within `WINDOW_DAYS`, each measured on
the calendar of the agency that did it, from the step's start to its end (time waiting for
the applicant's corrections included: it is part of how long the step really takes). With
fewer than `MIN_SAMPLES` completions the step's time is unknown, and so is the estimate.
`layanan.lib.throughput.expected_completion` adds the steps up in the order of the procedure.

Which applications are estimated on a pass:

- those with new events of the kinds that move a step (a reader of the event log with its
  own cursor, `CURSOR`): a step started or ended, a return, a resubmission, the end;
- a slice of the other open applications in id order (`SWEEP`), a cursor of its own going
  round, so that every open application is estimated again every few passes even when
  nothing happens to it (the throughput and the clock move on).

Each recent-completions query is index-backed (`Step(key, state, ended_at)`) and limited
to `SAMPLES` rows, and is made once per (service, step) and pass.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from layanan.cases.actions import AgencyCalendars, record_expected_completion
from layanan.cases.events import read_new_events
from layanan.cases.models import OPEN_STATUSES, Application, EventCursor, Status, Step, StepState
from layanan.lib.stats import median
from layanan.lib.throughput import RemainingStep, expected_completion
from layanan.lib.workdays import CalendarRangeError

CURSOR = "transparency-forecast"
SWEEP = "transparency-forecast-sweep"
SAMPLES = 20
MIN_SAMPLES = 3
WINDOW_DAYS = 180
BATCH = 500  # events per transaction
PASS_EVENTS = 5_000  # a pass reads at most this many events ...
PASS_SECONDS = 10.0  # ... and starts no batch after this long; the next pass goes on
SWEEP_PER_PASS = 200
MOVING_KINDS = frozenset(
    {
        "submitted",
        "step_started",
        "step_approved",
        "stage_completed",
        "file_complete",
        "returned",
        "resubmitted",
        "completed",
        "rejected",
        "withdrawn",
        "deemed_approved",
        "due_recomputed",
    }
)
ENDED_STEP = (StepState.APPROVED, StepState.REJECTED, StepState.SKIPPED)
IN_ORDER = Step.objects.select_related("agency").order_by("stage", "position")


@dataclass
class Throughput:
    """Typical working minutes per (service, step key), read once per pass."""

    now: dt.datetime
    calendars: AgencyCalendars = field(default_factory=AgencyCalendars)
    known: dict[tuple[int, str], tuple[int | None, int]] = field(default_factory=dict)
    agency_codes: dict[int, str] = field(default_factory=dict)

    def typical(self, service_id: int, key: str) -> tuple[int | None, int]:
        """(median working minutes or None, number of completions it is based on)."""
        if (service_id, key) not in self.known:
            self.known[service_id, key] = self._read(service_id, key)
        return self.known[service_id, key]

    def _read(self, service_id: int, key: str) -> tuple[int | None, int]:
        since = self.now - dt.timedelta(days=WINDOW_DAYS)
        rows = list(
            Step.objects.filter(
                key=key,
                state=StepState.APPROVED,
                ended_at__gte=since,
                application__service_id=service_id,
                started_at__isnull=False,
            )
            .order_by("-ended_at")
            .values_list("started_at", "ended_at", "agency__code")[:SAMPLES]
        )
        samples = []
        for started_at, ended_at, agency_code in rows:
            if started_at is None or ended_at is None:
                continue
            try:
                samples.append(
                    self.calendars(agency_code).working_minutes_between(started_at, ended_at)
                )
            except CalendarRangeError:
                continue
        if len(samples) < MIN_SAMPLES:
            return None, len(samples)
        return median(samples), len(samples)


def estimate(application: Application, throughput: Throughput) -> tuple[Any, dict[str, Any]]:
    """(expected completion or None, basis) for one application."""
    if application.status not in OPEN_STATUSES:
        return None, {}
    if application.status == Status.RETURNED:
        # the rest depends on when the applicant sends the corrections
        return None, {"reason": "returned"}
    if application.status == Status.AWAITING_PAYMENT:
        return None, {"reason": "awaiting_payment"}  # the rest depends on when it is paid
    remaining = []
    basis_steps = []
    for step in application.steps.all():  # prefetched by `refresh`, in procedure order
        if step.state in ENDED_STEP:
            continue
        typical, count = throughput.typical(application.service_id, step.key)
        remaining.append(
            RemainingStep(
                key=step.key,
                stage=step.stage,
                calendar=throughput.calendars(step.agency.code),
                typical_minutes=typical,
                started_at=step.started_at if step.state == StepState.ACTIVE else None,
            )
        )
        basis_steps.append({"key": step.key, "minutes": typical, "completions": count})
    forecast = expected_completion(remaining, now=throughput.now)
    basis = {
        "method": "median_recent",
        "samples": SAMPLES,
        "min_samples": MIN_SAMPLES,
        "window_days": WINDOW_DAYS,
        "steps": basis_steps,
    }
    if forecast.at is None:
        basis["reason"] = "too_few_completions"
        basis["unknown"] = list(forecast.unknown)
    return forecast.at, basis


def refresh(application_ids: Iterable[int], throughput: Throughput) -> int:
    """Estimate these applications again; returns how many estimates changed."""
    changed = 0
    ids = sorted(set(application_ids))
    for start in range(0, len(ids), 100):
        chunk = Application.objects.filter(pk__in=ids[start : start + 100]).prefetch_related(
            Prefetch("steps", queryset=IN_ORDER)
        )
        for application in chunk:
            at, basis = estimate(application, throughput)
            changed += record_expected_completion(application=application, at=at, basis=basis)
    return changed


def next_slice(position: int) -> tuple[list[int], int]:
    """The next open applications after `position` in id order, going round at the end."""
    ids = list(
        Application.objects.filter(pk__gt=position, status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_PER_PASS]
    )
    return ids, (ids[-1] if len(ids) == SWEEP_PER_PASS else 0)


def run(now: dt.datetime | None = None) -> int:
    """One pass of the worker; returns how many estimates changed."""
    now = now or timezone.now()
    throughput = Throughput(now=now)
    started = time.monotonic()
    changed = read = 0
    moved: set[int] = set()
    while read < PASS_EVENTS and time.monotonic() - started < PASS_SECONDS:
        with transaction.atomic():
            events, done = read_new_events(CURSOR, limit=BATCH, now=now)
            batch = {e.application_id for e in events if e.kind in MOVING_KINDS}
            changed += refresh(batch, throughput)
            done()
        moved |= batch
        read += len(events)
        if len(events) < BATCH:
            break
    with transaction.atomic():
        cursor, _created = EventCursor.objects.get_or_create(name=SWEEP)
        ids, position = next_slice(cursor.position)
        changed += refresh(set(ids) - moved, throughput)
        EventCursor.objects.filter(pk=cursor.pk).update(position=position)
    return changed
