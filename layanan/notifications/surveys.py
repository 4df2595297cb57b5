"""The survey invitation message to the applicant, with the link, by the channels they chose.

Planned from the invitation rows that `surveys` writes (cursor `notifications.surveys`, read
in id order and gap-safe like the event readers), and sent by the same task as every other
message. An invitation answered or expired before its message was planned is not mailed.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from layanan.cases.presenters import local_time
from layanan.lib.links import absolute_url
from layanan.notifications.jobs import (
    PASS_EVENTS,
    PASS_SECONDS,
    Draft,
    drain,
    in_language,
    plan_for,
)
from layanan.notifications.short import short_text
from layanan.surveys.actions import key_for
from layanan.surveys.models import Invitation

CURSOR = "notifications.surveys"


def draft_of(invitation: Invitation) -> Draft:
    """The invitation in the active language."""
    application = invitation.application
    context: dict[str, Any] = {
        "application": application,
        "service": application.service.display_name,
        "agency": invitation.agency.name,
        "link": absolute_url(reverse("surveys:answer", args=[key_for(invitation)])),
        "expires_text": local_time(invitation.expires_at, invitation.agency.time_zone),
    }
    subject = render_to_string("notifications/survey_invitation_subject.txt", context)
    body = render_to_string("notifications/survey_invitation.txt", context)
    short, params = short_text(
        "survey_invitation", {"number": application.number, "link": context["link"]}
    )
    return Draft(subject.strip()[:200], body, short, params)


def plan_batch(invitations: list[Invitation]) -> list[int]:
    pending: list[int] = []
    now = timezone.now()
    for invitation in invitations:
        if not invitation.is_open(now):
            continue
        pending += plan_for(
            user=invitation.application.applicant,
            kind="survey_invitation",
            draft=in_language(partial(draft_of, invitation)),
            now=now,
            survey_invitation=invitation,
            application=invitation.application,
        )
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
