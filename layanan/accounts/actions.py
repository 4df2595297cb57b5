"""Writing the account audit trail, the access log and the second factor's changes. Apps that
change an account (citizens: sign-up, profile) call `record_account_event` in the same
transaction as the change; every page that shows somebody's personal data to somebody else
calls `record_reads`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.models import AccountEvent, DataAccess, User
from layanan.accounts.second_factor import (
    APP_DEVICE_NAME,
    DEMO_KEY,
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    normalise_code,
)


def record_account_event(
    *,
    user: User,
    actor: User | None,
    kind: AccountEvent.Kind,
    fields: Iterable[str] = (),
    note: str = "",
) -> AccountEvent:
    """An audit row naming the changed fields (never their values)."""
    return AccountEvent.objects.create(
        user=user, actor=actor, kind=kind, fields=sorted(fields), note=note, at=timezone.now()
    )


def record_reads(
    *, reader: User, place: DataAccess.Place, shown: Iterable[tuple[int, str]], what: str = ""
) -> int:
    """`reader` was shown the data of several people at `place`: `shown` holds (person id,
    tracking number or "") for each row of the page. One access-log row per person and
    application, all in one insert, so that a list page does not make a query per row. A
    person looking at their own data is not recorded. Returns how many rows were written."""
    at = timezone.now()
    seen: dict[tuple[int, str], None] = {}
    for pk, number in shown:
        if pk != reader.pk:
            seen[(pk, number)] = None
    rows = [
        DataAccess(
            citizen_id=pk,
            reader=reader,
            place=place,
            what=what[:200],
            application_number=number,
            at=at,
        )
        for pk, number in seen
    ]
    DataAccess.objects.bulk_create(rows)
    return len(rows)


def record_read(
    *,
    reader: User,
    citizen: User,
    place: DataAccess.Place,
    what: str = "",
    application_number: str = "",
) -> int:
    """`reader` was shown `citizen`'s data at `place` (see `record_reads`)."""
    return record_reads(
        reader=reader, place=place, shown=[(citizen.pk, application_number)], what=what
    )


class SecondFactorRefused(Exception):
    """The code did not confirm the app, or the device cannot be used."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def start_enrolment(*, user: User) -> TOTPDevice:
    """A new, unconfirmed app device with a fresh random key (django-otp's default: 20 random
    bytes, so never the demo key); earlier unconfirmed ones are dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_second_factor(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Turn the second factor on with the first code the app shows; return the new recovery
    codes (shown once; earlier app devices and recovery codes of the account are replaced)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.key.lower() == DEMO_KEY:
        # The demo secret is public: only the demo loader installs it (portal.demo_data).
        raise SecondFactorRefused(_("This key is published and cannot protect an account."))
    if device.confirmed:
        raise SecondFactorRefused(_("This app is already set up. Sign in with its code."))
    typed = normalise_code(code)
    if not (typed.isdigit() and device.verify_token(typed)):
        raise SecondFactorRefused(
            _("The code is not correct. Enter the 6 digits the app shows now")
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    record_account_event(user=user, actor=user, kind=AccountEvent.Kind.SECOND_FACTOR_ENABLED)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_second_factor(*, user: User, actor: User, note: str = "") -> int:
    """Delete the account's app and recovery codes: the owner turning it off (citizens), or an
    administrator resetting a lost phone (the officer enrols again at the next sign-in)."""
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    removed_codes, _detail = StaticDevice.objects.filter(user=user).delete()
    if removed or removed_codes:
        record_account_event(
            user=user, actor=actor, kind=AccountEvent.Kind.SECOND_FACTOR_REMOVED, note=note
        )
    return removed


def record_recovery_code_used(*, user: User) -> None:
    record_account_event(user=user, actor=user, kind=AccountEvent.Kind.RECOVERY_CODE_USED)


@transaction.atomic
def install_demo_second_factor(*, user: User) -> bool:
    """The demo loader's own way to give a demo officer the published demo key; nothing else
    calls it. Returns whether something changed."""
    device = TOTPDevice.objects.filter(user=user, key=DEMO_KEY, confirmed=True).first()
    if device is not None:
        return False
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="demo", key=DEMO_KEY, confirmed=True)
    return True
