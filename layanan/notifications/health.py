"""Whether each channel's provider takes our messages, kept loudly.

A provider that refuses the installation itself (`channels.ProviderRefused`: an expired token,
a wrong number id) marks its channel failing: the administrators are told once by email
(settings.ADMINS and the superusers with an address) and in the error log, and /sehat/ shows the
channel failing with its last error until a send on it succeeds again. Nothing stops silently.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from layanan.accounts.models import User
from layanan.notifications.models import ChannelHealth

logger = logging.getLogger("layanan.notifications")

# A phone number in a provider's error text ("The number +62812… is unverified"): /sehat/ is
# public, so such a run of digits is cut out of what it shows.
_NUMBER = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def without_numbers(text: str) -> str:
    return _NUMBER.sub("…", text)


def administrators() -> list[str]:
    addresses = [address for _name, address in settings.ADMINS]
    addresses += (
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(set(addresses))


def refused(channel_name: str, error: Exception) -> None:
    """The provider refused the installation: mark the channel failing and alert once."""
    moment = timezone.now()
    with transaction.atomic():
        health, _created = ChannelHealth.objects.select_for_update().get_or_create(
            channel=channel_name
        )
        first = health.ok  # the administrators hear of a failure once, when it starts
        health.ok = False
        health.failing_since = health.failing_since or moment
        health.last_error = without_numbers(str(error))[:1000]
        health.save()
    logger.error("the %s provider refuses our messages: %s", channel_name, error)
    if first and channel_name != "email":
        alert(channel_name, error)


def alert(channel_name: str, error: Exception) -> None:
    """Tell the administrators by email (a failing email channel is only in the log and on
    /sehat/: a mail about it would not arrive)."""
    recipients = administrators()
    if not recipients:
        logger.error(
            "no administrator has an email address to alert of the %s failure", channel_name
        )
        return
    try:
        send_mail(
            f"[Layanan] {channel_name}: messages are not going out",
            (
                f"The {channel_name} provider refuses the messages of this installation:\n\n"
                f"  {error}\n\n"
                "Messages on this channel are kept, tried again with a growing pause, and fall "
                "back to the next channel each citizen allows after the last try. Renew the "
                f"credentials (docs/channels.md); /sehat/ shows {channel_name} failing until a "
                "message goes out again."
            ),
            None,
            recipients,
        )
    except Exception:
        logger.exception("the alert of the %s failure could not be mailed", channel_name)


def succeeded(channel_name: str) -> None:
    """A send went through: a failing channel is healthy again. A read first, so that the
    usual case (healthy already) writes nothing on the send's path."""
    failing = ChannelHealth.objects.filter(channel=channel_name, ok=False)
    if failing.exists() and failing.update(ok=True, failing_since=None):
        logger.warning("the %s provider takes our messages again", channel_name)


def report() -> dict[str, dict[str, object]]:
    """Every configured channel: which class sends by it (the console until a provider is
    configured), whether its provider takes our messages, since when it fails and why."""
    rows = {row.channel: row for row in ChannelHealth.objects.all()}
    states: dict[str, dict[str, object]] = {}
    for name, dotted in sorted(settings.LAYANAN_CHANNELS.items()):
        row = rows.get(name)
        failing = row is not None and not row.ok
        states[name] = {
            "ok": not failing,
            "via": dotted.rpartition(".")[2],
            "failing_since": row.failing_since.isoformat()
            if failing and row is not None and row.failing_since
            else None,
            "last_error": row.last_error if failing and row is not None else "",
        }
    return states
