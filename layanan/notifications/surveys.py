"""The survey invitation message: one email to the applicant per invitation, with the link.

Planned from the invitation rows that `surveys` writes (cursor `notifications.surveys`, read
in id order and gap-safe like the event readers), and sent by the same task as every other
message. An invitation answered or expired before its message was planned is not mailed.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.cases.events import read_new_events
from layanan.cases.presenters import local_time
from layanan.notifications.jobs import (
    BATCH,
    PASS_EVENTS,
    PASS_SECONDS,
    absolute_url,
    enqueue_sending,
)
from layanan.notifications.models import Message
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
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    survey_invitation=invitation,
                    application=invitation.application,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                    status=Message.Status.PENDING if recipient else Message.Status.SKIPPED,
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue  # planned by a pass that stopped before moving the cursor
        if recipient:
            pending.append(message.pk)
    return pending


def plan_messages(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Turn new invitations into outbox rows (see `jobs.plan_messages`)."""
    started = time.monotonic()
    planned = handled = 0
    while handled < max_events and time.monotonic() - started < max_seconds:
        with transaction.atomic():
            invitations, done = read_new_events(
                CURSOR,
                limit=min(BATCH, max_events - handled),
                now=timezone.now(),
                queryset=Invitation.objects.select_related(
                    "agency",
                    "application",
                    "application__applicant",
                    "application__service",
                ),
            )
            if not invitations:
                break
            pending = plan_batch(cast(list[Invitation], invitations))
            done()
            transaction.on_commit(partial(enqueue_sending, pending))
        planned += len(pending)
        handled += len(invitations)
    return planned
