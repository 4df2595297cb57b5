"""`layanan check --deploy` warns of message channels that would not reach anyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

CONSOLE = "layanan.notifications.channels.console."
NEEDS = {
    "whatsapp": ("WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID", "layanan.notifications.W001"),
    "sms": ("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM", "layanan.notifications.W002"),
}


@register(Tags.compatibility, deploy=True)
def channels_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A channel still on the console prints citizens' messages to the server's log instead
    of sending them; a WhatsApp channel without its webhook secrets cannot hear replies."""
    warnings: list[CheckMessage] = []
    for name, (needs, check_id) in NEEDS.items():
        if settings.LAYANAN_CHANNELS.get(name, "").startswith(CONSOLE):
            warnings.append(
                Warning(
                    f"{name} messages are printed on the console, not sent",
                    hint=f"Set {needs} (docs/channels.md), or tell citizens not to choose it.",
                    id=check_id,
                )
            )
    if not settings.LAYANAN_CHANNELS.get("whatsapp", "").startswith(CONSOLE) and not (
        settings.WHATSAPP_APP_SECRET and settings.WHATSAPP_VERIFY_TOKEN
    ):
        warnings.append(
            Warning(
                "WhatsApp sends, but its webhook refuses every call: replies, STATUS questions "
                "and delivery reports are lost",
                hint=(
                    "Set WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN (docs/messages-by-phone.md)."
                ),
                id="layanan.notifications.W003",
            )
        )
    return warnings
