"""What pages and the API show of an application, in plain words.

`public_view` is the tracking page's content (also `GET /api/v1/track/{number}`): the service,
the status, each step with its unit and due date, the due date with its reason, and the public
events. It carries no personal data: no name, NIK, contact details, answers or documents, and
no free-text notes (a reason written for the citizen may mention them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from layanan.cases import engine
from layanan.cases.actions import AgencyCalendars, items_received, procedure_of, state_of
from layanan.cases.models import Application, Event, Status, Step, StepState
from layanan.charters.presenters import describe_limit
from layanan.charters.spec import text_in

EVENT_LABELS = {
    "created": gettext_lazy("Draft created"),
    "submitted": gettext_lazy("Application submitted"),
    "step_started": gettext_lazy("Step started"),
    "step_approved": gettext_lazy("Step completed"),
    "file_complete": gettext_lazy("File complete: the time limit starts"),
    "returned": gettext_lazy("Returned to the applicant for correction"),
    "resubmitted": gettext_lazy("Corrections submitted"),
    "rejected": gettext_lazy("Application rejected"),
    "completed": gettext_lazy("Application completed"),
    "withdrawn": gettext_lazy("Application withdrawn by the applicant"),
    "deemed_approved": gettext_lazy("Granted by law (fiktif positif)"),
    "late": gettext_lazy("Late"),
    "very_late": gettext_lazy("Very late"),
    "apology": gettext_lazy("Apology"),
    "escalated": gettext_lazy("Escalated"),
    "reminder": gettext_lazy("Reminder sent"),
    "compensation_owed": gettext_lazy("Compensation owed"),
    "compensation_paid": gettext_lazy("Compensation paid"),
    "breach_withdrawn": gettext_lazy("Delay record withdrawn after a calendar correction"),
    "due_recomputed": gettext_lazy("Due date recomputed after a calendar correction"),
    "comment": gettext_lazy("Comment"),
    "assigned": gettext_lazy("Assigned"),
    "document_added": gettext_lazy("Document added"),
    "document_removed": gettext_lazy("Document removed"),
    "item_received": gettext_lazy("Item received at the counter"),
    "item_receipt_cancelled": gettext_lazy("Receipt of an item cancelled"),
    "answers_changed": gettext_lazy("Answers changed"),
    "data_viewed": gettext_lazy("Personal data viewed"),
    "stage_completed": gettext_lazy("Stage completed"),
    "due_extended": gettext_lazy("Due date moved by the pause"),
}

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
}


def local_time(moment: dt.datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    from zoneinfo import ZoneInfo

    return formats.date_format(moment.astimezone(ZoneInfo(zone)), "j F Y, H.i T")


def local_date(moment: dt.datetime | dt.date, zone: str | None = None) -> str:
    if isinstance(moment, dt.datetime) and zone:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(zone))
    return formats.date_format(moment, "j F Y")


def step_name(application: Application, key: str) -> str:
    spec = application.charter.step_spec(key)
    return text_in(spec["name"], get_language() or "id") if spec else key


def explain_due(application: Application, steps: list[Step]) -> str:
    """The sentence behind the due date, e.g. "5 hari kerja sejak berkas lengkap pada …"."""
    state = state_of(application, steps)
    explanation = engine.explain_due(procedure_of(application), state, calendars=AgencyCalendars())
    zone = application.agency.time_zone
    limit = describe_limit({"amount": explanation.limit.amount, "unit": explanation.limit.unit})
    if explanation.clock_started_at is None:
        if application.status == Status.DRAFT:
            return _("%(limit)s once the application is submitted.") % {"limit": limit}
        return _(
            "%(limit)s from the moment the file is complete; the clock has not started yet."
        ) % {"limit": limit}
    since = (
        _("since the file was complete on %(date)s")
        if explanation.counts_from == "file_complete"
        else _("since submission on %(date)s")
    ) % {"date": local_date(explanation.clock_started_at, zone)}
    parts = [f"{limit} {since}"]
    holidays = explanation.skipped_holidays
    if holidays:
        parts.append(
            _("skipped: %(days)s")
            % {"days": ", ".join(f"{local_date(d.day)} {d.reason}" for d in holidays)}
        )
    if explanation.paused_minutes:
        days, minutes = explanation.paused_days, explanation.paused_remainder_minutes
        if days:
            paused = ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
            if minutes:
                paused += " " + _("and %(m)d minutes") % {"m": minutes}
        else:
            paused = ngettext("%(n)d working minute", "%(n)d working minutes", minutes) % {
                "n": minutes
            }
        parts.append(_("paused %(time)s waiting for corrections") % {"time": paused})
    if explanation.paused_since is not None:
        parts.append(_("paused now, waiting for the applicant's corrections"))
    return "; ".join(parts) + "."


def due_marker(due_at: dt.datetime | None, *, soon: dt.timedelta = dt.timedelta(days=1)) -> str:
    """on_track / due_soon / late, for queues."""
    if due_at is None:
        return "on_track"
    now = timezone.now()
    if due_at < now:
        return "late"
    if due_at - now <= soon:
        return "due_soon"
    return "on_track"


def public_view(application: Application) -> dict[str, Any]:
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
        "status_label": str(STATUS_SENTENCES.get(Status(application.status), "")),
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "due_at_text": local_time(application.due_at, zone),
        "due_explanation": explain_due(application, steps),
        "ended_at": application.ended_at,
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
                "label": str(EVENT_LABELS.get(event.kind, event.kind)),
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
            "required": r["required"],
            "received": received.get(r["key"]),
            "received_at": local_time(received[r["key"]].at, zone) if r["key"] in received else "",
        }
        for r in requirements
    ]
