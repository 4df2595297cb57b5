"""Messages in the citizen's rights (the contract is in `layanan.lib.data_rights`): the
messages sent to the citizen, and at closure their address and text erased (the row stays,
so the outbox still shows that a message was sent, when and about which application)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from layanan.accounts.models import User
from layanan.accounts.personal_data import contact_strings
from layanan.lib.data_rights import plain
from layanan.notifications.models import Message


def messages_of(citizen: User) -> QuerySet[Message]:
    addresses = [text for text in (citizen.email, citizen.phone) if text]
    return Message.objects.filter(
        Q(application__applicant=citizen)
        | Q(complaint__complainant=citizen)
        | Q(recipient__in=addresses)
    )


def export_section(citizen: User) -> dict[str, Any]:
    return {
        "messages": [
            {
                "channel": message.channel,
                "recipient": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "status": message.status,
                "sent_at": plain(message.sent_at),
            }
            for message in messages_of(citizen).order_by("pk")
        ]
    }


def erase(citizen: User, *, at: dt.datetime) -> None:
    messages_of(citizen).update(recipient="", body="", last_error="")
    # A message about somebody else's case may still name the citizen (a counter officer's
    # mail); its text goes too. This reads the whole outbox, once per closure: closures are
    # rare, and no index can find a name inside free text.
    named = Q()
    for text in contact_strings(citizen):
        named |= Q(body__icontains=text) | Q(subject__icontains=text)
    Message.objects.filter(named).update(subject="", body="", last_error="")
