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

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.cases.access import CASE_ROLES
from layanan.cases.presenters import local_time
from layanan.complaints.actions import access_key_for, feedback_key_for
from layanan.complaints.models import Complaint, ComplaintEvent, Status
from layanan.lib.links import absolute_url
from layanan.lib.phone import try_normalise
from layanan.notifications.jobs import (
    PASS_EVENTS,
    PASS_SECONDS,
    Draft,
    drain,
    in_language,
    plan_for,
    reachable,
)
from layanan.notifications.short import short_text

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


# A person told of a complaint: (account, email, phone) — the account's own choices decide
# its channels; someone without one is written to at the address and phone they left.
Person = tuple[User | None, str, str]


def complainant_of(complaint: Complaint) -> Person:
    if complaint.complainant is not None:
        return (complaint.complainant, "", "")
    phone = try_normalise(complaint.contact_phone) if complaint.contact_phone else None
    return (None, complaint.contact_email, phone or "")


def same_person(one: Person, other: Person) -> bool:
    if one[0] is not None or other[0] is not None:
        return one[0] is not None and other[0] is not None and one[0].pk == other[0].pk
    return (one[1], one[2]) == (other[1], other[2])


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


def officers_of(event: ComplaintEvent) -> list[Person]:
    complaint = event.complaint
    if event.kind == "escalated":
        usernames = (event.data or {}).get("officers") or []
        users = User.objects.filter(username__in=usernames)
    elif complaint.unit_id is not None:
        users = User.objects.filter(
            officer_roles__unit_id=complaint.unit_id, officer_roles__role__in=CASE_ROLES
        ).distinct()
    else:
        return []
    return [(user, "", "") for user in reachable(users)]


def duplicates_people(complaint: Complaint) -> list[Person]:
    """The complainants of the duplicates, each once, without the complaint's own."""
    people: list[Person] = []
    for duplicate in complaint.duplicates.select_related("complainant").order_by("pk"):
        person = complainant_of(duplicate)
        if person[0] is None and not (person[1] or person[2]):
            continue
        if same_person(person, complainant_of(complaint)):
            continue
        if not any(same_person(person, known) for known in people):
            people.append(person)
    return people


def drafter(template: str, kind: str, context: dict[str, Any]) -> Callable[[str], Draft]:
    """The message from `notifications/complaints/<template>` and the short text of `kind`."""

    def render() -> Draft:
        subject = render_to_string(f"notifications/complaints/{template}_subject.txt", context)
        body = render_to_string(f"notifications/complaints/{template}.txt", context)
        short, params = short_text(
            kind, {"number": context["complaint"].number, "link": context.get("link", "")}
        )
        return Draft(subject.strip()[:200], body, short, params)

    return in_language(render)


def messages_for(event: ComplaintEvent) -> list[tuple[str, Callable[[str], Draft], list[Person]]]:
    """(kind, draft, people) of each message an event calls for; a complainant who left no
    address is recorded as a skipped row."""
    complaint = event.complaint
    zone = complaint.agency.time_zone
    context: dict[str, Any] = {
        "complaint": complaint,
        "event": event,
        "data": event.data or {},
        "due_text": local_time(complaint.due_at, zone) if complaint.due_at else "",
    }
    planned: list[tuple[str, Callable[[str], Draft], list[Person]]] = []
    if event.public and event.kind in COMPLAINANT_KINDS:
        mine = {
            **context,
            "link": complainant_link(complaint),
            "feedback": feedback_links(complaint) if event.kind == "resolved" else {},
        }
        kind = f"complaint_{event.kind}"
        planned.append((kind, drafter(event.kind, kind, mine), [complainant_of(complaint)]))
    if event.kind in OUTCOME_KINDS and complaint.duplicates.exists():
        people = duplicates_people(complaint)
        if people:
            kind = "complaint_duplicate_outcome"
            theirs = {**context, "link": "", "feedback": {}}
            planned.append((kind, drafter("duplicate_outcome", kind, theirs), people))
    if event.kind in OFFICER_KINDS:
        link = absolute_url(reverse("complaints_office:detail", args=[complaint.number]))
        kind = f"complaint_officer_{event.kind}"
        people = officers_of(event)
        if people:
            draft = drafter(f"officer_{event.kind}", kind, {**context, "link": link})
            planned.append((kind, draft, people))
    return planned


def plan_batch(events: list[ComplaintEvent]) -> list[int]:
    pending: list[int] = []
    now = timezone.now()
    for event in events:
        for kind, draft, people in messages_for(event):
            for user, email, phone in people:
                pending += plan_for(
                    user=user,
                    email=email,
                    phone=phone,
                    kind=kind,
                    draft=draft,
                    now=now,
                    complaint_event=event,
                    complaint=event.complaint,
                )
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
