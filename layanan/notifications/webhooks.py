"""The providers' calls to us: messages people send to the installation's WhatsApp number or
SMS number, and the delivery statuses of the messages we sent (docs/messages-by-phone.md).

- `/webhooks/whatsapp/` (Meta's WhatsApp Cloud API): GET is the subscription handshake, checked
  against WHATSAPP_VERIFY_TOKEN; POST carries messages and statuses, signed in the header
  X-Hub-Signature-256 with an HMAC-SHA256 of the raw body under WHATSAPP_APP_SECRET.
- `/webhooks/sms/` (a received SMS) and `/webhooks/sms/status/` (a delivery callback), from
  Twilio, signed in X-Twilio-Signature with TWILIO_AUTH_TOKEN over the public URL Twilio called
  and the form's fields. That URL is LAYANAN_SITE_URL plus the request's path (as the links in
  our messages are made): behind a reverse proxy the request's own host and scheme are the
  proxy's, not what Twilio signed.

A call that is not signed, or signed wrongly, is refused (403) and logged before its body is
read. A signed call is answered at once (200) even when it carries something we do not read
(it is logged): a provider repeats a call it thinks failed, and a received message is stored
once per provider id, so a repeat does nothing. The answers to received messages go through
the outbox (`conversation`), never in the webhook's response.

No session, no CSRF token (the providers have neither): the signature is the authentication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from twilio.request_validator import RequestValidator

from layanan.accounts.models import User
from layanan.accounts.throttle import begin_inbound
from layanan.lib.links import absolute_url
from layanan.lib.phone import try_normalise
from layanan.notifications import conversation, jobs
from layanan.notifications.models import InboundMessage, Message

logger = logging.getLogger("layanan.notifications.webhooks")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
WHATSAPP_STATUSES = {"sent", "delivered", "read", "failed"}
TWILIO_STATUSES = {
    "queued": Message.Status.SENT,
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "read": Message.Status.READ,
    "undelivered": Message.Status.FAILED,
    "failed": Message.Status.FAILED,
}


@dataclass(frozen=True)
class Received:
    """A message a person sent, as any provider gives it."""

    sender: str  # E.164
    provider_id: str
    text: str
    payload: str  # a pressed button's id
    at: dt.datetime


@dataclass(frozen=True)
class StatusReport:
    provider_id: str
    status: str  # sent, delivered, read, failed
    at: dt.datetime
    error: str


# -- reading what providers send (pure) --------------------------------------------------------


def e164(raw: str) -> str | None:
    """The sender's number in E.164: an Indonesian number normalised (WhatsApp writes
    "6281…" without the plus), any other country's kept as its digits after a plus."""
    raw = (raw or "").strip()
    indonesian = try_normalise(raw)
    if indonesian is not None:
        return indonesian
    digits = raw.removeprefix("+")
    if digits.isdigit() and digits.isascii() and 6 <= len(digits) <= 15:
        return "+" + digits
    return None


def storable(text: str, limit: int) -> str:
    """Text any database keeps: no NUL, no half of a surrogate pair (JSON allows both)."""
    cleaned = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return cleaned[:limit]


def instant(value: Any) -> dt.datetime:
    """A provider's Unix timestamp (a string of seconds), or now when it has none."""
    try:
        return dt.datetime.fromtimestamp(int(str(value)), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def whatsapp_message(item: dict[str, Any]) -> Received | None:
    """A Cloud API message: typed text, a reply button or list row pressed (its id is the
    payload, its title the text), or a template's quick-reply button. Other kinds (a photo, a
    voice note) are kept without text: they are answered with the help text."""
    sender = e164(str(item.get("from", "")))
    provider_id = str(item.get("id", ""))[:128]
    if sender is None or not provider_id:
        return None
    kind = item.get("type")
    text = payload = ""
    if kind == "text":
        text = str((item.get("text") or {}).get("body", ""))
    elif kind == "interactive":
        interactive = item.get("interactive") or {}
        pressed = interactive.get(interactive.get("type", "")) or {}
        text, payload = str(pressed.get("title", "")), str(pressed.get("id", ""))
    elif kind == "button":
        button = item.get("button") or {}
        text, payload = str(button.get("text", "")), str(button.get("payload", ""))
    return Received(
        sender,
        storable(provider_id, 128),
        storable(text, 4096),
        storable(payload, 200),
        instant(item.get("timestamp")),
    )


def whatsapp_status(item: dict[str, Any]) -> StatusReport | None:
    status = item.get("status")
    provider_id = storable(str(item.get("id", "")), 128)
    if status not in WHATSAPP_STATUSES or not provider_id:
        return None
    errors = item.get("errors") or []
    error = ""
    if errors and isinstance(errors[0], dict):
        first = errors[0]
        error = f"{first.get('code', '')}: {first.get('title') or first.get('message', '')}"
    return StatusReport(
        provider_id, str(status), instant(item.get("timestamp")), storable(error, 500)
    )


def read_whatsapp(payload: Any) -> tuple[list[Received], list[StatusReport], int]:
    """The messages and statuses of a Cloud API webhook, and how many items were not read."""
    received: list[Received] = []
    reports: list[StatusReport] = []
    unread = 0
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                unread += 1
                continue
            for item in value.get("messages") or []:
                message = whatsapp_message(item) if isinstance(item, dict) else None
                unread += message is None
                if message is not None:
                    received.append(message)
            for item in value.get("statuses") or []:
                report = whatsapp_status(item) if isinstance(item, dict) else None
                unread += report is None
                if report is not None:
                    reports.append(report)
    return received, reports, unread


# -- acting on it ----------------------------------------------------------------------------


def receive(channel_name: str, message: Received) -> str:
    """Store a received message once and answer it; returns what it was taken as ("repeat"
    for a message stored before, "throttled" past the sender's limit)."""
    user = User.objects.filter(phone=message.sender, is_active=True).first()
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                channel=channel_name,
                sender=message.sender,
                provider_id=message.provider_id,
                text=message.text,
                payload=message.payload,
                user=user,
                received_at=message.at,
            )
    except IntegrityError:
        return "repeat"
    attempt = begin_inbound(channel_name, message.sender)
    if attempt.refused and conversation.parse_command(message.payload or message.text).verb not in (
        "stop",
        "start",
    ):
        # over the limit: not answered; but BERHENTI and MULAI always take effect
        InboundMessage.objects.filter(pk=inbound.pk).update(outcome="throttled")
        logger.warning(
            "%s message %s not answered: its sender is over the limit of received messages",
            channel_name,
            inbound.pk,
        )
        return "throttled"
    if not attempt.refused:
        attempt.failed()  # each message spends
    try:
        return conversation.answer(inbound)
    except Exception:
        # the provider is answered 200 all the same: its repeat would be a "repeat" anyway
        logger.exception("%s message %s could not be answered", channel_name, inbound.pk)
        InboundMessage.objects.filter(pk=inbound.pk).update(outcome="error")
        return "error"


def record(channel_name: str, report: StatusReport) -> None:
    found = jobs.record_status(
        channel_name=channel_name,
        provider_id=report.provider_id,
        status=report.status,
        at=report.at,
        error=report.error,
    )
    if found is None:
        logger.info("%s status %s for an unknown message", channel_name, report.status)


def refuse(request: HttpRequest, why: str) -> HttpResponse:
    logger.warning(
        "webhook %s refused: %s (from %s)", request.path, why, request.META.get("REMOTE_ADDR")
    )
    return HttpResponse(status=403)


# -- WhatsApp ----------------------------------------------------------------------------------


def whatsapp_signed(request: HttpRequest) -> str:
    """Why the call is not signed by Meta with our app secret; "" when it is."""
    secret = settings.WHATSAPP_APP_SECRET
    if not secret:
        return "WHATSAPP_APP_SECRET is not set"
    given = request.headers.get("X-Hub-Signature-256", "")
    if not given.startswith("sha256="):
        return "no X-Hub-Signature-256"
    wanted = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    # as bytes: a header with characters outside ASCII is a wrong signature, not an error
    typed = given.removeprefix("sha256=").lower().encode("utf-8", "replace")
    if not hmac.compare_digest(typed, wanted.encode()):
        return "wrong X-Hub-Signature-256"
    return ""


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return whatsapp_handshake(request)
    if why := whatsapp_signed(request):
        return refuse(request, why)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        logger.warning("webhook %s: a signed body that is not JSON", request.path)
        return HttpResponse("not JSON", status=400, content_type="text/plain")
    received, reports, unread = read_whatsapp(payload)
    if unread or not (received or reports):
        # counts only: the payload holds phone numbers, names and what people wrote
        logger.info("webhook %s: %d items not read", request.path, unread)
    for report in reports:
        record(Message.Channel.WHATSAPP, report)
    for message in received:
        receive(Message.Channel.WHATSAPP, message)
    return HttpResponse(status=200)


def whatsapp_handshake(request: HttpRequest) -> HttpResponse:
    """Meta's check when the webhook is registered: the verify token we gave it, back."""
    token = settings.WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") != "subscribe"
        or not token
        or not hmac.compare_digest(given.encode(), token.encode())
    ):
        return refuse(request, "wrong handshake")
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


# -- SMS (Twilio) --------------------------------------------------------------------------------


def twilio_signed(request: HttpRequest) -> str:
    """Why the call is not signed by Twilio with our auth token; "" when it is."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        return "TWILIO_AUTH_TOKEN is not set"
    given = request.headers.get("X-Twilio-Signature", "")
    if not given:
        return "no X-Twilio-Signature"
    url = absolute_url(request.get_full_path())
    if not RequestValidator(token).validate(url, request.POST.dict(), given):
        return "wrong X-Twilio-Signature"
    return ""


@csrf_exempt
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    if why := twilio_signed(request):
        return refuse(request, why)
    sender = e164(request.POST.get("From", ""))
    provider_id = storable(request.POST.get("MessageSid", ""), 128)
    if sender is None or not provider_id:
        logger.info("webhook %s: a signed call without sender or id", request.path)
    else:
        text = storable(request.POST.get("Body", ""), 4096)
        receive(Message.Channel.SMS, Received(sender, provider_id, text, "", timezone.now()))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    if why := twilio_signed(request):
        return refuse(request, why)
    provider_id = storable(request.POST.get("MessageSid", ""), 128)
    status = TWILIO_STATUSES.get(request.POST.get("MessageStatus", ""))
    if status is None or not provider_id:
        logger.info(
            "webhook %s: status %r not read", request.path, request.POST.get("MessageStatus")
        )
        return HttpResponse(status=200)
    error = storable(request.POST.get("ErrorCode", ""), 40)
    record(
        Message.Channel.SMS,
        StatusReport(provider_id, status, timezone.now(), f"Twilio error {error}" if error else ""),
    )
    return HttpResponse(status=200)
