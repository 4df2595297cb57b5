"""Resetting a password with a one-time code sent to the phone by WhatsApp or SMS: the way back
in for a citizen who has a phone number and perhaps no email address (docs/account-recovery.md).

The rules:

- only a citizen's account with a phone number gets a code, never an officer's (a code sent to
  a number an officer's account names would be a way round their second factor; the same
  reasoning as the counter's setup codes, citizens.actions.may_get_setup_code);
- a request for a number without such an account is answered exactly as one with it, and
  costs the same hashing, so that the answer does not tell who has an account;
- the code is 6 digits, only its salted hash is stored, it works once (claimed with a
  conditional update), for `PhoneCode.VALID_FOR`, for at most `PhoneCode.MAX_TRIES` wrong
  guesses, and only the newest code of an account works;
- the message is sent while the person waits (through the `LAYANAN_PHONE_CODE_SENDER` hook:
  `accounts` sits below `notifications`), and the code row is written only once the provider
  took it: a provider that is down leaves nothing behind but the failed outbox row, and the
  page offers the other channel.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, PhoneCode, User
from layanan.accounts.one_time_codes import CodeRefused, check_new_password, set_password_with_code
from layanan.accounts.second_factor import is_officer
from layanan.lib.phone import try_normalise

CODE_DIGITS = 6
PHONE_CHANNELS = ("whatsapp", "sms")
# Earlier codes looked at to tell "a newer code was sent" from "wrong".
CODES_CHECKED = 3
# Hashed once at import: an unknown number is checked against it, so that it costs the same.
_NOBODY = make_password(secrets.token_hex(8))

Sender = Callable[..., bool]


def account_for_phone(phone: str) -> User | None:
    """The active citizen account whose phone number `phone` is (in any usual writing) and
    that may reset its password by phone; None for anybody else, officers included."""
    number = try_normalise(phone)
    if number is None:
        return None
    user = User.objects.filter(phone=number, is_active=True).first()
    if user is None or is_officer(user):
        return None
    return user


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_message(*, code: str, language: str) -> str:
    """The text sent, short and in the person's language of messages."""
    with translation.override(language):
        return _(
            "Your %(site)s code: %(code)s. Valid for %(minutes)d minutes. Do not give it to anyone."
        ) % {
            "site": settings.LAYANAN_SITE_NAME,
            "code": code,
            "minutes": int(PhoneCode.VALID_FOR.total_seconds() // 60),
        }


def sender() -> Sender:
    found: Sender = import_string(settings.LAYANAN_PHONE_CODE_SENDER)
    return found


class CodeNotSent(Exception):
    """The provider of `channel` did not take the message; nothing was written."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.channel = channel


def send_reset_code(*, phone: str, channel: str) -> None:
    """Send a new code to `phone` by `channel` ("whatsapp" or "sms") when a citizen's account
    has the number; do nothing, at the same hashing cost, when none has. Raises `CodeNotSent`
    when the provider refused or failed: the code was not stored and older codes still work."""
    if channel not in PHONE_CHANNELS:
        raise ValueError(f"send_reset_code: unknown channel {channel!r}")
    code = new_code()
    code_hash = make_password(code)
    user = account_for_phone(phone)
    if user is None:
        return
    text = code_message(code=code, language=user.message_language)
    stored = code_message(code="•" * CODE_DIGITS, language=user.message_language)
    if not sender()(user=user, channel_name=channel, text=text, stored=stored, code=code):
        raise CodeNotSent(channel)
    with transaction.atomic():
        moment = timezone.now()
        PhoneCode.objects.filter(user=user, used_at__isnull=True, replaced_at__isnull=True).update(
            replaced_at=moment
        )
        PhoneCode.objects.create(
            user=user,
            channel=channel,
            sent_to=user.phone,
            code_hash=code_hash,
            issued_at=moment,
            expires_at=moment + PhoneCode.VALID_FOR,
        )
        record_account_event(
            user=user, actor=None, kind=AccountEvent.Kind.PHONE_CODE_SENT, note=channel
        )


def not_sent_message(channel: str) -> str:
    """What to do when the provider of `channel` did not take the code: try the other one."""
    if channel == "whatsapp":
        return _(
            "We could not send the code by WhatsApp just now. Choose SMS and try again, or "
            "try again later."
        )
    return _(
        "We could not send the code by SMS just now. Choose WhatsApp and try again, or try "
        "again later."
    )


REFUSALS = {
    "wrong": gettext_lazy("The code is not correct. Check the last code we sent you"),
    "used": gettext_lazy("This code was already used. Ask for a new code"),
    "replaced": gettext_lazy("A newer code was sent to you: use the latest one"),
    "expired": gettext_lazy("This code has expired (it works for 10 minutes). Ask for a new code"),
    "exhausted": gettext_lazy(
        "This code was typed wrongly too many times and no longer works. Ask for a new code"
    ),
}


def _refused(state: str) -> CodeRefused:
    return CodeRefused(state, "code", str(REFUSALS[state]))


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def reset_password_by_phone(*, phone: str, code: str, password: str) -> User:
    """Set the password of the citizen whose number `phone` is, with the newest code sent to it.

    A wrong guess is counted on the newest code even though the call fails; success marks the
    code used with a conditional update (two requests with one code cannot both succeed), sets
    the password, revokes every API token and clears the account's sign-in limits."""
    user = account_for_phone(phone)
    typed = _digits(code)
    if user is None or len(typed) != CODE_DIGITS:
        check_password(typed, _NOBODY)
        raise _refused("wrong")
    moment = timezone.now()
    # only codes sent to the number the account has now: a code that went to its former
    # number opens nothing
    recent = list(
        PhoneCode.objects.filter(user=user, sent_to=user.phone).order_by("-issued_at")[
            :CODES_CHECKED
        ]
    )
    if not recent:
        check_password(typed, _NOBODY)
        raise _refused("wrong")
    newest = recent[0]
    state = newest.state_at(moment)
    if state != "usable":
        raise _refused(state)
    if not check_password(typed, newest.code_hash):
        PhoneCode.objects.filter(pk=newest.pk).update(wrong_tries=F("wrong_tries") + 1)
        if any(check_password(typed, older.code_hash) for older in recent[1:]):
            raise _refused("replaced")
        raise _refused("exhausted" if newest.wrong_tries + 1 >= PhoneCode.MAX_TRIES else "wrong")
    check_new_password(password, user)
    with transaction.atomic():
        claimed = PhoneCode.objects.filter(
            pk=newest.pk,
            used_at__isnull=True,
            replaced_at__isnull=True,
            expires_at__gt=moment,
            wrong_tries__lt=PhoneCode.MAX_TRIES,
        ).update(used_at=moment)
        if claimed != 1:
            raise _refused("used")
        set_password_with_code(
            user,
            password,
            kind=AccountEvent.Kind.PASSWORD_RESET_BY_PHONE,
            reason="password reset by phone",
            note=newest.channel,
        )
    return user
