"""The lead agency's duties after a standard is set, and the maklumat: the only place they change.

- When a version is set (`actions.adopt_charter`, which the consultation, the admin and the
  import CLI all go through) the lead agency owes its maklumat pelayanan, published or
  re-confirmed within `LAYANAN_MAKLUMAT_DAYS` working days (UU 25/2009 Pasal 22).
- While a version is in force the agency owes a yearly evaluation and a three-yearly review
  (PP 96/2012), counted from the day the version in force was set or from the last evaluation
  (any kind, for the yearly one) or review. A new version in force, or an evaluation recorded,
  closes the duty it answers and opens the next one.
- The worker's pass (`sweep`, run by `notifications.duties`) opens the evaluation duties of the
  versions in force that have none yet and records each missed due day once (`breached_at`);
  a duty done late is recorded as missed too, so a breach is never silent.

Dates are counted on the lead agency's calendar (`layanan.lib.duty_dates`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency
from layanan.charters.models import Charter, Duty, Evaluation, Maklumat, Service
from layanan.lib import duty_dates
from layanan.lib.workdays import CalendarRangeError

MAX_MAKLUMAT = 5000
EVALUATION_KINDS = (Duty.Kind.YEARLY, Duty.Kind.REVIEW)

logger = logging.getLogger("layanan.charters.duties")


class DutyInvalid(Exception):
    """Input that cannot be taken: `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def set_on(charter: Charter, agency: Agency) -> dt.date:
    """The day a version was set (ditetapkan), in the lead agency's zone."""
    if charter.adopted_at is not None:
        return agency.local_day(charter.adopted_at)
    return charter.effective_from or agency.local_day(charter.created_at)


# -- opening duties -------------------------------------------------------------------------


def open_maklumat_duty(charter: Charter, *, now: dt.datetime) -> Duty:
    """The maklumat owed for a version just set (once per version)."""
    service = charter.service
    agency = service.lead_agency
    calendar = calendar_for(agency)
    basis = set_on(charter, agency)
    due = duty_dates.maklumat_due(calendar, basis, settings.LAYANAN_MAKLUMAT_DAYS)
    duty, _created = Duty.objects.get_or_create(
        kind=Duty.Kind.MAKLUMAT,
        charter=charter,
        defaults={
            "agency": agency,
            "service": service,
            "basis_on": basis,
            "due_on": due,
            "remind_on": duty_dates.reminder_on(
                calendar, basis, due, settings.LAYANAN_MAKLUMAT_REMIND_DAYS
            ),
            "opened_at": now,
        },
    )
    return duty


def evaluation_basis(service: Service, charter: Charter, kind: str) -> dt.date:
    """The day the next evaluation of `kind` is counted from."""
    agency = service.lead_agency
    basis = set_on(charter, agency)
    done = Evaluation.objects.filter(service=service)
    if kind == Duty.Kind.REVIEW:
        done = done.filter(kind=Evaluation.Kind.REVIEW)
    last = done.order_by("-evaluated_at").values_list("evaluated_at", flat=True).first()
    if last is not None:
        basis = max(basis, agency.local_day(last))
    return basis


def months_of(kind: str) -> int:
    if kind == Duty.Kind.REVIEW:
        return int(settings.LAYANAN_REVIEW_MONTHS)
    return int(settings.LAYANAN_EVALUATION_MONTHS)


def sync_evaluation_duties(service: Service, *, now: dt.datetime) -> list[Duty]:
    """Make the open yearly and review duties of `service` those of its version in force:
    open what is missing, close (as replaced) what was owed for another version or basis."""
    in_force = service.charters.filter(status=Charter.Status.ADOPTED).first()
    agency = service.lead_agency
    calendar = calendar_for(agency)
    duties = []
    for kind in EVALUATION_KINDS:
        current = (
            Duty.objects.select_for_update()
            .filter(service=service, kind=kind, closed_at__isnull=True)
            .first()
        )
        if in_force is None:
            if current is not None:
                close(current, now=now, closed_as=Duty.Closed.REPLACED)
            continue
        basis = evaluation_basis(service, in_force, kind)
        if current is not None and current.charter_id == in_force.pk and current.basis_on == basis:
            duties.append(current)
            continue
        if current is not None:
            close(current, now=now, closed_as=Duty.Closed.REPLACED)
        due = duty_dates.evaluation_due(calendar, basis, months_of(kind))
        duties.append(
            Duty.objects.create(
                kind=kind,
                agency=agency,
                service=service,
                charter=in_force,
                basis_on=basis,
                due_on=due,
                remind_on=duty_dates.reminder_on(
                    calendar, basis, due, settings.LAYANAN_EVALUATION_REMIND_DAYS
                ),
                opened_at=now,
            )
        )
    return duties


def standard_set(charter: Charter, *, now: dt.datetime) -> None:
    """Called when a version is set (in force now or later) or comes into force."""
    service = Service.objects.select_related("lead_agency").get(pk=charter.service_id)
    charter.service = service
    if charter.status in (Charter.Status.ADOPTED, Charter.Status.SCHEDULED):
        open_maklumat_duty(charter, now=now)
    sync_evaluation_duties(service, now=now)


def close(
    duty: Duty,
    *,
    now: dt.datetime,
    closed_as: str,
    maklumat: Maklumat | None = None,
    evaluation: Evaluation | None = None,
) -> None:
    """Close a duty; one done after its due day is recorded as missed if it was not yet."""
    done_on = duty.agency.local_day(now) if closed_as == Duty.Closed.DONE else None
    late = done_on is not None and done_on > duty.due_on
    Duty.objects.filter(pk=duty.pk, closed_at__isnull=True).update(
        closed_at=now,
        closed_as=closed_as,
        done_on=done_on,
        maklumat=maklumat,
        evaluation=evaluation,
    )
    if late:
        Duty.objects.filter(pk=duty.pk, breached_at__isnull=True).update(breached_at=now)


# -- the maklumat ---------------------------------------------------------------------------


@transaction.atomic
def publish_maklumat(
    *,
    agency: Agency,
    text: str,
    by: User | None,
    now: dt.datetime | None = None,
    declared_on: dt.date | None = None,
) -> Maklumat:
    """Publish the agency's maklumat pelayanan, or re-confirm it (the same text again). It
    declares service by every standard the agency leads that is set or in force, and does the
    maklumat duties owed for the versions set until now. `declared_on` is the date a
    maklumat declared outside Layanan bears (the import); by default today."""
    now = now or timezone.now()
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        raise DutyInvalid({"text": _("Write the maklumat pelayanan.")})
    if len(text) > MAX_MAKLUMAT:
        raise DutyInvalid({"text": _("Use at most 5,000 characters.")})
    locked = Agency.objects.select_for_update().get(pk=agency.pk)
    maklumat = Maklumat.objects.create(
        agency=locked,
        text=text,
        reconfirmed=text == locked.maklumat.strip().replace("\r\n", "\n"),
        published_at=now,
        published_by=by,
    )
    maklumat.standards.set(
        Charter.objects.filter(
            service__lead_agency=locked,
            service__active=True,
            status__in=(Charter.Status.ADOPTED, Charter.Status.SCHEDULED),
        )
    )
    locked.maklumat = text
    locked.maklumat_date = declared_on or locked.local_day(now)
    locked.save(update_fields=["maklumat", "maklumat_date"])
    for duty in Duty.objects.select_related("agency").filter(
        agency=locked, kind=Duty.Kind.MAKLUMAT, closed_at__isnull=True, opened_at__lte=now
    ):
        close(duty, now=now, closed_as=Duty.Closed.DONE, maklumat=maklumat)
    agency.maklumat, agency.maklumat_date = locked.maklumat, locked.maklumat_date
    return maklumat


# -- the worker's pass ----------------------------------------------------------------------


def open_missing(now: dt.datetime) -> int:
    """Evaluation duties for the versions in force that have none open (versions set before
    duties existed, or whose duty was closed without a successor)."""
    services = (
        # a withdrawn service is no longer delivered: nothing to evaluate
        Service.objects.filter(active=True, charters__status=Charter.Status.ADOPTED)
        .exclude(duties__in=Duty.objects.filter(kind=Duty.Kind.YEARLY, closed_at__isnull=True))
        .select_related("lead_agency")
        .distinct()
    )
    opened = 0
    for service in services:
        try:
            with transaction.atomic():
                Service.objects.select_for_update().get(pk=service.pk)
                opened += len(sync_evaluation_duties(service, now=now))
        except CalendarRangeError:
            # e.g. a standard set before the calendar's first year: the other services (and
            # the reminders after this pass) must not wait on it; said loudly in the log
            logger.exception("no evaluation duty for %s: outside the calendar", service.code)
    return opened


def mark_breaches(now: dt.datetime) -> int:
    """Record, once, every open duty whose due day has passed in its agency's zone."""
    marked = 0
    # The latest zone (WIT) is at most a day ahead of UTC: these are the candidates.
    horizon = now.date() + dt.timedelta(days=1)
    candidates = (
        Duty.objects.filter(breached_at__isnull=True, closed_at__isnull=True, due_on__lt=horizon)
        .exclude(service__active=False)
        .select_related("agency")
    )
    for duty in candidates:
        if duty.agency.local_day(now) > duty.due_on:
            marked += Duty.objects.filter(pk=duty.pk, breached_at__isnull=True).update(
                breached_at=now
            )
    return marked


def due_reminders(now: dt.datetime) -> list[Duty]:
    """Open duties whose reminder day has come and that were not reminded yet."""
    horizon = now.date() + dt.timedelta(days=1)
    candidates = Duty.objects.filter(
        reminded_at__isnull=True, closed_at__isnull=True, remind_on__lte=horizon
    ).select_related("agency", "service", "charter")
    return [d for d in candidates if d.agency.local_day(now) >= d.remind_on]


def claim_reminder(duty: Duty, *, now: dt.datetime) -> bool:
    """Take the reminder of a duty; False when another pass took it (sent once)."""
    return Duty.objects.filter(pk=duty.pk, reminded_at__isnull=True).update(reminded_at=now) == 1


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"opened": open_missing(now), "breached": mark_breaches(now)}


# -- reading --------------------------------------------------------------------------------


def missed(*, agency: Agency | None = None, year: int | None = None) -> QuerySet[Duty]:
    """The duties recorded as missed, newest due day first (the public register)."""
    rows = Duty.objects.filter(breached_at__isnull=False).select_related(
        "agency", "service", "charter"
    )
    if agency is not None:
        rows = rows.filter(agency=agency)
    if year is not None:
        rows = rows.filter(due_on__year=year)
    return rows.order_by("-due_on", "-pk")


def open_evaluation_duties(service: Service) -> list[Duty]:
    return list(
        Duty.objects.filter(service=service, kind__in=EVALUATION_KINDS, closed_at__isnull=True)
    )


def evaluation_status(service: Service) -> dict[str, Any]:
    """When the service was last evaluated (`last_pk`, `last_at`) and its open evaluation
    duties (`duties`: each with `overdue`; `overdue`: those past their day). One query when
    the service has its duties open (the usual case): the charter page reads it live."""
    latest = Evaluation.objects.filter(service=OuterRef("service")).order_by("-evaluated_at")
    duties = list(
        Duty.objects.filter(service=service, kind__in=EVALUATION_KINDS, closed_at__isnull=True)
        .annotate(
            last_pk=Subquery(latest.values("pk")[:1]),
            last_at=Subquery(latest.values("evaluated_at")[:1]),
        )
        .order_by("due_on")
    )
    if duties:
        last_pk, last_at = duties[0].last_pk, duties[0].last_at
    else:
        found = service.evaluations.values_list("pk", "evaluated_at").first()
        last_pk, last_at = found if found else (None, None)
    today = service.lead_agency.local_day(timezone.now())
    return {
        "last_pk": last_pk,
        "last_at": last_at,
        "duties": [{"duty": d, "overdue": d.is_overdue(today)} for d in duties],
        "overdue": [d for d in duties if d.is_overdue(today)],
    }
