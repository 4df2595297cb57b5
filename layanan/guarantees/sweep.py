"""The sweep: plan deadline alarms from new events, fire the alarms that are due, and carry
out what the charter's guarantee promises. `layanan sweep` runs one pass; the worker runs one
every minute.

Levels (the percentages come from the charter's guarantee):
- due soon (`due_soon_percent` of a step's working time, 80 by default): a reminder;
- late (100 %): a Breach, the citizen told with an apology and the new expected date, the
  unit's supervisor notified (escalation); for the application's own limit also the
  compensation and, where the charter grants it, deemed approval;
- very late (the ladder's rung that reaches the head of the agency, 200 % by default): a
  Breach flagged on the public register and an escalation to the head of the agency.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.agencies.models import OfficerRole, Role
from layanan.cases.actions import (
    AgencyCalendars,
    CaseError,
    billable_amount,
    deem_application_approved,
)
from layanan.cases.events import ChainWriter, read_new_events
from layanan.cases.models import Application, Event, Step
from layanan.cases.presenters import per_day_compensation
from layanan.charters.models import Charter
from layanan.citizens.rights import sweep as rights_sweep
from layanan.complaints.sweep import run as complaint_sweep
from layanan.guarantees.actions import settle_waiver
from layanan.guarantees.corrections import apply_calendar_corrections
from layanan.guarantees.models import Alarm, Breach, Compensation, Level
from layanan.lib.money import digits, per_day_amount
from layanan.lib.workdays import WorkCalendar

BATCH = 500
PLAN_KINDS = (
    "step_started",
    "resubmitted",
    "due_extended",
    "file_complete",
    "submitted",
    "due_recomputed",
)
END_KINDS = ("completed", "rejected", "withdrawn", "deemed_approved")
# The application went back to draft (cases.actions.return_to_draft): its due dates are gone,
# so are the alarms not fired yet; a new submission plans new ones.
RESET_KINDS = ("returned_to_draft",)


@dataclass
class Summary:
    checked: int = 0
    new_breaches: int = 0
    escalations: int = 0
    compensations: int = 0
    deemed_approved: int = 0
    reminders: int = 0
    complaint_deadlines_missed: int = 0
    complaints_withdrawn: int = 0
    complaints_closed: int = 0
    data_requests_missed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def now() -> dt.datetime:
    return timezone.now()


def percent_of(
    calendar: WorkCalendar, start: dt.datetime, due: dt.datetime, percent: int
) -> dt.datetime:
    """The instant when `percent` of the working time from start to due has passed."""
    minutes = calendar.working_minutes_between(start, due)
    return calendar.add_working_minutes(start, math.ceil(minutes * percent / 100))


def very_late_percent(guarantee: dict[str, Any]) -> int:
    rungs = [r["at_percent"] for r in guarantee.get("escalation", []) if r["to"] == "agency_head"]
    return min(rungs) if rungs else 200


# -- planning --------------------------------------------------------------------------------


def plan_application(application: Application, calendars: AgencyCalendars) -> int:
    """(Re)plan the alarms of an open application from its stored due dates."""
    if not application.is_open:
        return 0
    guarantee = application.charter.guarantee
    soon, very = int(guarantee.get("due_soon_percent", 80)), very_late_percent(guarantee)
    alarms: list[Alarm] = []
    for step in application.steps.filter(state="active").select_related("agency"):
        if step.due_at is None or step.started_at is None:
            continue
        calendar = calendars(step.agency.code)
        for level, fire_at in (
            (Level.DUE_SOON, percent_of(calendar, step.started_at, step.due_at, soon)),
            (Level.LATE, step.due_at),
            (Level.VERY_LATE, percent_of(calendar, step.started_at, step.due_at, very)),
        ):
            alarms.append(
                Alarm(
                    application=application,
                    step_key=step.key,
                    level=level,
                    due_at=step.due_at,
                    fire_at=fire_at,
                )
            )
    if application.due_at and application.clock_started_at:
        calendar = calendars(application.agency.code)
        for level, fire_at in (
            (Level.LATE, application.due_at),
            (
                Level.VERY_LATE,
                percent_of(calendar, application.clock_started_at, application.due_at, very),
            ),
        ):
            alarms.append(
                Alarm(
                    application=application,
                    step_key="",
                    level=level,
                    due_at=application.due_at,
                    fire_at=fire_at,
                )
            )
    # Reminders are planned once. Late and very late alarms are armed again when planned
    # again (a pause that ended, a correction undone): the breach check keeps them from
    # recording the same lateness twice.
    Alarm.objects.bulk_create(
        [a for a in alarms if a.level == Level.DUE_SOON], ignore_conflicts=True
    )
    Alarm.objects.bulk_create(
        [a for a in alarms if a.level != Level.DUE_SOON],
        update_conflicts=True,
        unique_fields=["application", "step_key", "level", "due_at"],
        update_fields=["fire_at", "fired"],
    )
    return len(alarms)


def plan_alarms() -> int:
    """Read new events with a cursor; (re)plan alarms of the applications they touched and
    settle per-day compensations of applications that ended."""
    calendars = AgencyCalendars()
    planned = 0
    while True:
        with transaction.atomic():
            events, done = read_new_events(
                "guarantees",
                limit=BATCH,
                now=timezone.now(),
                queryset=Event.objects.only("id", "application_id", "kind", "at"),
            )
            if not events:
                return planned
            touched = {e.application_id for e in events if e.kind in PLAN_KINDS}
            ended = {e.application_id for e in events if e.kind in END_KINDS}
            reset = {e.application_id for e in events if e.kind in RESET_KINDS}
            if reset:
                Alarm.objects.filter(application_id__in=reset, fired=False).delete()
            for event in events:
                if event.kind == "fee_waived":
                    settle_waiver(application_id=event.application_id, at=event.at)
            for application in Application.objects.filter(pk__in=touched).select_related(
                "charter", "agency"
            ):
                planned += plan_application(application, calendars)
            for compensation in Compensation.objects.filter(
                application_id__in=ended, kind="per_day", status="owed"
            ):
                settle_per_day(compensation, calendars)
            done()


# -- firing ------------------------------------------------------------------------------------


def working_minutes_late(calendar: WorkCalendar, due: dt.datetime, at: dt.datetime) -> int:
    return calendar.working_minutes_between(due, at) if at > due else 0


def compensation_amount(kind: str, spec: dict[str, Any], fee: int, days_late: int) -> int:
    """What the guarantee owes; a per-day amount counts the agency's own working days late
    (`WorkCalendar.working_days_late`), up to the cap."""
    if kind == "refund_percent":
        return fee * int(spec["percent"]) // 100
    if kind == "fixed":
        return int(spec["amount"])
    if kind == "waiver":
        return fee
    return per_day_amount(int(spec["amount"]), int(spec["cap"]), days_late)


def fee_of(application: Application) -> int:
    """The fee a refund or waiver is counted on: the amount this application is billed (a
    tariff on its answers, an assessment), else the charter's least amount."""
    return billable_amount(application) or application.charter.fee


def settle_per_day(compensation: Compensation, calendars: AgencyCalendars) -> None:
    """A per-day compensation grows until the application ends; fix it then."""
    application = compensation.application
    if application.ended_at is None or application.due_at is None:
        return
    spec = application.charter.guarantee.get("compensation") or {}
    days = calendars(application.agency.code).working_days_late(
        application.due_at, application.ended_at
    )
    amount = compensation_amount("per_day", spec, application.charter.fee, days)
    if amount != compensation.amount:
        Compensation.objects.filter(pk=compensation.pk, status="owed").update(amount=amount)


class Firing:
    """One batch of alarms, carried out in one transaction with a bounded number of queries."""

    def __init__(self, at: dt.datetime, summary: Summary, calendars: AgencyCalendars) -> None:
        self.at = at
        self.summary = summary
        self.calendars = calendars
        self.writer = ChainWriter()
        self.supervisors: dict[int, list[str]] = {}
        self.breaches: list[tuple[Breach, Alarm, Application, Step | None, int]] = []
        self.owed: list[tuple[Application, Breach, str, int]] = []

    def supervisors_of(self, unit_ids: set[int]) -> list[str]:
        missing = unit_ids - set(self.supervisors)
        if missing:
            for unit_id in missing:
                self.supervisors[unit_id] = []
            for unit_id, username in OfficerRole.objects.filter(
                unit_id__in=missing, role=Role.SUPERVISOR
            ).values_list("unit_id", "user__username"):
                self.supervisors[unit_id].append(username)
        return sorted({name for unit in unit_ids for name in self.supervisors[unit]})

    def run(self, batch: list[Alarm]) -> None:
        app_ids = {alarm.application_id for alarm in batch}
        # Lock the applications (PostgreSQL) so no officer action interleaves with the chains.
        list(Application.objects.select_for_update().filter(pk__in=app_ids).values_list("pk"))
        applications = Application.objects.select_related("agency", "service").in_bulk(
            list(app_ids)
        )
        # Few charter versions serve many applications: read each one (and its JSON) once.
        charters = Charter.objects.in_bulk({a.charter_id for a in applications.values()})
        for loaded in applications.values():
            loaded.charter = charters[loaded.charter_id]
        keys = {alarm.step_key for alarm in batch if alarm.step_key}
        steps = {
            (step.application_id, step.key): step
            for step in Step.objects.filter(
                application_id__in=app_ids, key__in=keys
            ).select_related("unit", "agency", "assignee")
        }
        units: dict[int, set[int]] = defaultdict(set)
        for application_id, unit_id in Step.objects.filter(application_id__in=app_ids).values_list(
            "application_id", "unit_id"
        ):
            units[application_id].add(unit_id)
        # One breach per step (or application) and level while it stands: a due date that moved
        # because of a pause is the same lateness, not a new one. A withdrawn breach (its due
        # date moved later) can stand again; its row is reused for the same due date.
        recorded: set[tuple[int, str, str]] = set()
        withdrawn: dict[tuple[int, str, str, dt.datetime], Breach] = {}
        for existing in Breach.objects.filter(application_id__in=app_ids):
            if existing.withdrawn_at is None:
                recorded.add((existing.application_id, existing.step_key, existing.level))
            else:
                key = (existing.application_id, existing.step_key, existing.level, existing.due_at)
                withdrawn[key] = existing
        self.writer.preload(app_ids)
        for alarm in batch:
            self.summary.checked += 1
            application = applications.get(alarm.application_id)
            if application is None or application.has_ended:
                continue
            step = steps.get((alarm.application_id, alarm.step_key)) if alarm.step_key else None
            if alarm.step_key:
                if step is None or step.state != "active" or step.due_at != alarm.due_at:
                    continue  # ended, paused or moved since the alarm was planned
                calendar = self.calendars(step.agency.code)
            else:
                if application.status != "in_progress" or application.due_at != alarm.due_at:
                    continue
                calendar = self.calendars(application.agency.code)
            if alarm.level == Level.DUE_SOON:
                self.writer.append(
                    application.pk,
                    "reminder",
                    at=self.at,
                    step=alarm.step_key,
                    data={
                        "to": step.assignee.username if step and step.assignee else None,
                        "unit": step.unit.code if step else "",
                        "due_at": alarm.due_at.isoformat(),
                    },
                )
                self.summary.reminders += 1
                continue
            identity = (application.pk, alarm.step_key, alarm.level)
            if identity in recorded:
                continue
            recorded.add(identity)
            minutes = working_minutes_late(calendar, alarm.due_at, self.at)
            reused = withdrawn.get((*identity, alarm.due_at))
            if reused is not None:
                Breach.objects.filter(pk=reused.pk).update(
                    withdrawn_at=None,
                    withdrawn_reason="",
                    detected_at=self.at,
                    working_minutes_late=minutes,
                )
                self.breaches.append((reused, alarm, application, step, minutes))
                continue
            breach = Breach(
                application=application,
                step_key=alarm.step_key,
                level=alarm.level,
                agency=step.agency if step else application.agency,
                service=application.service,
                due_at=alarm.due_at,
                detected_at=self.at,
                working_minutes_late=minutes,
            )
            self.breaches.append((breach, alarm, application, step, minutes))
        # The unique constraint stays the last word: a breach another sweep recorded between
        # our read and this insert makes the whole batch roll back, and its alarms fire again.
        Breach.objects.bulk_create([b for b, *_rest in self.breaches if b.pk is None])
        deem: list[Application] = []
        for breach, alarm, application, step, minutes in self.breaches:
            self.summary.new_breaches += 1
            self.consequences(breach, alarm, application, step, minutes, units[application.pk])
            if alarm.level == Level.LATE and not alarm.step_key:
                deem.append(application)
        self.save_compensations()
        self.writer.flush()
        for application in deem:
            if deem_if_granted(application, self.at, self.summary):
                self.writer.forget(application.pk)

    def consequences(
        self,
        breach: Breach,
        alarm: Alarm,
        application: Application,
        step: Step | None,
        minutes: int,
        unit_ids: set[int],
    ) -> None:
        guarantee = application.charter.guarantee
        calendar = self.calendars(step.agency.code if step else application.agency.code)
        days = calendar.working_days_late(alarm.due_at, self.at)
        if alarm.level == Level.LATE:
            expected = max(application.due_at or self.at, calendar.add_working_days_at(self.at, 1))
            self.writer.append(
                application.pk,
                "late",
                at=self.at,
                step=alarm.step_key,
                public=True,
                note=_("Late %(days)d working day(s); escalated to the supervisor.")
                % {"days": days},
                data={
                    "breach": breach.pk,
                    "due_at": alarm.due_at.isoformat(),
                    "expected_at": expected.isoformat(),
                    "working_minutes_late": minutes,
                },
            )
            if guarantee.get("notify_supervisor", True):
                scope = {step.unit_id} if step else unit_ids
                self.writer.append(
                    application.pk,
                    "escalated",
                    at=self.at,
                    step=alarm.step_key,
                    data={
                        "to": "supervisor",
                        "officers": self.supervisors_of(scope),
                        "level": "late",
                    },
                )
                self.summary.escalations += 1
            if not alarm.step_key:
                apology = (guarantee.get("apology") or {}).get("id")
                if apology:
                    self.writer.append(
                        application.pk, "apology", at=self.at, public=True, note=apology
                    )
                self.owe_compensation(application, breach, days)
            return
        self.writer.append(
            application.pk,
            "very_late",
            at=self.at,
            step=alarm.step_key,
            public=True,
            note=_("Very late: %(days)d working day(s); escalated to the head of the agency.")
            % {"days": days},
            data={
                "breach": breach.pk,
                "due_at": alarm.due_at.isoformat(),
                "working_minutes_late": minutes,
            },
        )
        self.writer.append(
            application.pk,
            "escalated",
            at=self.at,
            step=alarm.step_key,
            data={
                "to": "agency_head",
                "title": application.agency.head_title,
                "level": "very_late",
            },
        )
        self.summary.escalations += 1

    def owe_compensation(self, application: Application, breach: Breach, days: int) -> None:
        """Plan what the guarantee owes for a late application; `save_compensations` writes
        the whole batch (one read and one insert for all the breaches of a batch)."""
        spec = application.charter.guarantee.get("compensation")
        if not spec:
            return
        amount = compensation_amount(spec["kind"], spec, fee_of(application), days)
        if amount <= 0:
            return
        self.owed.append((application, breach, spec["kind"], amount))

    def owed_note(self, application: Application, amount: int) -> str:
        """The public note of a compensation owed: a per-day one is still growing, so it
        states what has accrued, the rule and that the final amount comes at the end."""
        per_day = per_day_compensation(
            application, at=self.at, calendar=self.calendars(application.agency.code)
        )
        if per_day is not None and not per_day.final:
            return _("Compensation is owed to the applicant: %(text)s") % {"text": per_day.text}
        return _("Compensation of Rp%(amount)s is owed to the applicant.") % {
            "amount": digits(amount)
        }

    def save_compensations(self) -> None:
        if not self.owed:
            return
        existing = {
            compensation.application_id: compensation
            for compensation in Compensation.objects.filter(
                application_id__in=[application.pk for application, *_rest in self.owed]
            )
        }
        created: list[Compensation] = []
        for application, breach, kind, amount in self.owed:
            found = existing.get(application.pk)
            if found is not None and found.status != Compensation.Status.WITHDRAWN:
                continue  # owed or paid already: one compensation per application
            if found is not None:  # withdrawn with its breach, owed again: the same row
                Compensation.objects.filter(pk=found.pk).update(
                    status=Compensation.Status.OWED, breach=breach, amount=amount, owed_at=self.at
                )
                found.status = Compensation.Status.OWED
            else:
                created.append(
                    Compensation(
                        application=application,
                        breach=breach,
                        agency=application.agency,
                        kind=kind,
                        amount=amount,
                        owed_at=self.at,
                    )
                )
            self.writer.append(
                application.pk,
                "compensation_owed",
                at=self.at,
                public=True,
                note=self.owed_note(application, amount),
                data={"kind": kind, "amount": amount},
            )
            self.summary.compensations += 1
        Compensation.objects.bulk_create(created)
        self.owed = []


def deem_if_granted(application: Application, at: dt.datetime, summary: Summary) -> bool:
    deemed = application.charter.guarantee.get("deemed_approval")
    if not deemed or application.status != "in_progress":
        return False
    try:
        deem_application_approved(
            application=Application.objects.get(pk=application.pk),
            legal_basis=deemed["legal_basis"],
            at=at,
        )
    except CaseError:
        return False
    summary.deemed_approved += 1
    return True


def fire_alarms(at: dt.datetime) -> Summary:
    """Fire every alarm due before `at`, a batch per transaction.

    A batch is claimed inside its transaction: PostgreSQL skips rows another sweep has locked;
    SQLite runs one write transaction at a time. A crash rolls the batch back, alarms and all,
    and the next pass fires it again."""
    summary = Summary()
    calendars = AgencyCalendars()
    while True:
        with transaction.atomic():
            batch = list(
                Alarm.objects.select_for_update(skip_locked=True)
                .filter(fired=False, fire_at__lt=at)
                .order_by("fire_at", "pk")[:BATCH]
            )
            if not batch:
                return summary
            # with their applications: a partitioned table is then read in their partitions
            Alarm.objects.filter(
                pk__in=[alarm.pk for alarm in batch],
                application_id__in={alarm.application_id for alarm in batch},
                fired=False,
            ).update(fired=True)
            Firing(at, summary, calendars).run(batch)


def sweep(at: dt.datetime | None = None) -> Summary:
    at = at or now()
    apply_calendar_corrections(at)
    plan_alarms()
    summary = fire_alarms(at)
    # Complaints' legal limits go through the same pass (recorded once, escalated, public).
    complaints = complaint_sweep(at)
    summary.complaint_deadlines_missed = complaints.missed
    summary.complaints_withdrawn = complaints.withdrawn
    summary.complaints_closed = complaints.closed
    # and the 3 × 24-hour limit of the citizens' personal-data requests (UU 27/2022)
    summary.data_requests_missed = rights_sweep(at).missed
    return summary


def run() -> None:
    """The worker's periodic job."""
    sweep()
