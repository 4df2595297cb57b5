"""Setting a password with a one-time code (the code sent to the phone, accounts.phone_reset;
the code printed at the counter, citizens.actions): what both refuse and what both do once a
code is accepted."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from layanan.accounts import throttle
from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, User
from layanan.accounts.tokens import revoke_all_tokens


class CodeRefused(Exception):
    """`field` names the form field the message belongs to; `code` says why for machines:
    wrong, used, replaced, expired, exhausted (phone codes), password."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


def check_new_password(password: str, user: User) -> None:
    """Django's password validators, their complaints refused under `password1`."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as problems:
        raise CodeRefused("password", "password1", " ".join(problems.messages)) from None


def set_password_with_code(
    user: User, password: str, *, kind: AccountEvent.Kind, reason: str, note: str = ""
) -> None:
    """The code proved the owner (call it in the transaction that marked the code used): the
    new password, an audit row, every API token revoked and the account's sign-in limits
    cleared, as the emailed reset link does."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_account_event(user=user, actor=user, kind=kind, fields=["password"], note=note)
    revoke_all_tokens(user=user, actor=user, reason=reason)
    throttle.clear_account(user)
