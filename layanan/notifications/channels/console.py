"""WhatsApp and SMS on the console, for the demo and development (settings.LAYANAN_CHANNELS
when no provider is configured), as Django's console backend does for email."""

from __future__ import annotations

import sys
import threading
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from layanan.notifications.models import Message

_lock = threading.Lock()


class ConsoleChannel:
    name = ""
    max_attempts: int | None = 5

    def send(self, message: Message, *, text: str | None = None) -> str:
        provider_id = f"console.{uuid.uuid4().hex}"
        lines = [f"--- {self.name} to {message.recipient} ({provider_id})"]
        lines.append(message.body if text is None else text)
        for number, button in enumerate(message.buttons or [], start=1):
            lines.append(f"  [{number}] {button.get('title', '')}")
        with _lock:
            sys.stdout.write("\n".join(lines) + "\n\n")
            sys.stdout.flush()
        return provider_id


class ConsoleWhatsApp(ConsoleChannel):
    name = "whatsapp"


class ConsoleSms(ConsoleChannel):
    name = "sms"
