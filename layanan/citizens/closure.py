"""Closing a citizen's account (UU 27/2022: the right to end processing and to have one's
data erased), from /profil/data/tutup/ or `POST /api/v1/me/close`.

In one transaction: every eraser named in settings.LAYANAN_PERSONAL_DATA_ERASERS runs (the
contract is in `layanan.lib.data_rights`; each app erases or anonymises its own records and
keeps only what docs/privacy.md lists as retained), the API tokens are revoked, the closure
is recorded as an account event, and the account row itself is anonymised last: no name,
email or phone, a user name that says only that it was closed, an unusable password, and
inactive — so it can sign in neither on the web (the password changed, so its sessions end)
nor through the API. The row stays because the records kept (applications in their archive
period, the events) point to it.

An officer's account is not closed this way (their roles and acts are the agency's records;
an administrator ends them), nor an account with an application under way: the citizen
withdraws it or waits for its decision first, so that no agency is left processing answers
that were erased.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from layanan.accounts import throttle
from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, User
from layanan.accounts.second_factor import is_officer
from layanan.accounts.tokens import revoke_all_tokens
from layanan.cases.models import OPEN_STATUSES, Application


class ClosureRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def closure_problem(citizen: User) -> str | None:
    """Why this account cannot be closed now, in the citizen's words; None when it can."""
    if is_officer(citizen):
        return _("This is an officer's account: an administrator of your agency closes it.")
    open_numbers = list(
        Application.objects.filter(applicant=citizen, status__in=OPEN_STATUSES)
        .order_by("number")
        .values_list("number", flat=True)[:10]
    )
    if open_numbers:
        return _(
            "These applications are still under way: %(numbers)s. Withdraw them, or wait "
            "for their decision, before closing your account."
        ) % {"numbers": ", ".join(open_numbers)}
    return None


def password_problem(request: HttpRequest, citizen: User, password: str) -> tuple[int, str] | None:
    """Whether `password` is the citizen's, counted by the sign-in attempt limit (a stolen
    session or token must not guess it): None when right, else (HTTP status, message)."""
    attempt = throttle.begin_sign_in(request, citizen)
    if attempt.refused:
        return 429, attempt.message()
    if not citizen.check_password(password):
        attempt.failed()
        return 400, _("The password is not right.")
    attempt.succeeded()
    return None


def close_account(*, citizen: User, at: dt.datetime | None = None) -> User:
    """Erase the citizen's personal data and close the account (see the module's text).
    The password has been checked by the caller."""
    moment = at or timezone.now()
    with transaction.atomic():
        citizen = User.objects.select_for_update().get(pk=citizen.pk)
        problem = closure_problem(citizen)
        if problem:
            raise ClosureRefused(problem)
        for path in settings.LAYANAN_PERSONAL_DATA_ERASERS:
            import_string(path)(citizen, at=moment)
        revoke_all_tokens(user=citizen, actor=citizen, reason="account closed")
        citizen.username = f"tutup-{citizen.pk}"
        citizen.full_name = ""
        citizen.first_name = ""
        citizen.last_name = ""
        citizen.email = ""
        citizen.phone = ""
        citizen.is_active = False
        citizen.set_unusable_password()
        citizen.save(
            update_fields=[
                "username",
                "full_name",
                "first_name",
                "last_name",
                "email",
                "phone",
                "is_active",
                "password",
            ]
        )
        record_account_event(user=citizen, actor=None, kind=AccountEvent.Kind.ACCOUNT_CLOSED)
    return citizen
