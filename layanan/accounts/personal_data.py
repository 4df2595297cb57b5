"""The account's part of the citizen's rights (the contract is in `layanan.lib.data_rights`):
what the account row and its history hold, and what closing the account erases here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from layanan.accounts.models import AccountEvent, ApiToken, User
from layanan.lib.data_rights import plain
from layanan.lib.phone import national


def export_section(citizen: User) -> dict[str, Any]:
    """The account: names and contacts, sign-in facts, API tokens (never their secret), and
    every recorded change to the account."""
    return {
        "account": {
            "username": citizen.username,
            "full_name": citizen.full_name,
            "email": citizen.email,
            "phone": citizen.phone,
            "date_joined": plain(citizen.date_joined),
            "last_login": plain(citizen.last_login),
            "is_active": citizen.is_active,
            "two_step_verification": TOTPDevice.objects.filter(
                user=citizen, confirmed=True
            ).exists(),
            "api_tokens": [
                {
                    "label": token.label,
                    "created_at": plain(token.created_at),
                    "last_used_at": plain(token.last_used_at),
                    "expires_at": plain(token.expires_at),
                    "revoked_at": plain(token.revoked_at),
                }
                for token in ApiToken.objects.filter(user=citizen).order_by("created_at")
            ],
            "events": [
                {
                    "at": plain(event.at),
                    "kind": event.kind,
                    "what": str(AccountEvent.Kind(event.kind).label)
                    if event.kind in AccountEvent.Kind.values
                    else event.kind,
                    "fields": event.fields,
                    "by_self": event.actor_id == citizen.pk,
                }
                for event in AccountEvent.objects.filter(user=citizen).order_by("at", "id")
            ],
        }
    }


def contact_strings(citizen: User) -> list[str]:
    """The citizen's name, email and phone (in the ways it is written), for finding them in
    records that hold them as free text."""
    found = [citizen.full_name, citizen.email, citizen.phone]
    if citizen.phone:
        found.append(national(citizen.phone))
        found.append(national(citizen.phone).replace("-", ""))
    if "@" in citizen.username or citizen.username.startswith("+"):
        found.append(citizen.username)
    return [text for text in dict.fromkeys(found) if text and len(text) >= 4]


def erase(citizen: User, *, at: dt.datetime) -> None:
    """Second-factor devices go; tokens stay revoked (the closure revokes them) as the record
    of their use; results of queued tasks that carried the citizen's address (account mail)
    are deleted, since they copy the address and the message."""
    TOTPDevice.objects.filter(user=citizen).delete()
    StaticDevice.objects.filter(user=citizen).delete()
    ApiToken.objects.filter(user=citizen).update(label="")
    # A scan of the task results (kept 14 days, 90 when failed), once per closure: no index
    # finds an address inside a task's arguments.
    wanted = Q()
    for text in contact_strings(citizen):
        wanted |= Q(args_kwargs__icontains=text)
    if wanted:
        DBTaskResult.objects.filter(wanted).delete()
