"""Calendar corrections: when a closure is added or a holiday is corrected, the due dates of
the open applications it touches are computed again, and a breach recorded for a due date
that moves later is withdrawn — with public events, never deleted.

Run by the sweep before it plans alarms, so it works whatever path changed the calendar (the
admin, a charter file, a shell). The due dates are the business of `cases`: its action
`recompute_due_dates` runs the engine's `recompute_due` on the stored facts and writes what
moved. This module finds the applications a changed day touches and withdraws the breaches
and compensations (its own tables) whose due date moved later.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.agencies.models import CalendarDay
from layanan.cases import snapshots
from layanan.cases.actions import AgencyCalendars, DueMove, recompute_due_dates
from layanan.cases.events import read_changed_rows, record_event
from layanan.cases.models import OPEN_STATUSES, Application
from layanan.guarantees.models import Breach, Compensation


@transaction.atomic
def recompute_application(
    application: Application, calendars: AgencyCalendars, reason: str, at: dt.datetime
) -> bool:
    """Compute the due dates again on today's calendars; withdraw what a later due date
    undoes. True if any due date moved."""
    moved = recompute_due_dates(application=application, reason=reason, at=at, calendars=calendars)
    for move in moved:
        if move.due_at > move.previous:
            withdraw_breaches(application, move, reason, at)
    return bool(moved)


def withdraw_breaches(
    application: Application, move: DueMove, reason: str, at: dt.datetime
) -> None:
    """The lateness recorded against the earlier due date no longer stands."""
    for breach in Breach.objects.filter(
        application=application,
        step_key=move.step,
        due_at=move.previous,
        withdrawn_at__isnull=True,
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
            step=move.step,
            public=True,
            note=_("The delay record was withdrawn: the due date moved later (%(reason)s).")
            % {"reason": reason},
            data={"breach": breach.pk, "level": breach.level},
        )


def apply_calendar_corrections(at: dt.datetime | None = None) -> int:
    """Recompute the applications touched by calendar days added or changed since the last
    pass (every day on the very first pass); return how many had a due date moved.

    The days are read by their wall-clock `updated_at` with the gap-safe reading of the event
    readers (`read_changed_rows`), independent of the sweep's `at`."""
    at = at or timezone.now()
    days, done = read_changed_rows("calendar", CalendarDay.objects.all())
    if not days:
        return 0
    reasons: dict[int, list[str]] = defaultdict(list)
    for day in days:
        since = day.date - dt.timedelta(days=1)
        scope = Q(status__in=OPEN_STATUSES) & (
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
    snapshots.forget_for_calendar(day.agency_id for day in days)
    done()
    return moved
