"""A citizen's message channels (WhatsApp, SMS, email) and the language of their messages.

The choice is kept on the account (accounts.User.notify_*, language); notifications reads it
through `User.chosen_channels()`. The rules, the same on the profile page, in the API and at
the counter: WhatsApp and SMS go to the phone number on the account, email to its address, so
each needs that contact; and at least one channel must be chosen that can reach the person, or
the message says why none can. Every change is an AccountEvent CHANNELS_CHANGED naming the
fields, never their values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from layanan.accounts.actions import record_account_event
from layanan.accounts.models import CHANNEL_FLAGS, AccountEvent, User
from layanan.cases.actions import InvalidInput
from layanan.citizens.access import ensure_front_office

CHANNELS = tuple(CHANNEL_FLAGS)
LANGUAGES = ("id", "en")
PHONE_NAMES = {"whatsapp": "WhatsApp", "sms": "SMS"}


def channel_problems(
    channels: Iterable[str], *, phone: str, email: str, own: bool = True
) -> list[str]:
    """Why this choice cannot stand, in words for the person choosing (`own`) or for the
    officer choosing with them; [] when it can."""
    chosen = [name for name in CHANNELS if name in set(channels)]
    if not chosen:
        if own:
            return [_("Choose at least one way to receive messages: WhatsApp, SMS or email")]
        return [_("Choose at least one way for the citizen to receive messages")]
    problems = []
    by_phone = [name for name in chosen if name != "email"]
    if by_phone and not phone:
        named = _("WhatsApp and SMS") if len(by_phone) == 2 else PHONE_NAMES[by_phone[0]]
        if own:
            problems.append(
                _(
                    "Messages by %(channels)s need the mobile number on your account: enter "
                    "your mobile number, or untick %(channels)s"
                )
                % {"channels": named}
            )
        else:
            problems.append(
                _(
                    "Messages by %(channels)s need a mobile number and the citizen's account "
                    "has none: choose email, or the citizen adds their number in their profile"
                )
                % {"channels": named}
            )
    if "email" in chosen and not email:
        if own:
            problems.append(
                _(
                    "Messages by email need an email address on your account: enter your email "
                    "address, or untick Email"
                )
            )
        else:
            problems.append(
                _(
                    "Messages by email need an email address and the citizen's account has "
                    "none: choose WhatsApp or SMS"
                )
            )
    return problems


def unreachable_reason(user: User) -> str:
    """Why no message can reach `user` now ("" when one can): what the profile page says."""
    if user.chosen_channels():
        return ""
    if not (user.notify_whatsapp or user.notify_sms or user.notify_email):
        return _(
            "You receive no messages now: every channel is off (perhaps you replied BERHENTI). "
            "Choose at least one below."
        )
    return _(
        "You receive no messages now: the channels you chose need a mobile number or an email "
        "address that your account does not have. Add it, or choose another channel below."
    )


@transaction.atomic
def set_message_channels(
    *, citizen: User, by: User, channels: Iterable[str], language: str = ""
) -> list[str]:
    """Choose the channels (and, when given, the language) of `citizen`'s messages; by the
    citizen, or by a front-office officer with the citizen at the counter. Raises InvalidInput
    (under `channels`) when the choice cannot reach them. Returns the changed fields."""
    if by.pk != citizen.pk:
        ensure_front_office(by)
    chosen = set(channels)
    unknown = chosen - set(CHANNELS)
    if unknown or (language and language not in LANGUAGES):
        raise ValueError(f"set_message_channels: {sorted(unknown)} {language!r}")
    problems = channel_problems(
        chosen, phone=citizen.phone, email=citizen.email, own=by.pk == citizen.pk
    )
    if problems:
        raise InvalidInput(_("Check the message channels."), fields={"channels": problems})
    values: dict[str, Any] = {flag: name in chosen for name, flag in CHANNEL_FLAGS.items()}
    if language:
        values["language"] = language
    changed = [name for name, value in values.items() if getattr(citizen, name) != value]
    if changed:
        for name in changed:
            setattr(citizen, name, values[name])
        citizen.save(update_fields=changed)
        record_account_event(
            user=citizen, actor=by, kind=AccountEvent.Kind.CHANNELS_CHANGED, fields=changed
        )
    return changed
