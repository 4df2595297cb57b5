"""Plan messages from new events (a periodic pass of the worker) and send each one (a task of
the task worker, queued when the message is committed and again after a failed attempt).

Sending is claimed with a conditional update, so a message is sent by one worker only, even
when two tasks for it run at once; a message whose send fails stays in the outbox and is
tried again with a growing backoff while the mail server is down.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.events import read_new_events, skip_events
from layanan.cases.models import Event
from layanan.cases.presenters import completion, explain_due, local_time, step_name
from layanan.charters.presenters import fee_notice
from layanan.lib.links import absolute_url
from layanan.lib.money import rupiah
from layanan.notifications import health
from layanan.notifications.channels import ProviderRefused, Undeliverable, channel
from layanan.notifications.channels.email import message_id_header as message_id_header
from layanan.notifications.models import Conversation, InboundMessage, Message
from layanan.notifications.short import short_text

logger = logging.getLogger("layanan.notifications")

NOTIFIED_KINDS = (
    "submitted",
    "returned",
    "completed",
    "rejected",
    "late",
    "deemed_approved",
    "compensation_owed",
    "bill_issued",  # by payments: the fee to pay, its payment code and until when
)
BATCH = 200  # events per transaction
PASS_EVENTS = 5_000  # a pass of the planner reads at most this many events ...
PASS_SECONDS = 10.0  # ... and stops starting batches after this long; the next pass goes on
MAX_BACKOFF = dt.timedelta(hours=6)
STUCK_AFTER = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


OFFICER_KINDS = ("escalated", "reminder")


def reachable(users: Any) -> list[User]:
    """Those of `users` who chose a channel that can reach them, in a stable order."""
    return [user for user in users.order_by("pk") if user.chosen_channels()]


def people_of(event: Event) -> list[tuple[User | None, str]]:
    """Who is told of an event, each as (account, address when there is no account): the
    applicant, or for officer events the officers concerned (the supervisors escalated to,
    the head of the agency's address, the step's assignee or the processing officers of its
    unit). [(None, "")] when nobody can be reached: the row is kept, skipped."""
    application = event.application
    if event.kind not in OFFICER_KINDS:
        return [(application.applicant, "")]
    data = event.data or {}
    if event.kind == "escalated" and data.get("to") == "agency_head":
        return [(None, application.agency.email)]
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
    officers = reachable(User.objects.filter(username__in=usernames))
    return [(officer, "") for officer in officers] or [(None, "")]


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
        "product_link": "",
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
    if event.kind == "bill_issued":
        data = event.data or {}
        until = parse_instant(data.get("expires_at"))
        context["bill"] = {
            "amount": rupiah(int(data.get("amount", 0))),
            "code": data.get("code", ""),
            "until": local_time(until, zone) if until else "",
        }
    if event.kind == "completed":
        done = completion(application)
        context["completion_text"] = done.text if done else ""
        context["fee_text"] = str(fee_notice(application.charter))
        # the product, signed by the worker of `documents` moments later: this address
        # serves it once it is there (and says it is being prepared until then)
        context["product_link"] = absolute_url(
            reverse("documents:product", args=[application.number])
        )
    return context


CURSOR = "notifications"


def skip_history(*, after_id: int, up_to_id: int) -> bool:
    """History written in one go (the demo's samples, played back over past weeks) is not news
    to mail: the planner treats events (after_id, up_to_id] as planned, only when every event
    before them was planned already (`cases.events.skip_events`)."""
    return skip_events(CURSOR, after_id=after_id, up_to_id=up_to_id)


def drain(
    cursor: str,
    queryset: Any,
    plan: Callable[[list[Any]], list[int]],
    *,
    max_events: int,
    max_seconds: float,
) -> int:
    """Plan outbox rows from the rows of `queryset` that `cursor` has not read, batch by batch,
    each batch in one transaction with the cursor, and queue a task to send each planned message
    once its rows are committed; return how many are to be sent.

    Stops when none is left or the pass has read `max_events` rows or run `max_seconds`: a burst
    is planned within a pass or two, and one pass never holds up the worker's other jobs long."""
    started = time.monotonic()
    planned = handled = 0
    while handled < max_events and time.monotonic() - started < max_seconds:
        with transaction.atomic():
            rows, done = read_new_events(
                cursor,
                limit=min(BATCH, max_events - handled),
                now=timezone.now(),
                queryset=queryset,
            )
            if not rows:
                break
            pending = plan(list(rows))
            done()
            transaction.on_commit(partial(enqueue_sending, pending))
        planned += len(pending)
        handled += len(rows)
    return planned


def plan_messages(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Turn committed events of the notified kinds into outbox rows, once per recipient (see
    `drain`)."""
    return drain(
        CURSOR,
        Event.objects.select_related(
            "application",
            "application__applicant",
            "application__service",
            "application__agency",
        ),
        plan_batch,
        max_events=max_events,
        max_seconds=max_seconds,
    )


def plan_once(
    *, recipient: str, subject: str, body: str, now: dt.datetime, **about: Any
) -> int | None:
    """Write one outbox row about something (`event=`, `complaint_event=`, `duty=` …), once per
    thing, channel and recipient. Returns its id when it waits to be sent; None when a pass
    that stopped before moving its cursor had planned it already, or when there is no address
    (the row is kept as skipped: a message nobody could receive is visible, not silent)."""
    try:
        with transaction.atomic():
            message = Message.objects.create(
                recipient=recipient,
                subject=subject[:200],
                body=body,
                status=Message.Status.PENDING if recipient else Message.Status.SKIPPED,
                next_attempt_at=now,
                **about,
            )
    except IntegrityError:
        return None
    return message.pk if recipient else None


@dataclass(frozen=True)
class Draft:
    """A message in one language: the email's subject and whole text, and the short text
    (and its WhatsApp template parameters) for a phone."""

    subject: str
    body: str
    short: str
    params: list[str]


def in_language(render: Callable[[], Draft]) -> Callable[[str], Draft]:
    """`render` run inside each language asked for, once per language."""
    drafts: dict[str, Draft] = {}

    def draft(language: str) -> Draft:
        if language not in drafts:
            with translation.override(language):
                drafts[language] = render()
        return drafts[language]

    return draft


def plan_for(
    *,
    user: User | None,
    kind: str,
    draft: Callable[[str], Draft],
    now: dt.datetime,
    email: str = "",
    phone: str = "",
    **about: Any,
) -> list[int]:
    """The rows that tell one person of one thing, in their language: for an account, by
    email when they chose it and on the first phone channel they chose (WhatsApp before SMS,
    the short text); for someone without one, to the `email` and by SMS to the `phone` they
    left. A person nobody can reach gets a skipped email row. Returns the ids to send."""
    language = user.message_language if user is not None else settings.LANGUAGE_CODE
    phone_channel = "sms" if phone else ""
    if user is not None:
        chosen = user.chosen_channels()
        email = user.email if Message.Channel.EMAIL in chosen else ""
        phone_channel = next((name for name in chosen if name != Message.Channel.EMAIL), "")
        phone = user.phone if phone_channel else ""
    text = draft(language)
    rows: list[tuple[str, str, str, list[str]]] = []
    if email or not phone:
        rows.append((Message.Channel.EMAIL, email, text.body, []))
    if phone:
        rows.append((phone_channel, phone, text.short, text.params))
    pending: list[int] = []
    for channel_name, recipient, body, params in rows:
        planned = plan_once(
            channel=channel_name,
            recipient=recipient,
            subject=text.subject,
            body=body,
            params=params,
            user=user,
            kind=kind,
            language=language,
            now=now,
            **about,
        )
        if planned is not None:
            pending.append(planned)
    return pending


def event_draft(event: Event) -> Draft:
    """The message of an application's event, in the active language."""
    context = message_context(event)
    subject = render_to_string(f"notifications/{event.kind}_subject.txt", context).strip()
    body = render_to_string(f"notifications/{event.kind}.txt", context)
    bill = context.get("bill") or {}
    short, params = short_text(
        event.kind,
        {
            "number": event.application.number,
            "link": context["link"],
            "amount": bill.get("amount", ""),
            "code": bill.get("code", ""),
        },
    )
    return Draft(subject, body, short, params)


def plan_batch(events: list[Event]) -> list[int]:
    """The outbox rows for a batch of events; returns the ids of those waiting to be sent."""
    pending: list[int] = []
    now = timezone.now()
    for event in events:
        wanted = (event.kind in NOTIFIED_KINDS and event.public) or event.kind in OFFICER_KINDS
        if not wanted:
            continue
        draft = in_language(partial(event_draft, event))
        for user, email in people_of(event):
            pending += plan_for(
                user=user,
                email=email,
                kind=event.kind,
                draft=draft,
                now=now,
                event=event,
                application=event.application,
            )
    return pending


def enqueue_sending(message_ids: list[int], run_after: dt.datetime | None = None) -> None:
    """Queue one task per message (after commit: a task never looks for an uncommitted row)."""
    from layanan.notifications.tasks import send_message

    task = send_message.using(run_after=run_after) if run_after else send_message
    for message_id in message_ids:
        task.enqueue(message_id)


def claim(message: Message) -> bool:
    """Take a message for sending; False if another worker took it first or it is not due.

    A conditional update: of two workers (or two tasks for the same message) exactly one
    changes the row from pending to sending."""
    now = timezone.now()
    return (
        Message.objects.filter(
            pk=message.pk, status=Message.Status.PENDING, next_attempt_at__lte=now
        ).update(
            # next_attempt_at now marks when the send started, for release_stuck
            status=Message.Status.SENDING,
            next_attempt_at=now,
        )
        == 1
    )


def send_message_now(message_id: int) -> str:
    """Send one outbox message if it is due and nobody else took it; what the task runs.

    Returns what happened: "sent"; "retry" (kept, tried again after a backoff by a task queued
    for then); "failed" (undeliverable, or the channel's last attempt failed: the next channel
    the person allows carries it, `plan_fallback`); "stopped" (the recipient replied BERHENTI
    on this channel); or "not taken" (sent, being sent, not due, or gone)."""
    message = Message.objects.filter(pk=message_id).select_related("user").first()
    if message is None or not claim(message):
        return "not taken"
    if (
        message.channel != Message.Channel.EMAIL
        and message.kind != STOP_CONFIRMATION
        and is_stopped(message.channel, message.recipient)
    ):
        Message.objects.filter(pk=message.pk).update(status=Message.Status.STOPPED)
        return "stopped"
    sender = channel(message.channel)
    attempts = message.attempts + 1
    try:
        provider_id = sender.send(message)
    except Undeliverable as error:
        fail(message, attempts=attempts, error=error)
        return "failed"
    except Exception as error:  # any other failure: keep the message, try later
        if isinstance(error, ProviderRefused):
            health.refused(message.channel, error)
        if sender.max_attempts is not None and attempts >= sender.max_attempts:
            fail(message, attempts=attempts, error=error)
            return "failed"
        retry_at = timezone.now() + backoff(attempts)
        with transaction.atomic():
            Message.objects.filter(pk=message.pk).update(
                status=Message.Status.PENDING,
                attempts=attempts,
                next_attempt_at=retry_at,
                last_error=describe(error),
            )
            transaction.on_commit(partial(enqueue_sending, [message.pk], retry_at))
        logger.warning("message %s not sent (attempt %d): %s", message.pk, attempts, error)
        return "retry"
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        provider_id=provider_id[:128],
        last_error="",
    )
    health.succeeded(message.channel)
    return "sent"


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


# The one message a stopped number still gets: the confirmation of its BERHENTI, queued in
# the same transaction that marks it stopped (notifications.conversation).
STOP_CONFIRMATION = "stop_confirmation"


def is_stopped(channel_name: str, address: str) -> bool:
    """Whether `address` replied BERHENTI on this channel (and not MULAI since)."""
    return Conversation.objects.filter(
        channel=channel_name, address=address, stopped_at__isnull=False
    ).exists()


# The order channels are tried in, and so the order of fallbacks.
CHANNEL_ORDER = (Message.Channel.WHATSAPP, Message.Channel.SMS, Message.Channel.EMAIL)
# What a row is about, copied onto its fallback.
ABOUT_FIELDS = (
    "event",
    "application",
    "complaint_event",
    "complaint",
    "survey_invitation",
    "consultation_event",
    "duty",
    "inbound",
)


def address_on(user: User, channel_name: str) -> str:
    return user.email if channel_name == Message.Channel.EMAIL else user.phone


def fail(message: Message, *, attempts: int | None = None, error: object = "") -> int | None:
    """Mark `message` failed (for good: undeliverable, or its channel's last attempt failed,
    or the provider reported it failed) and plan its fallback; returns the fallback's id."""
    moment = timezone.now()
    with transaction.atomic():
        changes: dict[str, Any] = {
            "status": Message.Status.FAILED,
            "failed_at": moment,
            "last_error": describe(error) if isinstance(error, BaseException) else str(error),
        }
        if attempts is not None:
            changes["attempts"] = attempts
        updated = (
            Message.objects.filter(pk=message.pk)
            .exclude(status=Message.Status.FAILED)
            .update(**changes)
        )
        if not updated:
            return None
        fallback = plan_fallback(message, now=moment)
        if fallback is not None:
            transaction.on_commit(partial(enqueue_sending, [fallback]))
    logger.warning(
        "message %s by %s failed for good (%s); fallback: %s",
        message.pk,
        message.channel,
        changes["last_error"],
        fallback or "none",
    )
    return fallback


def plan_fallback(message: Message, *, now: dt.datetime) -> int | None:
    """The row that carries a failed message on: the next channel after its own, in
    `CHANNEL_ORDER`, that its person chose and can be reached on. None when there is none, or
    when that channel carries the same thing already (an email sent beside the WhatsApp
    message), or for a one-time code (asked for again on the page, not resent elsewhere)."""
    user = message.user
    if user is None or message.kind in ("phone_code", STOP_CONFIRMATION):
        return None
    chosen = user.chosen_channels()
    later = CHANNEL_ORDER[CHANNEL_ORDER.index(Message.Channel(message.channel)) + 1 :]
    for name in later:
        if name not in chosen:
            continue
        recipient = address_on(user, name)
        about = {field: getattr(message, f"{field}_id") for field in ABOUT_FIELDS}
        about = {f"{field}_id": value for field, value in about.items() if value is not None}
        if Message.objects.filter(channel=name, recipient=recipient, **about).exists():
            return None  # this channel carries it already
        try:
            with transaction.atomic():
                fallback = Message.objects.create(
                    channel=name,
                    recipient=recipient,
                    user=user,
                    kind=message.kind,
                    language=message.language,
                    subject=message.subject,
                    body=message.body,
                    params=message.params,
                    buttons=message.buttons,
                    fallback_for=message,
                    status=Message.Status.PENDING,
                    next_attempt_at=now,
                    **about,
                )
        except IntegrityError:
            return None
        return fallback.pk
    return None


# Delivery statuses a provider reports, in the order they happen.
PROGRESS = {Message.Status.SENT: 1, Message.Status.DELIVERED: 2, Message.Status.READ: 3}


def record_status(
    *, channel_name: str, provider_id: str, status: str, at: dt.datetime, error: str = ""
) -> Message | None:
    """What a provider's callback reports of a sent message (`status`: sent, delivered, read
    or failed), matched by the provider's id. A status only moves forward (callbacks come in
    any order, and more than once); "failed" fails the row and plans its fallback. Returns the
    row, or None when no row has this id (a callback for another installation's message)."""
    message = Message.objects.filter(channel=channel_name, provider_id=provider_id).first()
    if message is None or not provider_id:
        return None
    if status == Message.Status.FAILED:
        if message.status in (Message.Status.DELIVERED, Message.Status.READ):
            return message  # delivered is delivered: a late failure report changes nothing
        fail(message, error=error or "reported failed by the provider")
        message.refresh_from_db()
        return message
    rank = PROGRESS.get(Message.Status(status)) if status in PROGRESS else None
    if rank is None:
        return message
    changes: dict[str, Any] = {}
    if status in (Message.Status.DELIVERED, Message.Status.READ) and message.delivered_at is None:
        changes["delivered_at"] = at
    if status == Message.Status.READ and message.read_at is None:
        changes["read_at"] = at
    # a failed row stays failed: its fallback is on its way, and a late report of delivery
    # must not count it twice
    if (
        message.status != Message.Status.FAILED
        and PROGRESS.get(Message.Status(message.status), 0) < rank
    ):
        changes["status"] = status
    if message.sent_at is None:
        changes["sent_at"] = at
    if changes:
        Message.objects.filter(pk=message.pk).update(**changes)
        message.refresh_from_db()
    return message


def plan_reply(
    inbound: InboundMessage,
    text: str,
    *,
    kind: str = "reply",
    buttons: list[dict[str, str]] | None = None,
    language: str = "",
) -> int:
    """Queue the answer to a message a person sent, on the channel it came by, once this
    transaction commits; returns the row's id."""
    message = Message.objects.create(
        inbound=inbound,
        user=inbound.user,
        kind=kind,
        language=language,
        channel=inbound.channel,
        recipient=inbound.sender,
        subject=text.splitlines()[0][:200] if text else kind,
        body=text,
        buttons=buttons or [],
        status=Message.Status.PENDING,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(enqueue_sending, [message.pk]))
    return message.pk


def send_code_now(*, user: User, channel_name: str, text: str, stored: str, code: str) -> bool:
    """Send a one-time code to `user`'s phone now, while they wait on the page: `text` is sent,
    `stored` (the same without the code) is what the outbox keeps. True when the provider took
    it; on failure the row says why and the page offers the other channel.

    Outside WhatsApp's 24-hour window the code goes in the authentication template, whose one
    parameter is `code`: it is given to the channel on the unsaved row only, never stored."""
    message = Message.objects.create(
        user=user,
        kind="phone_code",
        language=user.message_language,
        channel=channel_name,
        recipient=user.phone,
        subject=stored.splitlines()[0][:200],
        body=stored,
        status=Message.Status.SENDING,
        next_attempt_at=timezone.now(),
    )
    message.params = [code]
    try:
        provider_id = channel(channel_name).send(message, text=text)
    except Exception as error:
        if isinstance(error, ProviderRefused):
            health.refused(channel_name, error)
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.FAILED,
            attempts=1,
            failed_at=timezone.now(),
            last_error=describe(error),
        )
        logger.warning("code to %s by %s not sent: %s", user.pk, channel_name, error)
        return False
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
        provider_id=provider_id[:128],
    )
    health.succeeded(channel_name)
    return True


def release_stuck(older_than: dt.timedelta = STUCK_AFTER) -> int:
    """A worker that died while sending leaves a message 'sending'; put it back in the queue.
    Not a one-time code: its row holds the text without the code (sent while the person
    waited, `send_code_now`), so a second send would carry nothing; it is marked failed."""
    stuck = Message.objects.filter(
        status=Message.Status.SENDING, next_attempt_at__lt=timezone.now() - older_than
    )
    stuck.filter(kind="phone_code").update(
        status=Message.Status.FAILED, failed_at=timezone.now(), last_error="interrupted"
    )
    return stuck.exclude(kind="phone_code").update(status=Message.Status.PENDING)


def requeue_lost(older_than: dt.timedelta = STUCK_AFTER) -> int:
    """Queue again the messages overdue by more than `older_than`: their task was lost (the
    process stopped between the commit and the enqueue) or their send was released. Each is
    marked due now, so it is not queued again before another `older_than`; a second task for
    a message that is also still queued finds it taken and does nothing."""
    now = timezone.now()
    overdue = list(
        Message.objects.filter(
            status=Message.Status.PENDING, next_attempt_at__lt=now - older_than
        ).values_list("pk", "next_attempt_at")[:BATCH]
    )
    requeued: list[int] = []
    with transaction.atomic():
        for pk, due in overdue:
            if Message.objects.filter(
                pk=pk, status=Message.Status.PENDING, next_attempt_at=due
            ).update(next_attempt_at=now):
                requeued.append(pk)
        transaction.on_commit(partial(enqueue_sending, requeued))
    return len(requeued)


def run() -> None:
    """The periodic job: plan messages from new events (each is then sent by a task), and
    give the messages whose send was interrupted or whose task was lost a new task."""
    from layanan.notifications.complaints import plan_messages as plan_complaint_messages
    from layanan.notifications.consultations import plan_messages as plan_consultation_messages
    from layanan.notifications.surveys import plan_messages as plan_survey_messages

    plan_messages()
    plan_complaint_messages()
    plan_consultation_messages()
    plan_survey_messages()
    release_stuck()
    requeue_lost()
