"""Messages about public consultations on draft standards, planned from committed
ConsultationEvent rows (cursor `notifications.consultations`, read in id order and gap-safe
like the other readers) and sent by the same task as every other message.

- A commenter is told when the agency answers their comment, and again each time the answer
  changes (every answer is an event of its own).
- The followers of a service are told when a consultation on it opens (it is published).
- Nobody else: stances, reports and hidings are not mailed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.cases.presenters import local_time
from layanan.charters.models import Comment, Consultation, ConsultationEvent
from layanan.lib.links import absolute_url
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

CURSOR = "notifications.consultations"
NOTIFIED_KINDS = (ConsultationEvent.Kind.ANSWERED, ConsultationEvent.Kind.PUBLISHED)


def consultation_link(consultation: Consultation) -> str:
    # The public page of the consultation, /konsultasi/<id>/ (charters' public pages).
    return absolute_url(reverse("consultations:detail", args=[consultation.pk]))


def drafter(
    template: str, event: ConsultationEvent, extra: Callable[[], dict[str, Any]]
) -> Callable[[str], Draft]:
    """The message from `notifications/consultations/<template>` in each language asked for;
    `extra` adds what the template needs beyond the common context (in that language)."""
    consultation = event.consultation
    service = consultation.charter.service

    def render() -> Draft:
        context: dict[str, Any] = {
            "service": service.display_name,
            "agency": service.lead_agency.name,
            "version": consultation.charter.version,
            "link": consultation_link(consultation),
            **extra(),
        }
        subject = render_to_string(f"notifications/consultations/{template}_subject.txt", context)
        body = render_to_string(f"notifications/consultations/{template}.txt", context)
        short, params = short_text(f"consultation_{template}", {"link": context["link"]})
        return Draft(" ".join(subject.split())[:200], body, short, params)

    return in_language(render)


Planned = tuple[str, Callable[[str], Draft], list[User]]


def messages_for(event: ConsultationEvent) -> Planned | None:
    """(kind, draft, people) of the message an event calls for, if any."""
    if event.kind not in NOTIFIED_KINDS:
        return None
    consultation = event.consultation
    if event.kind == ConsultationEvent.Kind.ANSWERED:
        comment = event.comment
        if comment is None:
            return None
        data = event.data or {}
        decision = str(data.get("decision") or comment.decision)

        def answered() -> dict[str, Any]:
            return {
                "first": bool(data.get("first", True)),
                "decision": str(Comment.Decision(decision).label),
                "answer": comment.answer,
            }

        return "consultation_answered", drafter("answered", event, answered), [comment.author]
    agency = consultation.charter.service.lead_agency

    def opened() -> dict[str, Any]:
        closes = consultation.closes_at
        return {"closes_text": local_time(closes, agency.time_zone) if closes else ""}

    followers = reachable(
        User.objects.filter(
            is_active=True, followed_services__service=consultation.charter.service
        ).distinct()
    )
    return "consultation_opened", drafter("opened", event, opened), followers


def plan_batch(events: list[ConsultationEvent]) -> list[int]:
    pending: list[int] = []
    now = timezone.now()
    for event in events:
        planned = messages_for(event)
        if planned is None:
            continue
        kind, draft, people = planned
        for user in people:
            pending += plan_for(
                user=user, kind=kind, draft=draft, now=now, consultation_event=event
            )
    return pending


def plan_messages(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Turn committed consultation events into outbox rows (see `jobs.drain`)."""
    return drain(
        CURSOR,
        ConsultationEvent.objects.select_related(
            "consultation__charter__service__lead_agency", "comment__author"
        ),
        plan_batch,
        max_events=max_events,
        max_seconds=max_seconds,
    )
