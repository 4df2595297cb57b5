"""Keeping the rollups up to date from the event logs, and reading them fresh.

The worker's job (`run`) reads the application events and the complaint events it has not
handled (`cases.events.read_new_events`, cursors of its own), works out what each changes
(`collect`), adds that to the rows (`apply`) and moves its cursors, all in one transaction:
a batch is counted exactly once, however often the job runs or is interrupted. Two workers
never count the same batch: the cursors' rows are locked first (PostgreSQL; SQLite runs one
write transaction at a time).

What an event changes is worked out from the event and the facts that do not change once it
happened (the application's service, agency, channel, submission, due date and end), so that
`rebuild` — empty the rollups, rewind the cursors and run the same code over the whole log —
gives the same rows as the incremental passes did.

Pages read the rows and add the events the worker has not handled yet (`pending`), so a figure
is never older than the last event, and the worker's pace only decides how much a page adds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency
from layanan.cases.events import read_new_events
from layanan.cases.models import Application, Event, EventCursor
from layanan.complaints.models import Complaint, ComplaintEvent
from layanan.lib.workdays import CalendarRangeError, WorkCalendar
from layanan.transparency.models import Rollup, Scope

CURSOR = "transparency"  # application events
COMPLAINT_CURSOR = "transparency-complaints"
BATCH = 2000
PENDING_LIMIT = 5000  # events a page adds at most, per log, when the worker lags behind

END_KINDS = ("completed", "rejected", "deemed_approved", "withdrawn")
GUARANTEE_KINDS = (
    "late",
    "very_late",
    "breach_withdrawn",
    "compensation_owed",
    "compensation_paid",
    "compensation_withdrawn",
)
KINDS = ("submitted", *END_KINDS, *GUARANTEE_KINDS)
COMPLAINT_KINDS = ("filed", "resolved", "deadline_missed")
CHANNEL_COUNTER = {"online": "received_online", "loket": "received_counter", "api": "received_api"}

Cell = tuple[str, int, int]  # (month, agency pk, service pk) at the service scope
Key = tuple[str, str, int, int]  # (scope, month, agency pk, service pk)


def month_of(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


@dataclass
class Changes:
    """What a set of events adds, per cell of the service scope."""

    counts: dict[Cell, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    histograms: dict[Cell, dict[str, Counter[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )

    def add(self, cell: Cell, **amounts: int) -> None:
        self.counts[cell].update(amounts)

    def observe(self, cell: Cell, histogram: str, value: int) -> None:
        self.histograms[cell][histogram][value] += 1

    def __bool__(self) -> bool:
        return bool(self.counts) or bool(self.histograms)

    def by_key(self) -> Iterator[tuple[Key, Counter[str], dict[str, Counter[int]]]]:
        """The changes of every row they touch: each cell's own row, its agency's and the
        whole government's."""
        counts: dict[Key, Counter[str]] = defaultdict(Counter)
        histograms: dict[Key, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
        for cells in (self.counts, self.histograms):
            for month, agency, service in cells:
                for key in scopes_of(month, agency, service):
                    counts[key]
        for (month, agency, service), amounts in self.counts.items():
            for key in scopes_of(month, agency, service):
                counts[key].update(amounts)
        for (month, agency, service), named in self.histograms.items():
            for key in scopes_of(month, agency, service):
                for name, values in named.items():
                    histograms[key][name].update(values)
        for key, amounts in counts.items():
            yield key, amounts, histograms.get(key, {})


def scopes_of(month: str, agency: int, service: int) -> tuple[Key, Key, Key]:
    return (
        (Scope.SERVICE, month, agency, service),
        (Scope.AGENCY, month, agency, 0),
        (Scope.ALL, month, 0, 0),
    )


class Calendars:
    """Each agency's working-day calendar, read once per pass."""

    def __init__(self) -> None:
        self.cache: dict[int, WorkCalendar] = {}

    def __call__(self, agency_pk: int) -> WorkCalendar:
        if agency_pk not in self.cache:
            self.cache[agency_pk] = calendar_for(Agency.objects.get(pk=agency_pk))
        return self.cache[agency_pk]


def working_days(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> int | None:
    """Working days from the local date of `start` to that of `end` (the next working day is 1,
    the same day 0), on the agency's calendar; None outside the years it covers."""
    try:
        return calendar.working_days_between(
            timezone.localtime(start, calendar.tz).date(),
            timezone.localtime(end, calendar.tz).date(),
        )
    except CalendarRangeError:
        return None


def earlier(events: Iterable[Any], before: int, kind: str, **data: Any) -> Any:
    """The latest of `events` (of one application) of `kind` with id below `before` whose data
    has the given values."""
    found = None
    for event in events:
        if (
            event.pk < before
            and event.kind == kind
            and all(event.data.get(name) == value for name, value in data.items())
        ):
            found = event
    return found


def collect(events: list[Event], complaint_events: list[ComplaintEvent]) -> Changes:
    """What the events change in the rollups (a few reads, no writes)."""
    changes = Changes()
    events = [event for event in events if event.kind in KINDS]
    complaint_events = [event for event in complaint_events if event.kind in COMPLAINT_KINDS]
    if events:
        collect_applications(changes, events)
    if complaint_events:
        collect_complaints(changes, complaint_events)
    return changes


def collect_applications(changes: Changes, events: list[Event]) -> None:
    applications = Application.objects.only(
        "agency_id",
        "service_id",
        "channel",
        "submitted_at",
        "clock_started_at",
        "due_at",
        "ended_at",
    ).in_bulk({event.application_id for event in events})
    # A withdrawn breach or a settled compensation counts where the breach or the debt was
    # recorded: find that earlier event of the same application.
    looked_back = {
        event.application_id
        for event in events
        if event.kind in ("breach_withdrawn", "compensation_paid", "compensation_withdrawn")
    }
    history: dict[int, list[Event]] = defaultdict(list)
    if looked_back:
        for past in Event.objects.filter(
            application_id__in=looked_back, kind__in=("late", "very_late", "compensation_owed")
        ).only("application_id", "kind", "at", "data"):
            history[past.application_id].append(past)
    calendars = Calendars()
    for event in events:
        application = applications.get(event.application_id)
        if application is None:
            continue
        agency, service = application.agency_id, application.service_id

        def cell(moment: dt.datetime, agency: int = agency, service: int = service) -> Cell:
            return (month_of(moment), agency, service)

        kind = event.kind
        if kind == "submitted":
            if application.submitted_at is None:
                continue
            submitted = cell(application.submitted_at)
            changes.add(submitted, received=1, still_open=1)
            channel = CHANNEL_COUNTER.get(application.channel)
            if channel:
                changes.add(submitted, **{channel: 1})
        elif kind in END_KINDS:
            if application.submitted_at is None:
                continue  # a draft withdrawn before it was ever submitted
            ended_at = application.ended_at or event.at
            ended = cell(ended_at)
            changes.add(cell(application.submitted_at), still_open=-1)
            changes.add(ended, **{kind: 1})
            if kind != "withdrawn" and application.due_at is not None:
                in_time = kind != "deemed_approved" and ended_at <= application.due_at
                changes.add(ended, **{"on_time" if in_time else "late": 1})
            if kind == "completed" and application.clock_started_at is not None:
                days = working_days(calendars(agency), application.clock_started_at, ended_at)
                if days is not None:
                    changes.observe(ended, "completion_days", days)
        elif kind in ("late", "very_late"):
            changes.add(cell(event.at), **{"breaches_" + kind: 1})
        elif kind == "breach_withdrawn":
            level = event.data.get("level", "")
            detected = earlier(
                history[application.pk], event.pk, level, breach=event.data.get("breach")
            )
            if detected is not None:
                changes.add(cell(detected.at), **{"breaches_" + level: -1})
        elif kind == "compensation_owed":
            amount = 0 if event.data.get("kind") == "per_day" else int(event.data.get("amount", 0))
            changes.add(cell(event.at), compensations_owed=1, amount_owed=amount)
        else:  # compensation_paid or compensation_withdrawn: no longer owed
            owed = earlier(history[application.pk], event.pk, "compensation_owed")
            if owed is None:
                continue
            amount = 0 if owed.data.get("kind") == "per_day" else int(owed.data.get("amount", 0))
            changes.add(cell(owed.at), compensations_owed=-1, amount_owed=-amount)
            if kind == "compensation_paid":
                paid = int(event.data.get("amount", 0))
                changes.add(cell(owed.at), compensations_paid=1, amount_paid=paid)


def collect_complaints(changes: Changes, events: list[ComplaintEvent]) -> None:
    complaints = Complaint.objects.only("agency_id", "service_id", "created_at").in_bulk(
        {event.complaint_id for event in events}
    )
    codes = {event.data.get("agency") for event in events if event.kind == "deadline_missed"}
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "pk"))
    for event in events:
        complaint = complaints.get(event.complaint_id)
        if complaint is None:
            continue
        service = complaint.service_id or 0
        if event.kind == "filed":
            changes.add((month_of(event.at), complaint.agency_id, service), complaints_received=1)
        elif event.kind == "resolved":
            cell = (month_of(event.at), complaint.agency_id, service)
            changes.add(cell, complaints_resolved=1)
            days = (timezone.localdate(event.at) - timezone.localdate(complaint.created_at)).days
            changes.observe(cell, "resolution_days", max(days, 0))
        else:  # a legal limit missed, counted for the agency that held it
            agency = agencies.get(event.data.get("agency"), complaint.agency_id)
            changes.add((month_of(event.at), agency, service), complaint_deadlines_missed=1)


def merged(stored: dict[str, int], added: Counter[int]) -> dict[str, int]:
    out = dict(stored)
    for value, count in added.items():
        out[str(value)] = out.get(str(value), 0) + count
    return {k: v for k, v in out.items() if v}


def apply(changes: Changes) -> int:
    """Add the changes to the rows (inside the caller's transaction); the rows touched."""
    touched = 0
    for (scope, month, agency, service), amounts, histograms in changes.by_key():
        row, _created = Rollup.objects.get_or_create(
            scope=scope, month=month, agency_pk=agency, service_pk=service
        )
        updates: dict[str, Any] = {
            name: F(name) + amount for name, amount in amounts.items() if amount
        }
        for name, values in histograms.items():
            updates[name] = merged(getattr(row, name), values)
        if updates:
            Rollup.objects.filter(pk=row.pk).update(**updates)
        touched += 1
    return touched


def lock_cursors() -> None:
    for name in (CURSOR, COMPLAINT_CURSOR):
        EventCursor.objects.get_or_create(name=name)
    list(
        EventCursor.objects.select_for_update()
        .filter(name__in=(CURSOR, COMPLAINT_CURSOR))
        .values_list("pk")
    )


def run_pass(now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Handle every event not handled yet, a batch per transaction; the events handled."""
    handled = 0
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            lock_cursors()
            events, done = read_new_events(CURSOR, limit=batch, now=moment)
            complaint_rows, complaints_done = read_new_events(
                COMPLAINT_CURSOR,
                limit=batch,
                now=moment,
                queryset=ComplaintEvent.objects.all(),
            )
            complaint_events: list[ComplaintEvent] = list(complaint_rows)  # type: ignore[arg-type]
            if not events and not complaint_events:
                return handled
            apply(collect(events, complaint_events))
            done()
            complaints_done()
            handled += len(events) + len(complaint_events)


def run() -> None:
    """The worker's periodic job."""
    run_pass()


@transaction.atomic
def rebuild() -> int:
    """Count everything again from the start of both logs; the events read."""
    lock_cursors()
    Rollup.objects.all().delete()
    EventCursor.objects.filter(name__in=(CURSOR, COMPLAINT_CURSOR)).update(position=0, gaps=[])
    return run_pass()


def pending(limit: int = PENDING_LIMIT) -> tuple[Changes, bool]:
    """What the events the worker has not handled yet change, and whether there were more
    than `limit` of them in a log (then the figures are those of the first `limit`).

    Read-only: the cursors stay where they are."""
    cursors = {
        name: (position, gaps)
        for name, position, gaps in EventCursor.objects.filter(
            name__in=(CURSOR, COMPLAINT_CURSOR)
        ).values_list("name", "position", "gaps")
    }

    def unread(name: str, queryset: Any, kinds: tuple[str, ...]) -> tuple[list[Any], bool]:
        position, gaps = cursors.get(name, (0, []))
        fresh = list(queryset.filter(pk__gt=position, kind__in=kinds).order_by("pk")[: limit + 1])
        missed = [int(pk) for pk, _seen in gaps or []]
        late = list(queryset.filter(pk__in=missed, kind__in=kinds)) if missed else []
        return late + fresh[:limit], len(fresh) > limit

    events, more = unread(CURSOR, Event.objects.all(), KINDS)
    complaint_events, more_complaints = unread(
        COMPLAINT_CURSOR, ComplaintEvent.objects.all(), COMPLAINT_KINDS
    )
    if not events and not complaint_events:
        return Changes(), False
    return collect(events, complaint_events), more or more_complaints
