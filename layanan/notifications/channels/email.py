"""Email: Django's mail (settings.EMAIL_BACKEND), the whole text with its subject."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from layanan.notifications.models import Message


def message_id_header(message: Message) -> str:
    """The Message-ID of an outbox row, the same at every attempt: sending is at least once (a
    worker killed between the mail server's acceptance and the `sent` mark sends it again ten
    minutes later), and receiving mail systems and clients drop a second copy by this header."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
    return f"<outbox.{message.pk}.{int(message.created_at.timestamp())}@{domain}>"


class EmailChannel:
    name = "email"
    max_attempts = None  # a mail server that is down comes back: wait for it

    def send(self, message: Message, *, text: str | None = None) -> str:
        """Any failure of the mail server is raised as it is: the sender tries again later."""
        header = message_id_header(message)
        EmailMessage(
            message.subject,
            message.body if text is None else text,
            to=[message.recipient],
            headers={"Message-ID": header},
        ).send()
        return header
