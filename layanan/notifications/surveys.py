"""The survey invitation message: one email to the applicant per invitation, with the link.

Planned from the invitation rows that `surveys` writes (cursor `notifications.surveys`, read
in id order and gap-safe like the event readers), and sent by the same task as every other
message. An invitation answered or expired before its message was planned is not mailed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.cases.presenters import local_time
from layanan.lib.links import absolute_url
from layanan.notifications.jobs import PASS_EVENTS, PASS_SECONDS, drain, plan_once
from layanan.surveys.actions import key_for
from layanan.surveys.models import Invitation

CURSOR = "notifications.surveys"


def render(invitation: Invitation) -> tuple[str, str]:
    application = invitation.application
    context: dict[str, Any] = {
        "application": application,
        "service": application.service.display_name,
        "agency": invitation.agency.name,
        "link": absolute_url(reverse("surveys:answer", args=[key_for(invitation)])),
        "expires_text": local_time(invitation.expires_at, invitation.agency.time_zone),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("notifications/survey_invitation_subject.txt", context)
        body = render_to_string("notifications/survey_invitation.txt", context)
    return subject.strip()[:200], body


def plan_batch(invitations: list[Invitation]) -> list[int]:
    pending: list[int] = []
    now = timezone.now()
    for invitation in invitations:
        if not invitation.is_open(now):
            continue
        recipient = invitation.application.applicant.email
        subject, body = render(invitation)
        planned = plan_once(
            survey_invitation=invitation,
            application=invitation.application,
            recipient=recipient,
            subject=subject,
            body=body,
            now=now,
        )
        if planned is not None:
            pending.append(planned)
    return pending


def plan_messages(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Turn new invitations into outbox rows (see `jobs.drain`)."""
    return drain(
        CURSOR,
        Invitation.objects.select_related(
            "agency",
            "application",
            "application__applicant",
            "application__service",
        ),
        plan_batch,
        max_events=max_events,
        max_seconds=max_seconds,
    )
