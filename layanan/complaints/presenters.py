"""What people read about a complaint: the public view (anyone, never a confidential
complaint, never an identity of an anonymous or confidential complainant) and the full view
(the complainant and the handling unit). Views, the API, Open311 and the exports build on
these and never read the personal fields themselves.

Values are Python values (datetimes, dates, ints); each caller formats them its own way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layanan.complaints.models import (
    Complaint,
    ComplaintEvent,
    Deadline,
    DeadlineKind,
    EventKind,
    Kind,
    Privacy,
    Status,
    Subject,
)


def status_label(code: str) -> str:
    try:
        return str(Status(code).label)
    except ValueError:
        return code


def kind_label(code: str) -> str:
    try:
        return str(Kind(code).label)
    except ValueError:
        return code


def deadline_text(deadline: Deadline) -> str:
    """ "Verification: 3 working days" — what the limit is, in words."""
    if deadline.working_days:
        span = ngettext("%(n)d working day", "%(n)d working days", deadline.days) % {
            "n": deadline.days
        }
    else:
        span = ngettext("%(n)d day", "%(n)d days", deadline.days) % {"n": deadline.days}
    return f"{DeadlineKind(deadline.kind).label}: {span}"


def complainant_name(complaint: Complaint) -> str:
    person = complaint.complainant
    if person is not None:
        return person.full_name or person.get_username()
    return complaint.contact_name


def event_row(event: ComplaintEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "kind": event.kind,
        "label": EventKind.label_of(event.kind),
        "note": event.note,
        "public": event.public,
        "data": dict(event.data or {}),
    }


def deadline_row(deadline: Deadline) -> dict[str, Any]:
    return {
        "kind": deadline.kind,
        "label": str(DeadlineKind(deadline.kind).label),
        "text": deadline_text(deadline),
        "started_at": deadline.started_at,
        "due_at": deadline.due_at,
        "met_at": deadline.met_at,
        "cancelled_at": deadline.cancelled_at,
        "missed": deadline.breached_at is not None,
        "breached_at": deadline.breached_at,
        "running": deadline.met_at is None and deadline.cancelled_at is None,
    }


def age_days(complaint: Complaint, at: dt.datetime | None = None) -> int:
    end = complaint.ended_at or at or timezone.now()
    return max((end - complaint.created_at).days, 0)


def public_view(complaint: Complaint) -> dict[str, Any]:
    """What anyone may read. Raises ValueError for a confidential complaint: a caller that
    asks for it has a bug, and must never get a partial answer."""
    if complaint.privacy == Privacy.CONFIDENTIAL:
        raise ValueError("a confidential complaint has no public view")
    events = [event_row(e) for e in complaint.events.filter(public=True).order_by("seq")]
    deadlines = list(complaint.deadlines.order_by("started_at", "pk"))
    primary = complaint.duplicate_of
    return {
        "number": complaint.number,
        "kind": complaint.kind,
        "kind_label": kind_label(complaint.kind),
        "subject": complaint.subject,
        "subject_label": str(Subject(complaint.subject).label),
        "status": complaint.status,
        "status_label": status_label(complaint.status),
        "is_open": complaint.is_open,
        "privacy": complaint.privacy,
        "category": {
            "code": complaint.category.service_code,
            "name": complaint.category.name,
        },
        "agency": {"code": complaint.agency.code, "name": complaint.agency.name},
        "unit": complaint.unit.name if complaint.unit else None,
        "service": (
            {"code": complaint.service.code, "name": complaint.service.display_name}
            if complaint.service
            else None
        ),
        # The complainant chose to be named: the name only, never a contact.
        "complainant": (
            complainant_name(complaint) or None if complaint.privacy == Privacy.PUBLIC else None
        ),
        "description": complaint.description,
        "address": complaint.address,
        "latitude": complaint.latitude,
        "longitude": complaint.longitude,
        "created_at": complaint.created_at,
        "age_days": age_days(complaint),
        "due_at": complaint.due_at if complaint.is_open else None,
        "resolved_at": complaint.resolved_at,
        "ended_at": complaint.ended_at,
        "outcome": complaint.outcome,
        "compensation_amount": complaint.compensation_amount,
        "compensation_due_on": complaint.compensation_due_on,
        "complainant_verdict": complaint.complainant_verdict,
        "rating": complaint.rating,
        "times_reopened": complaint.times_reopened,
        "duplicate_of": (
            primary.number if primary and primary.privacy != Privacy.CONFIDENTIAL else None
        ),
        "lapor_number": complaint.lapor_number,
        "responses": [
            e
            for e in events
            if e["note"] and e["kind"] in ("responded", "follow_up_planned", "resolved", "rejected")
        ],
        "timeline": events,
        "deadlines": [deadline_row(d) for d in deadlines if d.kind != DeadlineKind.COMPLETION],
        "missed_deadlines": [deadline_row(d) for d in deadlines if d.breached_at is not None],
    }


def full_view(complaint: Complaint, *, internal: bool = False) -> dict[str, Any]:
    """Everything, for the complainant (`internal=False`: without the unit's internal notes)
    and the handling unit (`internal=True`). The caller has checked who is asking
    (`access.get_complaint_for_viewer` / `get_complaint_for_officer`)."""
    view = (
        public_view(complaint)
        if complaint.privacy != Privacy.CONFIDENTIAL
        else _confidential_base(complaint)
    )
    events = complaint.events.order_by("seq")
    if not internal:
        events = events.filter(public=True)
    person = complaint.complainant
    deadlines = list(complaint.deadlines.order_by("started_at", "pk"))
    view.update(
        {
            "loss": complaint.loss,
            "remedy": complaint.remedy,
            "compensation_claimed": complaint.compensation_claimed,
            "happened_on": complaint.happened_on,
            "address_id": complaint.address_id,
            "channel": complaint.channel,
            "application": complaint.application.number if complaint.application else None,
            "complainant": {
                "name": complainant_name(complaint),
                "username": person.get_username() if person else "",
                "email": (person.email if person else "") or complaint.contact_email,
                "phone": (person.phone if person else "") or complaint.contact_phone,
                "has_account": person is not None,
            },
            "lapor_link": complaint.lapor_link,
            "attachments": [
                {
                    "id": a.pk,
                    "name": a.original_name,
                    "content_type": a.content_type,
                    "size": a.size,
                    "uploaded_at": a.uploaded_at,
                }
                for a in complaint.attachments.order_by("pk")
            ],
            "timeline": [event_row(e) for e in events],
            "deadlines": [deadline_row(d) for d in deadlines],
            "missed_deadlines": [deadline_row(d) for d in deadlines if d.breached_at is not None],
            "revision": complaint.revision,
            "feedback_open": bool(
                complaint.status == Status.RESOLVED
                and complaint.feedback_expires_at
                and complaint.feedback_expires_at > timezone.now()
            ),
            "feedback_until": complaint.feedback_expires_at,
        }
    )
    return view


def _confidential_base(complaint: Complaint) -> dict[str, Any]:
    """The public view's fields, for a confidential complaint's own readers."""
    complaint.privacy = Privacy.ANONYMOUS  # build the same shape without tripping the guard
    try:
        view = public_view(complaint)
    finally:
        complaint.privacy = Privacy.CONFIDENTIAL
    view["privacy"] = Privacy.CONFIDENTIAL
    return view


def privacy_explained(privacy: str) -> str:
    return {
        Privacy.PUBLIC: _("Published with your name; your contact details are never shown."),
        Privacy.ANONYMOUS: _(
            "Published without your name; only the unit handling it knows who you are."
        ),
        Privacy.CONFIDENTIAL: _(
            "Not published at all; only you and the unit handling it can read it."
        ),
    }[Privacy(privacy)]
