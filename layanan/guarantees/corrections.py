"""Calendar corrections: when a closure is added or a holiday is corrected, the due dates of
the open applications it touches are computed again, and a breach recorded for a due date
that moves later is withdrawn — with public events, never deleted.

Run by the sweep before it plans alarms, so it works whatever path changed the calendar (the
admin, a charter file, a shell). Due dates are recomputed from stored facts only: each step's
limit from when it started, plus the working time it was paused (its `due_extended` events);
the application's limit from when its clock started, plus `paused_minutes`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.agencies.models import CalendarDay
from layanan.cases.actions import AgencyCalendars
from layanan.cases.engine import TimeLimit
from layanan.cases.events import record_event
from layanan.cases.models import Application, Event, EventCursor
from layanan.guarantees.models import Breach, Compensation

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def to_position(moment: dt.datetime) -> int:
    return int((moment - EPOCH) / dt.timedelta(microseconds=1))


def from_position(position: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=position)


def step_limit(application: Application, key: str) -> TimeLimit | None:
    spec = application.charter.step_spec(key)
    return TimeLimit.from_content(spec["time_limit"]) if spec else None


def paused_minutes_of_steps(application: Application) -> dict[str, int]:
    paused: dict[str, int] = defaultdict(int)
    for step, data in Event.objects.filter(
        application=application, kind="due_extended"
    ).values_list("step", "data"):
        if step:
            paused[step] += int(data.get("minutes", 0))
    return paused


@transaction.atomic
def recompute_application(
    application: Application, calendars: AgencyCalendars, reason: str, at: dt.datetime
) -> bool:
    """Compute the due dates again on today's calendars; record what moved. True if any did."""
    Application.objects.select_for_update().filter(pk=application.pk).values_list("pk").get()
    application.refresh_from_db()
    if application.status not in ("in_progress", "returned"):
        return False
    moved: list[tuple[str, dt.datetime, dt.datetime]] = []
    paused = paused_minutes_of_steps(application)
    for step in application.steps.filter(state__in=("active", "returned")).select_related("agency"):
        limit = step_limit(application, step.key)
        if limit is None or step.started_at is None or step.due_at is None:
            continue
        calendar = calendars(step.agency.code)
        due = calendar.add_working_minutes(limit.due(calendar, step.started_at), paused[step.key])
        if due != step.due_at:
            moved.append((step.key, step.due_at, due))
            step.due_at = due
            step.save(update_fields=["due_at"])
    if application.clock_started_at and application.due_at:
        calendar = calendars(application.agency.code)
        limit = TimeLimit.from_content(application.charter.time_limit)
        due = calendar.add_working_minutes(
            limit.due(calendar, application.clock_started_at), application.paused_minutes
        )
        if due != application.due_at:
            moved.append(("", application.due_at, due))
            Application.objects.filter(pk=application.pk).update(
                due_at=due, revision=application.revision + 1
            )
    for key, previous, due in moved:
        record_event(
            application,
            "due_recomputed",
            at=at,
            actor=None,
            step=key,
            public=True,
            note=_("Due date recomputed after a calendar correction (%(reason)s).")
            % {"reason": reason},
            data={"previous": previous.isoformat(), "due_at": due.isoformat()},
        )
        if due > previous:
            for breach in Breach.objects.filter(
                application=application, step_key=key, due_at=previous, withdrawn_at__isnull=True
            ):
                Breach.objects.filter(pk=breach.pk).update(
                    withdrawn_at=at,
                    withdrawn_reason=_("The due date moved later: %(reason)s") % {"reason": reason},
                )
                withdrawn_compensation = Compensation.objects.filter(
                    breach=breach, status=Compensation.Status.OWED
                ).update(status=Compensation.Status.WITHDRAWN)
                if withdrawn_compensation:
                    record_event(
                        application,
                        "compensation_withdrawn",
                        at=at,
                        actor=None,
                        public=True,
                        note=_("The compensation was withdrawn with the delay record."),
                    )
                record_event(
                    application,
                    "breach_withdrawn",
                    at=at,
                    actor=None,
                    step=key,
                    public=True,
                    note=_("The delay record was withdrawn: the due date moved later (%(reason)s).")
                    % {"reason": reason},
                    data={"breach": breach.pk, "level": breach.level},
                )
    return bool(moved)


def apply_calendar_corrections(at: dt.datetime | None = None) -> int:
    """Recompute the applications touched by calendar days added or changed since the last
    pass (every day on the very first pass); return how many had a due date moved.

    The mark is the wall-clock `updated_at` of the days, independent of the sweep's `at`."""
    at = at or timezone.now()
    cursor, _created = EventCursor.objects.get_or_create(name="calendar")
    days = list(
        CalendarDay.objects.filter(updated_at__gt=from_position(cursor.position)).order_by(
            "updated_at"
        )
    )
    if not days:
        return 0
    reasons: dict[int, list[str]] = defaultdict(list)
    for day in days:
        since = day.date - dt.timedelta(days=1)
        scope = Q(status__in=("in_progress", "returned")) & (
            Q(due_at__date__gte=since)
            | Q(steps__state__in=("active", "returned"), steps__due_at__date__gte=since)
        )
        if day.agency_id is not None:
            scope &= Q(agency_id=day.agency_id) | Q(steps__agency_id=day.agency_id)
        for pk in Application.objects.filter(scope).values_list("pk", flat=True).distinct():
            reasons[pk].append(day.name)
    calendars = AgencyCalendars()
    moved = 0
    for application in Application.objects.filter(pk__in=list(reasons)).select_related(
        "charter", "agency"
    ):
        reason = ", ".join(dict.fromkeys(reasons[application.pk]))
        moved += recompute_application(application, calendars, reason, at)
    EventCursor.objects.filter(pk=cursor.pk).update(position=to_position(days[-1].updated_at))
    return moved
