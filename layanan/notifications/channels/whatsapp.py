"""WhatsApp through Meta's Cloud API, over plain HTTP (docs/adr/0011-message-channels.md).

One request per message: POST {WHATSAPP_API_BASE}/{WHATSAPP_PHONE_NUMBER_ID}/messages with the
installation's token. WhatsApp lets a business write freely only within 24 hours of the
person's last message to it (the customer-service window, `Conversation.last_inbound_at`);
outside it only a template Meta approved beforehand may be sent, so a row goes:

- inside the window: as text (links previewed), or with `buttons` as reply buttons (up to
  three, titles of at most 20 characters) or as a list (up to ten rows of at most 24);
- outside it: as the template of its kind (`templates.template_for`), filled with `params`.

The provider's answer is mapped to the three errors of `channels` by Meta's error codes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from layanan.notifications.channels import ProviderRefused, TryLater, Undeliverable
from layanan.notifications.channels.templates import has_template, template_for

if TYPE_CHECKING:
    from layanan.notifications.models import Message

WINDOW = dt.timedelta(hours=24)
TIMEOUT = 10.0  # seconds: a send that hangs is tried again later, it does not hold a worker
MAX_BUTTONS = 3
MAX_ROWS = 10
BUTTON_TITLE = 20
ROW_TITLE = 24
TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024

# Meta's error codes (Graph API and Cloud API) and what they mean for the row. Codes not named
# here: a 5xx or a rate limit is tried later, any other refusal is the installation's problem
# (said loudly) rather than a silent drop.
REFUSED_CODES = {
    0,  # authentication failed
    3,  # the app may not call this method
    10,  # permission denied
    100,  # invalid parameter: the phone-number id is wrong or not the token's
    190,  # access token expired or revoked
    368,  # temporarily blocked for policy violations
    131005,  # access denied
    131031,  # the business account is locked
    131042,  # a payment problem of the business account
    131045,  # the phone number's certificate is wrong
    132000,  # template: wrong number of parameters
    132001,  # template: does not exist in this language
    132005,  # template: the filled text is too long
    132007,  # template: refused by policy
    132012,  # template: parameter format
    132015,  # template: paused for low quality
    132016,  # template: disabled
    133010,  # the phone number is not registered with the Cloud API
}
UNDELIVERABLE_CODES = {
    131021,  # the recipient is the sender
    131026,  # undeliverable: not on WhatsApp, old app, or terms not accepted
    131030,  # the recipient is not in the allowed list (a test number)
    131047,  # more than 24 hours since the person wrote: re-engagement needs a template
    131049,  # Meta chose not to deliver it (the person gets too many marketing messages)
    131051,  # a message type the recipient cannot receive
}
LATER_CODES = {
    1,  # unknown API error
    2,  # service temporarily unavailable
    4,  # the app's call limit
    80007,  # the business account's rate limit
    130429,  # throughput reached
    131000,  # something went wrong
    131016,  # service unavailable
    131048,  # spam rate limit
    131056,  # too many messages to the same number
    131057,  # the business account is in maintenance
}


def within_window(recipient: str, *, now: dt.datetime | None = None) -> bool:
    """Whether `recipient` wrote to our WhatsApp number within the last 24 hours."""
    from layanan.notifications.models import Conversation

    moment = now or timezone.now()
    return Conversation.objects.filter(
        channel="whatsapp", address=recipient, last_inbound_at__gt=moment - WINDOW
    ).exists()


def interactive(body: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
    """Reply buttons for up to three choices, a list for up to ten (Meta's limits)."""
    text = body[:INTERACTIVE_BODY_LIMIT]
    if len(buttons) <= MAX_BUTTONS:
        return {
            "type": "button",
            "body": {"text": text},
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {"id": str(b["id"])[:256], "title": b["title"][:BUTTON_TITLE]},
                    }
                    for b in buttons
                ]
            },
        }
    return {
        "type": "list",
        "body": {"text": text},
        "action": {
            "button": gettext("Choose")[:BUTTON_TITLE],
            "sections": [
                {
                    "rows": [
                        {"id": str(b["id"])[:200], "title": b["title"][:ROW_TITLE]}
                        for b in buttons[:MAX_ROWS]
                    ]
                }
            ],
        },
    }


def template_payload(message: Message, params: list[str]) -> dict[str, Any]:
    name, language = template_for(message.kind, message.language)
    components: list[dict[str, Any]] = []
    if params:
        components.append(
            {
                "type": "body",
                # Meta refuses an empty parameter (a bill without its code yet …)
                "parameters": [{"type": "text", "text": str(value) or "-"} for value in params],
            }
        )
    if message.kind == "phone_code" and params:
        # an authentication template carries its code again in its copy-code button
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": str(params[0])}],
            }
        )
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    return {"type": "template", "template": template}


def payload(message: Message, *, text: str | None = None, now: dt.datetime | None = None) -> dict:
    """The request body for one row (pure but for the window's lookup)."""
    body = message.body if text is None else text
    recipient = message.recipient.lstrip("+")
    common = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient}
    if not within_window(message.recipient, now=now):
        if not has_template(message.kind):
            # a reply or a survey question, whose person stopped writing a day ago: Meta would
            # refuse free text, and no template says it; the next channel carries it
            raise Undeliverable(
                f"outside the 24-hour window, and no template for kind {message.kind!r}",
                code="131047",
            )
        return {**common, **template_payload(message, list(message.params or []))}
    if message.buttons:
        with translation.override(message.language or settings.LANGUAGE_CODE):
            content = interactive(body, list(message.buttons))
        return {
            **common,
            "type": "interactive",
            "interactive": content,
        }
    return {**common, "type": "text", "text": {"preview_url": True, "body": body[:TEXT_LIMIT]}}


def error_of(response: requests.Response) -> Exception:
    """The channel error for a refused request, by Meta's code, else by the HTTP status."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code")
    details = (error.get("error_data") or {}).get("details") or ""
    detail = " ".join(part for part in (str(error.get("message") or ""), details) if part)
    detail = detail or f"HTTP {response.status_code}"
    label = str(code) if code is not None else str(response.status_code)
    if code in UNDELIVERABLE_CODES:
        return Undeliverable(detail, code=label)
    if code in LATER_CODES or response.status_code == 429 or response.status_code >= 500:
        return TryLater(detail, code=label)
    return ProviderRefused(detail, code=label)


class CloudApiWhatsApp:
    name = "whatsapp"
    max_attempts: int | None = 5

    def send(self, message: Message, *, text: str | None = None) -> str:
        """Send one row; returns its wamid."""
        url = (
            f"{settings.WHATSAPP_API_BASE.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        try:
            response = requests.post(
                url,
                json=payload(message, text=text),
                headers={"Authorization": f"Bearer {settings.WHATSAPP_TOKEN}"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise TryLater(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 300:
            raise error_of(response)
        try:
            return str(response.json()["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            # taken (2xx) but without an id: the delivery callbacks cannot be matched, but
            # sending it again would send it twice
            return ""
