"""Plan messages from new events and send the ones that are due. Run by the worker."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.events import read_new_events
from layanan.cases.models import Event
from layanan.cases.presenters import completion, explain_due, local_time, step_name
from layanan.charters.presenters import fee_notice
from layanan.notifications.models import Message

logger = logging.getLogger("layanan.notifications")

NOTIFIED_KINDS = (
    "submitted",
    "returned",
    "completed",
    "rejected",
    "late",
    "deemed_approved",
    "compensation_owed",
)
BATCH = 200
MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


OFFICER_KINDS = ("escalated", "reminder")


def recipients_of(event: Event) -> list[str]:
    """Who is told of an event: the applicant, or for officer events the officers concerned
    (the supervisors escalated to, the head of the agency's address, the step's assignee or
    the processing officers of its unit)."""
    application = event.application
    if event.kind not in OFFICER_KINDS:
        return [application.applicant.email]
    data = event.data or {}
    if event.kind == "escalated" and data.get("to") == "agency_head":
        return [application.agency.email]
    if event.kind == "escalated":
        usernames = data.get("officers") or []
    elif data.get("to"):
        usernames = [data["to"]]
    else:
        usernames = list(
            OfficerRole.objects.filter(
                unit__code=data.get("unit", ""), role=Role.PROCESSOR
            ).values_list("user__username", flat=True)
        )
    return sorted(
        set(
            User.objects.filter(username__in=usernames)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def absolute_url(path: str) -> str:
    """A link for a message: the site's public address (LAYANAN_SITE_URL) and the path."""
    return settings.LAYANAN_SITE_URL.rstrip("/") + path


def parse_instant(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def message_context(event: Event) -> dict[str, Any]:
    """What a message's template needs, every value ready to print (call it inside the
    message's language): the link to the application (citizen) or the step (officer), the due
    date where there is one, and for a completion when it was done and the fee."""
    application = event.application
    zone = application.agency.time_zone
    steps = list(application.steps.select_related("unit", "agency"))
    context: dict[str, Any] = {
        "application": application,
        "event": event,
        "step_name": step_name(application, event.step) if event.step else "",
        "due_text": "",
        "due_explanation": "",
        "expected_text": "",
        "completion_text": "",
        "fee_text": "",
    }
    if event.kind in OFFICER_KINDS:
        step = next((s for s in steps if s.key == event.step), None) or next(
            (s for s in steps if s.state in ("active", "returned")), None
        )
        context["link"] = absolute_url(
            reverse("office:step", args=[application.number, step.key])
            if step
            else reverse("office:queue")
        )
        due = parse_instant((event.data or {}).get("due_at")) or (
            step.due_at if step and event.step else application.due_at
        )
        if due is not None:
            context["due_text"] = local_time(due, step.agency.time_zone if step else zone)
        return context
    context["link"] = absolute_url(reverse("cases:detail", args=[application.number]))
    if application.due_at is not None and application.is_open:
        context["due_text"] = local_time(application.due_at, zone)
    if event.kind == "submitted":
        context["due_explanation"] = explain_due(application, steps)
    expected = parse_instant((event.data or {}).get("expected_at"))
    if expected is not None:
        context["expected_text"] = local_time(expected, zone)
    if event.kind == "completed":
        done = completion(application)
        context["completion_text"] = done.text if done else ""
        context["fee_text"] = str(fee_notice(application.charter))
    return context


def plan_messages() -> int:
    """Turn committed events of the notified kinds into outbox rows, once per recipient."""
    events, done = read_new_events(
        "notifications",
        limit=BATCH,
        now=timezone.now(),
        queryset=Event.objects.select_related(
            "application", "application__applicant", "application__service", "application__agency"
        ),
    )
    planned = 0
    now = timezone.now()
    for event in events:
        wanted = (event.kind in NOTIFIED_KINDS and event.public) or event.kind in OFFICER_KINDS
        if not wanted:
            continue
        application = event.application
        with translation.override(settings.LANGUAGE_CODE):
            context = message_context(event)
            subject = render_to_string(f"notifications/{event.kind}_subject.txt", context).strip()
            body = render_to_string(f"notifications/{event.kind}.txt", context)
        for recipient in recipients_of(event) or [""]:
            try:
                with transaction.atomic():
                    Message.objects.create(
                        event=event,
                        application=application,
                        recipient=recipient,
                        subject=subject[:200],
                        body=body,
                        status=Message.Status.PENDING if recipient else Message.Status.SKIPPED,
                        next_attempt_at=now,
                    )
                planned += 1
            except IntegrityError:
                pass  # planned by a previous pass that stopped before moving the cursor
    done()
    return planned


def claim(message: Message) -> bool:
    """Take a message for sending; False if another worker took it first."""
    return (
        Message.objects.filter(pk=message.pk, status=Message.Status.PENDING).update(
            # next_attempt_at now marks when the send started, for release_stuck
            status=Message.Status.SENDING,
            next_attempt_at=timezone.now(),
        )
        == 1
    )


def send_due_messages() -> tuple[int, int]:
    """Send what is due; return (sent, failed). Failures wait and are tried again."""
    now = timezone.now()
    due = Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
    sent = failed = 0
    for message in due.order_by("next_attempt_at", "pk")[:BATCH]:
        if not claim(message):
            continue
        try:
            EmailMessage(message.subject, message.body, to=[message.recipient]).send()
        except Exception as error:  # any transport failure: keep the message, try later
            attempts = message.attempts + 1
            Message.objects.filter(pk=message.pk).update(
                status=Message.Status.PENDING,
                attempts=attempts,
                next_attempt_at=timezone.now() + backoff(attempts),
                last_error=f"{type(error).__name__}: {error}"[:1000],
            )
            logger.warning("message %s not sent (attempt %d): %s", message.pk, attempts, error)
            failed += 1
        else:
            Message.objects.filter(pk=message.pk).update(
                status=Message.Status.SENT,
                attempts=message.attempts + 1,
                sent_at=timezone.now(),
                last_error="",
            )
            sent += 1
    return sent, failed


def release_stuck(older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """A worker that died while sending leaves a message 'sending'; put it back in the queue."""
    return Message.objects.filter(
        status=Message.Status.SENDING, next_attempt_at__lt=timezone.now() - older_than
    ).update(status=Message.Status.PENDING)


def run() -> None:
    """The periodic job: plan, release stuck sends, send."""
    plan_messages()
    release_stuck()
    send_due_messages()
