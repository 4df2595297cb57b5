"""What pages and the API show of an application, in plain words.

`public_view` is the tracking page's content (also `GET /api/v1/track/{number}`): the service,
the status, each step with its unit and due date, the due date with its reason, and the public
events. It carries no personal data: no name, NIK, contact details, answers or documents, and
no free-text notes (a reason written for the citizen may mention them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from layanan.agencies.calendars import calendar_for
from layanan.cases import engine
from layanan.cases.actions import AgencyCalendars, items_received, procedure_of, state_of
from layanan.cases.models import Application, Event, EventKind, Status, Step, StepState
from layanan.charters.presenters import describe_limit
from layanan.charters.spec import is_needed, text_in
from layanan.lib.display import date_in_words, datetime_in_words
from layanan.lib.money import per_day_amount, rupiah
from layanan.lib.workdays import WorkCalendar, timeliness

STATUS_SENTENCES = {
    Status.DRAFT: gettext_lazy("Not submitted yet."),
    Status.SUBMITTED: gettext_lazy("Received; processing starts soon."),
    Status.IN_PROGRESS: gettext_lazy("Being processed."),
    Status.RETURNED: gettext_lazy(
        "Returned to the applicant for correction; the clock is paused until they resubmit."
    ),
    Status.COMPLETED: gettext_lazy("Completed."),
    Status.REJECTED: gettext_lazy("Rejected."),
    Status.WITHDRAWN: gettext_lazy("Withdrawn by the applicant."),
    Status.DEEMED_APPROVED: gettext_lazy(
        "Granted by law: no decision was made within the time limit (fiktif positif)."
    ),
    Status.AWAITING_PAYMENT: gettext_lazy(
        "Waiting for the fee to be paid; the clock is paused until it is paid."
    ),
}
# Before the file is declared complete there is no clock to pause or to run.
STATUS_SENTENCES_BEFORE_CLOCK = {
    Status.SUBMITTED: gettext_lazy("Received; the completeness check starts soon."),
    Status.IN_PROGRESS: gettext_lazy("Being processed: the file is checked for completeness."),
    Status.RETURNED: gettext_lazy(
        "Returned to the applicant for correction; the clock has not started yet."
    ),
}


def local_time(moment: dt.datetime | None, zone: str) -> str:
    """ "2 Desember 2026 14.05 WIB": one format for every instant shown to people."""
    return datetime_in_words(moment, zone)


def local_date(moment: dt.datetime | dt.date, zone: str | None = None) -> str:
    return date_in_words(moment, zone)


def status_sentence(application: Application) -> str:
    """What the application's status means now, in the clock's own words."""
    status = Status(application.status)
    if application.clock_started_at is None and status in STATUS_SENTENCES_BEFORE_CLOCK:
        return str(STATUS_SENTENCES_BEFORE_CLOCK[status])
    return str(STATUS_SENTENCES.get(status, ""))


def step_name(application: Application, key: str) -> str:
    spec = application.charter.step_spec(key)
    return text_in(spec["name"], get_language() or "id") if spec else key


def paused_text(minutes: int) -> str:
    """A pause's length: "2 working days and 30 minutes", a working day being 8 hours."""
    days, rest = divmod(minutes, engine.WORKING_DAY_MINUTES)
    if not days:
        return ngettext("%(n)d working minute", "%(n)d working minutes", rest) % {"n": rest}
    text = ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
    if rest:
        text += " " + _("and %(m)d minutes") % {"m": rest}
    return text


def limit_basis(explanation: engine.DueExplanation) -> str:
    """ "5 working days from the moment the file is declared complete" (or from submission)."""
    limit = describe_limit({"amount": explanation.limit.amount, "unit": explanation.limit.unit})
    if explanation.counts_from == "file_complete":
        return _("%(limit)s from the moment the file is declared complete") % {"limit": limit}
    return _("%(limit)s from submission") % {"limit": limit}


def explain_due(
    application: Application,
    steps: list[Step],
    *,
    at: dt.datetime | None = None,
    calendars: AgencyCalendars | None = None,
) -> str:
    """The sentence behind the due date, in the same words in every state.

    Before the clock starts: the rule and the date it would give if it started now ("5 hari
    kerja sejak berkas dinyatakan lengkap; bila lengkap hari ini: paling lambat 7 Desember
    2026"), computed by the engine's time limit on the lead agency's calendar. Once it runs: the
    rule with its start, the days off skipped and the pauses.
    """
    calendars = calendars or AgencyCalendars()
    procedure = procedure_of(application)
    explanation = engine.explain_due(procedure, state_of(application, steps), calendars=calendars)
    zone = application.agency.time_zone
    basis = limit_basis(explanation)
    from_complete = explanation.counts_from == "file_complete"
    if explanation.clock_started_at is None:
        if application.has_ended:
            return _("%(basis)s; the clock never started.") % {"basis": basis}
        if application.status == Status.RETURNED:
            return _(
                "%(basis)s; the clock has not started yet: the file is checked again once the "
                "applicant sends the corrections."
            ) % {"basis": basis}
        if application.status == Status.AWAITING_PAYMENT:
            return _(
                "%(basis)s; the clock has not started yet: the file is checked once the fee "
                "is paid."
            ) % {"basis": basis}
        projected = procedure.time_limit.due(calendars(procedure.lead_agency), at or timezone.now())
        shown = (
            local_date(projected, zone)
            if explanation.limit.unit == "working_days"
            else local_time(projected, zone)
        )
        if from_complete:
            return _("%(basis)s; if complete today: at the latest %(date)s.") % {
                "basis": basis,
                "date": shown,
            }
        return _("%(basis)s; if submitted today: at the latest %(date)s.") % {
            "basis": basis,
            "date": shown,
        }
    started = local_date(explanation.clock_started_at, zone)
    parts = [
        (
            _("%(limit)s since the file was declared complete on %(date)s")
            if from_complete
            else _("%(limit)s since submission on %(date)s")
        )
        % {
            "limit": describe_limit(
                {"amount": explanation.limit.amount, "unit": explanation.limit.unit}
            ),
            "date": started,
        }
    ]
    holidays = explanation.skipped_holidays
    if holidays:
        parts.append(
            _("days off not counted: %(days)s")
            % {"days": ", ".join(f"{local_date(d.day)} {d.reason}" for d in holidays)}
        )
    for_payment = minutes_awaiting_payment(application) if procedure.payment_gate is not None else 0
    if explanation.paused_minutes - for_payment > 0:
        parts.append(
            _("paused %(time)s while waiting for corrections")
            % {"time": paused_text(explanation.paused_minutes - for_payment)}
        )
    if for_payment:
        parts.append(
            _("paused %(time)s while the fee was unpaid (the applicant's time)")
            % {"time": paused_text(for_payment)}
        )
    if application.status == Status.AWAITING_PAYMENT and explanation.paused_since is not None:
        parts.append(
            _(
                "paused since %(date)s while the bill is open, because that time is the "
                "applicant's; the due date moves later by the working time paused"
            )
            % {"date": local_time(explanation.paused_since, zone)}
        )
    elif explanation.paused_since is not None and not application.has_ended:
        parts.append(
            _(
                "paused since %(date)s while waiting for the applicant's corrections; the due "
                "date moves later by the working time paused"
            )
            % {"date": local_time(explanation.paused_since, zone)}
        )
    if application.has_ended and application.status != Status.COMPLETED and application.ended_at:
        parts.append(
            _("the clock stopped on %(date)s") % {"date": local_time(application.ended_at, zone)}
        )
    return "; ".join(parts) + "."


def minutes_awaiting_payment(application: Application) -> int:
    """The working minutes the clock stood still while a bill was open (pauses that ended)."""
    return sum(
        int(data.get("paused_minutes") or 0)
        for data in application.events.filter(kind="payment_received").values_list(
            "data", flat=True
        )
    )


@dataclass(frozen=True)
class Completion:
    at: dt.datetime
    at_text: str
    comparison: str  # "early" | "on_due_day" (within the due minute) | "late"
    working_days: int  # whole working days early or late (0 when less than one)
    working_minutes: int  # working minutes early or late
    text: str


def working_time_text(minutes: int) -> str:
    """ "1 working hour and 18 minutes", "2 working hours", "45 working minutes"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(n)d working minute", "%(n)d working minutes", rest) % {"n": rest}
    if not rest:
        return ngettext("%(n)d working hour", "%(n)d working hours", hours) % {"n": hours}
    return ngettext(
        "%(h)d working hour and %(m)d minutes", "%(h)d working hours and %(m)d minutes", hours
    ) % {"h": hours, "m": rest}


def completion(
    application: Application, *, calendars: AgencyCalendars | None = None
) -> Completion | None:
    """When a completed application was completed and how that compares with the promise,
    instant against instant on the lead agency's working calendar: by working days when a
    whole working day or more apart, otherwise by working hours and minutes, "on time" only
    within the due minute: "Selesai 19 November 2026 10.50 WIB, 1 jam 18 menit kerja sebelum
    batas waktu"."""
    if application.status != Status.COMPLETED or application.ended_at is None:
        return None
    zone = application.agency.time_zone
    at_text = local_time(application.ended_at, zone)
    if application.due_at is None:
        return Completion(
            application.ended_at, at_text, "", 0, 0, _("Completed %(at)s.") % {"at": at_text}
        )
    calendar = (calendars or AgencyCalendars())(application.agency.code)
    result = timeliness(calendar, application.ended_at, application.due_at)
    days, minutes = result.working_days, result.working_minutes
    if result.on_time:
        comparison = "on_due_day"
        how = _("exactly at the due time")
    elif result.late:
        comparison = "late"
        if days:
            how = ngettext("%(n)d working day late", "%(n)d working days late", days) % {"n": days}
        elif minutes:
            how = _("%(time)s after the due time") % {"time": working_time_text(minutes)}
        else:
            how = _("after the due time, outside service hours")
    else:
        comparison = "early"
        if days:
            how = ngettext(
                "%(n)d working day before the due date",
                "%(n)d working days before the due date",
                days,
            ) % {"n": days}
        elif minutes:
            how = _("%(time)s before the due time") % {"time": working_time_text(minutes)}
        else:
            how = _("before the due time, outside service hours")
    text = _("Completed %(at)s, %(how)s.") % {"at": at_text, "how": how}
    return Completion(application.ended_at, at_text, comparison, days, minutes, text)


def completion_data(
    application: Application, *, calendars: AgencyCalendars | None = None
) -> dict[str, Any] | None:
    done = completion(application, calendars=calendars)
    if done is None:
        return None
    return {
        "at": done.at,
        "at_text": done.at_text,
        "comparison": done.comparison,
        "working_days": done.working_days,
        "working_minutes": done.working_minutes,
        "text": done.text,
    }


MARKERS = ("late", "due_soon", "on_track", "paused", "your_turn")


@dataclass(frozen=True)
class PerDayCompensation:
    amount: int  # accrued so far while the application is open, final once it has ended
    final: bool
    text: str


def per_day_compensation(
    application: Application,
    *,
    at: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> PerDayCompensation | None:
    """What a charter's per-day compensation comes to for a late application, counted on the
    agency's calendar (`WorkCalendar.working_days_late`): while the application is open, the
    amount accrued up to `at` (now) with the rule, "Rp300.000 sejauh ini: Rp50.000 per hari
    kerja terlambat, paling banyak Rp350.000; jumlah akhir ditetapkan saat permohonan selesai";
    once it has ended, the final amount. None when the charter's compensation is not per day
    or the application has no due date. `calendar`: the lead agency's calendar when the caller
    already has it (lists cache one per agency)."""
    spec = application.charter.guarantee.get("compensation") or {}
    if spec.get("kind") != "per_day" or application.due_at is None:
        return None
    ended_at = application.ended_at if application.has_ended else None
    final = ended_at is not None
    end = ended_at or at or timezone.now()
    calendar = calendar or calendar_for(application.agency)
    days = calendar.working_days_late(application.due_at, end)
    amount = per_day_amount(int(spec["amount"]), int(spec["cap"]), days)
    rule = _("%(per_day)s per working day late, at most %(cap)s") % {
        "per_day": rupiah(int(spec["amount"])),
        "cap": rupiah(int(spec["cap"])),
    }
    if final:
        text = _("%(amount)s (%(rule)s).") % {"amount": rupiah(amount), "rule": rule}
    else:
        text = _(
            "%(amount)s so far: %(rule)s; the final amount is set when the application ends."
        ) % {"amount": rupiah(amount), "rule": rule}
    return PerDayCompensation(amount, final, text)


def due_marker(
    due_at: dt.datetime | None,
    *,
    paused: bool = False,
    soon: dt.timedelta = dt.timedelta(days=1),
) -> str:
    """late / due_soon / on_track for queues, or paused while the clock waits for the applicant
    (a paused due date moves later by the time the applicant takes, so it is neither late nor
    due soon)."""
    if paused:
        return "paused"
    if due_at is None:
        return "on_track"
    now = timezone.now()
    if due_at < now:
        return "late"
    if due_at - now <= soon:
        return "due_soon"
    return "on_track"


def step_marker(step: Step) -> str:
    """The marker of a step in officers' lists: paused while it is returned to the applicant."""
    return due_marker(step.due_at, paused=step.paused_at is not None)


def application_marker(application: Application) -> str:
    """The marker of an application on the applicant's own list: "your_turn" while it waits for
    their corrections, otherwise how its due date stands; "" once it has ended or before its
    clock starts (there is no due date yet)."""
    if not application.is_open:
        return ""
    if application.status in (Status.RETURNED, Status.AWAITING_PAYMENT):
        return "your_turn"
    if application.due_at is None:
        return ""
    return due_marker(application.due_at)


def event_label(application: Application, event: Event) -> str:
    """What to call an event: its kind's label, except that "file declared complete" says the
    time limit starts only where the charter counts it from then (not from submission)."""
    if (
        event.kind == "file_complete"
        and application.charter.content.get("clock_starts", "file_complete") != "file_complete"
    ):
        return _("File declared complete (the time limit runs from submission)")
    return EventKind.label_of(event.kind)


def expected_completion(application: Application) -> dict[str, Any]:
    """The estimate of when an open application will be completed (`expected_completion_at`,
    written by the transparency worker), with a plain sentence saying how it is made; the
    estimate is None when unknown or once the application has ended."""
    at = application.expected_completion_at if application.is_open else None
    basis = application.expected_completion_basis or {}
    if not application.is_open:
        explanation = ""
    elif application.status == Status.RETURNED:
        explanation = _(
            "No estimate while the application waits for the applicant's corrections: the "
            "rest depends on when they are sent."
        )
    elif application.status == Status.AWAITING_PAYMENT:
        explanation = _("No estimate while the fee is unpaid: the rest depends on when it is paid.")
    elif at is None:
        explanation = _(
            "No estimate yet: too few applications of this service went through the "
            "remaining steps recently to tell how long they take."
        )
    else:
        explanation = _(
            "An estimate, not a promise: for each remaining step, the middle value (median) "
            "of the working time it took in the last %(samples)s applications of this service "
            "that went through it (over the last %(days)s days), added up in order on each "
            "office's working hours. The due date is the limit the agency must keep."
        ) % {
            "samples": basis.get("samples", 20),
            "days": basis.get("window_days", 180),
        }
    return {
        "expected_completion": at,
        "expected_completion_text": local_time(at, application.agency.time_zone),
        "expected_completion_explanation": explanation,
    }


def public_view(
    application: Application, *, calendars: AgencyCalendars | None = None
) -> dict[str, Any]:
    # One reading of each agency's calendar for the whole page (each is a few queries).
    calendars = calendars or AgencyCalendars()
    steps = list(application.steps.select_related("unit", "agency"))
    zone = application.agency.time_zone
    events = Event.objects.filter(application=application, public=True).order_by("seq")
    return {
        "number": application.number,
        "service": {
            "code": application.service.code,
            "name": application.service.display_name,
        },
        "agency": {"code": application.agency.code, "name": application.agency.name},
        "status": application.status,
        "status_label": status_sentence(application),
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "due_at_text": local_time(application.due_at, zone),
        "due_explanation": explain_due(application, steps, calendars=calendars),
        "ended_at": application.ended_at,
        "ended_at_text": local_time(application.ended_at, zone),
        "completion": completion_data(application, calendars=calendars),
        **expected_completion(application),
        "steps": [
            {
                "key": step.key,
                "name": step_name(application, step.key),
                "stage": step.stage + 1,
                "unit": step.unit.name,
                "agency": step.agency.name,
                "state": step.state,
                "state_label": str(StepState(step.state).label),
                "due_at": step.due_at,
                "due_at_text": local_time(step.due_at, step.agency.time_zone),
                "ended_at": step.ended_at,
            }
            for step in steps
        ],
        "events": [
            {
                "at": event.at,
                "at_text": local_time(event.at, zone),
                "kind": event.kind,
                "label": event_label(application, event),
                "step": step_name(application, event.step) if event.step else "",
            }
            for event in events
        ],
    }


def item_rows(application: Application) -> list[dict[str, Any]]:
    """The physical items the charter asks for (objects brought to the counter): what, where
    and when to bring it, and whether and when the counter received it."""
    language = get_language() or "id"
    requirements = [r for r in application.charter.content["requirements"] if r["kind"] == "item"]
    if not requirements:
        return []
    received = items_received(application)
    zone = application.agency.time_zone
    return [
        {
            "key": r["key"],
            "name": text_in(r["name"], language),
            "where": text_in(r.get("where"), language),
            "note": text_in(r.get("note"), language),
            "required": is_needed(r, application.answers),
            "received": received.get(r["key"]),
            "received_at": local_time(received[r["key"]].at, zone) if r["key"] in received else "",
        }
        for r in requirements
    ]
