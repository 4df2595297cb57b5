"""Messages about complaints, planned from committed complaint events like those about
applications (`jobs.py`), with their own cursor, and sent by the same task.

- The complainant is told of every public change and every public response, with the link
  that opens the whole complaint without signing in; when the agency marks it resolved, the
  message carries the one-click "Sudah selesai / Belum selesai" links.
- The complainants of the duplicates linked to a complaint are told its outcome.
- A missed deadline is escalated to the unit's supervisors; a forwarded or reopened complaint
  is announced to the officers of the unit that now holds it.
- Nobody else: a message never names an anonymous or confidential complainant to anyone but
  the handling unit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.accounts.models import User
from layanan.cases.access import CASE_ROLES
from layanan.cases.presenters import local_time
from layanan.complaints.actions import access_key_for, feedback_key_for
from layanan.complaints.models import Complaint, ComplaintEvent, Status
from layanan.lib.links import absolute_url
from layanan.notifications.jobs import PASS_EVENTS, PASS_SECONDS, drain, plan_once

CURSOR = "notifications.complaints"
# Public events the complainant is told of.
COMPLAINANT_KINDS = (
    "filed",
    "verified",
    "completion_requested",
    "forwarded",
    "follow_up_planned",
    "responded",
    "resolved",
    "closed",
    "rejected",
    "withdrawn",
    "duplicate_linked",
    "deadline_missed",
)
# Outcomes the complainants of linked duplicates are told of.
OUTCOME_KINDS = ("resolved", "closed", "rejected")
OFFICER_KINDS = ("escalated", "forwarded", "reopened")


def complainant_address(complaint: Complaint) -> str:
    person = complaint.complainant
    return (person.email if person is not None else "") or complaint.contact_email


def complainant_link(complaint: Complaint) -> str:
    path = reverse("complaints:detail", args=[complaint.number])
    return absolute_url(f"{path}?{urlencode({'kunci': access_key_for(complaint)})}")


def feedback_links(complaint: Complaint) -> dict[str, str]:
    if complaint.status != Status.RESOLVED or complaint.resolved_at is None:
        return {}
    path = reverse("complaints:feedback", args=[complaint.number])
    key = feedback_key_for(complaint)
    return {
        answer: absolute_url(f"{path}?{urlencode({'kunci': key, 'jawaban': answer})}")
        for answer in ("ya", "tidak")
    }


def officer_addresses(event: ComplaintEvent) -> list[str]:
    complaint = event.complaint
    if event.kind == "escalated":
        usernames = (event.data or {}).get("officers") or []
        users = User.objects.filter(username__in=usernames)
    elif complaint.unit_id is not None:
        users = User.objects.filter(
            officer_roles__unit_id=complaint.unit_id, officer_roles__role__in=CASE_ROLES
        )
    else:
        return []
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def duplicates_addresses(complaint: Complaint) -> list[str]:
    addresses = {
        complainant_address(duplicate)
        for duplicate in complaint.duplicates.select_related("complainant")
    }
    addresses.discard("")
    addresses.discard(complainant_address(complaint))
    return sorted(addresses)


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/complaints/{template}_subject.txt", context)
        body = render_to_string(f"notifications/complaints/{template}.txt", context)
    return subject.strip()[:200], body


def messages_for(event: ComplaintEvent) -> list[tuple[str, str, str]]:
    """(recipient, subject, body) of each message an event calls for; "" as the recipient
    records that the complainant left no address."""
    complaint = event.complaint
    zone = complaint.agency.time_zone
    context: dict[str, Any] = {
        "complaint": complaint,
        "event": event,
        "data": event.data or {},
        "due_text": local_time(complaint.due_at, zone) if complaint.due_at else "",
    }
    planned: list[tuple[str, str, str]] = []
    if event.public and event.kind in COMPLAINANT_KINDS:
        context["link"] = complainant_link(complaint)
        context["feedback"] = feedback_links(complaint) if event.kind == "resolved" else {}
        subject, body = render(event.kind, context)
        planned.append((complainant_address(complaint), subject, body))
    if event.kind in OUTCOME_KINDS and complaint.duplicates.exists():
        for address in duplicates_addresses(complaint):
            subject, body = render("duplicate_outcome", {**context, "link": "", "feedback": {}})
            planned.append((address, subject, body))
    if event.kind in OFFICER_KINDS:
        context["link"] = absolute_url(reverse("complaints_office:detail", args=[complaint.number]))
        subject, body = render(f"officer_{event.kind}", context)
        planned.extend((address, subject, body) for address in officer_addresses(event))
    return planned


def plan_batch(events: list[ComplaintEvent]) -> list[int]:
    pending: list[int] = []
    now = timezone.now()
    for event in events:
        for recipient, subject, body in messages_for(event):
            planned = plan_once(
                complaint_event=event,
                complaint=event.complaint,
                recipient=recipient,
                subject=subject,
                body=body,
                now=now,
            )
            if planned is not None:
                pending.append(planned)
    return pending


def plan_messages(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Turn committed complaint events into outbox rows (see `jobs.drain`)."""
    return drain(
        CURSOR,
        ComplaintEvent.objects.select_related(
            "complaint",
            "complaint__agency",
            "complaint__unit",
            "complaint__complainant",
            "complaint__category",
        ),
        plan_batch,
        max_events=max_events,
        max_seconds=max_seconds,
    )
