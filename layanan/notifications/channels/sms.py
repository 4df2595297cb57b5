"""SMS through Twilio, with its official SDK (docs/adr/0011-message-channels.md).

Each message is created with a `status_callback` to /webhooks/sms/status/, where Twilio
reports it sent, delivered or failed. `TWILIO_API_BASE` sends the SDK's requests to another
host (a local server that speaks the same API in the tests and the demo): the SDK always
names https://api.twilio.com, so its HTTP client rewrites that prefix.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from layanan.lib.links import absolute_url
from layanan.notifications.channels import ProviderRefused, TryLater, Undeliverable

if TYPE_CHECKING:
    from twilio.http.response import Response

    from layanan.notifications.models import Message

TWILIO_HOST = "https://api.twilio.com"
# The SDK logs every request and response at INFO; ours say what matters (jobs.py).
QUIET_LOGGER = logging.getLogger("layanan.notifications.twilio")
QUIET_LOGGER.setLevel(logging.WARNING)
TIMEOUT = 10.0  # seconds
STATUS_CALLBACK_PATH = "/webhooks/sms/status/"

# Twilio's error codes (https://www.twilio.com/docs/api/errors) and what they mean for a row;
# any other refusal is the installation's problem, said loudly.
UNDELIVERABLE_CODES = {
    21211,  # the 'To' number is not a valid phone number
    21408,  # no permission to send to this region
    21610,  # the recipient replied STOP to our sender
    21612,  # the 'To' number cannot be reached from this sender
    21614,  # the 'To' number is not a mobile number
    30003,  # unreachable handset
    30005,  # unknown destination handset
    30006,  # landline or unreachable carrier
}
LATER_CODES = {
    20429,  # too many requests
    20500,  # internal server error
    20503,  # service unavailable
    30001,  # queue overflow
}


class RelocatedHttpClient(TwilioHttpClient):
    """The SDK's client with a short timeout, sending to `TWILIO_API_BASE`."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=TIMEOUT, logger=QUIET_LOGGER)
        self.base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_HOST) and self.base != TWILIO_HOST:
            url = self.base + url[len(TWILIO_HOST) :]
        return super().request(method, url, *args, **kwargs)


def error_of(error: TwilioRestException) -> Exception:
    detail = str(error.msg or f"HTTP {error.status}").removeprefix("Unable to create record: ")
    label = str(error.code or error.status)
    if error.code in UNDELIVERABLE_CODES:
        return Undeliverable(detail, code=label)
    if error.code in LATER_CODES or error.status == 429 or error.status >= 500:
        return TryLater(detail, code=label)
    return ProviderRefused(detail, code=label)


class TwilioSms:
    name = "sms"
    max_attempts: int | None = 5

    def client(self) -> Client:
        return Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=RelocatedHttpClient(settings.TWILIO_API_BASE),
        )

    def send(self, message: Message, *, text: str | None = None) -> str:
        """Send one row; returns Twilio's message SID (SM…)."""
        sender: dict[str, str] = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM}
        )
        try:
            created = self.client().messages.create(
                to=message.recipient,
                body=message.body if text is None else text,
                status_callback=absolute_url(STATUS_CALLBACK_PATH),
                **sender,
            )
        except TwilioRestException as error:
            raise error_of(error) from error
        except requests.RequestException as error:
            raise TryLater(f"{type(error).__name__}: {error}") from error
        except TwilioException as error:  # the SDK's own complaint, e.g. no credentials
            raise ProviderRefused(str(error)) from error
        return str(created.sid or "")
