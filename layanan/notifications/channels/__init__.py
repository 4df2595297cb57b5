"""The channels a message goes by: email, WhatsApp and SMS, each behind one small interface.

A channel sends one outbox row (`notifications.models.Message`) and returns the provider's id
of the sent message (matched later by its delivery callbacks), or raises one of the errors
below, which say what the sender does next:

- `TryLater`: the provider could not take it now (a timeout, a 5xx, a rate limit): the row is
  tried again after a backoff, and after the channel's last try it fails and falls back;
- `Undeliverable`: this recipient cannot get it by this channel (not on WhatsApp, a number
  that takes no SMS, an address refused): the row fails at once and falls back;
- `ProviderRefused`: the provider refuses the installation itself (an expired or revoked
  token, a wrong number id, a suspended account): as `TryLater` for the row, and the channel
  is marked failing, the administrators are alerted and /sehat/ shows it.

Which class implements a channel is a setting (`LAYANAN_CHANNELS`, name → dotted path), chosen
from environment variables in settings.py: the tests and the demo point them at local servers
or the console.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from layanan.notifications.models import Message


class ChannelError(Exception):
    """`code` is the provider's own error code when it gave one, for the row's last_error."""

    def __init__(self, detail: str, *, code: str = "") -> None:
        super().__init__(detail)
        self.detail, self.code = detail, code

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.code else self.detail


class TryLater(ChannelError):
    pass


class Undeliverable(ChannelError):
    pass


class ProviderRefused(ChannelError):
    pass


class Channel(Protocol):
    name: str
    # how many attempts before a row fails and falls back (email: never, the mail server
    # comes back; a phone channel falls back to the next channel the person allows)
    max_attempts: int | None

    def send(self, message: Message, *, text: str | None = None) -> str:
        """Send `message` (its `body`, or `text` when given: a one-time code is sent but never
        stored) and return the provider's message id ("" when the channel has none)."""
        ...


@cache
def _channel(name: str, dotted: str) -> Channel:
    channel: Channel = import_string(dotted)()
    return channel


def channel(name: str) -> Channel:
    """The configured implementation of channel `name` ("email", "whatsapp", "sms")."""
    return _channel(name, settings.LAYANAN_CHANNELS[name])
