"""Messages about public consultations on draft standards, planned from committed
ConsultationEvent rows (cursor `notifications.consultations`, read in id order and gap-safe
like the other readers) and sent by the same task as every other message.

- A commenter is told when the agency answers their comment, and again each time the answer
  changes (every answer is an event of its own).
- The followers of a service are told when a consultation on it opens (it is published).
- Nobody else: stances, reports and hidings are not mailed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.cases.presenters import local_time
from layanan.charters.models import Comment, Consultation, ConsultationEvent
from layanan.lib.links import absolute_url
from layanan.notifications.jobs import PASS_EVENTS, PASS_SECONDS, drain, plan_once

CURSOR = "notifications.consultations"
NOTIFIED_KINDS = (ConsultationEvent.Kind.ANSWERED, ConsultationEvent.Kind.PUBLISHED)


def consultation_link(consultation: Consultation) -> str:
    # The public page of the consultation, /konsultasi/<id>/ (charters' public pages).
    return absolute_url(reverse("consultations:detail", args=[consultation.pk]))


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/consultations/{template}_subject.txt", context)
        body = render_to_string(f"notifications/consultations/{template}.txt", context)
    return " ".join(subject.split())[:200], body


def messages_for(event: ConsultationEvent) -> list[tuple[str, str, str]]:
    """(recipient, subject, body) of each message an event calls for; "" as the recipient
    records that a commenter has no address."""
    if event.kind not in NOTIFIED_KINDS:
        return []
    consultation = event.consultation
    service = consultation.charter.service
    agency = service.lead_agency
    with translation.override(settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "service": service.display_name,
            "agency": agency.name,
            "version": consultation.charter.version,
            "link": consultation_link(consultation),
        }
    if event.kind == ConsultationEvent.Kind.ANSWERED:
        comment = event.comment
        if comment is None:
            return []
        data = event.data or {}
        decision = str(data.get("decision") or comment.decision)
        with translation.override(settings.LANGUAGE_CODE):
            decision_label = str(Comment.Decision(decision).label)
        subject, body = render(
            "answered",
            {
                **context,
                "first": bool(data.get("first", True)),
                "decision": decision_label,
                "answer": comment.answer,
            },
        )
        return [(comment.author.email, subject, body)]
    closes_text = (
        local_time(consultation.closes_at, agency.time_zone) if consultation.closes_at else ""
    )
    subject, body = render("opened", {**context, "closes_text": closes_text})
    addresses = sorted(
        set(
            service.followers.exclude(citizen__email="")
            .filter(citizen__is_active=True)
            .values_list("citizen__email", flat=True)
        )
    )
    return [(address, subject, body) for address in addresses]


def plan_batch(events: list[ConsultationEvent]) -> list[int]:
    pending: list[int] = []
    now = timezone.now()
    for event in events:
        for recipient, subject, body in messages_for(event):
            planned = plan_once(
                consultation_event=event,
                recipient=recipient,
                subject=subject,
                body=body,
                now=now,
            )
            if planned is not None:
                pending.append(planned)
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
