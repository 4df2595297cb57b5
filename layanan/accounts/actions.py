"""Writing the account audit trail, the access log and the second factor's changes. Apps that
change an account (citizens: sign-up, profile) call `record_account_event` in the same
transaction as the change; every page that shows somebody's personal data to somebody else
calls `record_reads`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.access_log import PLACE_PURPOSE
from layanan.accounts.models import CHANNEL_FLAGS, AccountEvent, DataAccess, User
from layanan.accounts.second_factor import (
    APP_DEVICE_NAME,
    DEMO_KEY,
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    normalise_code,
)
from layanan.agencies.models import OfficerRole, Unit


def switch_channel(
    *, user: User, channel: str, on: bool, kind: AccountEvent.Kind, note: str = ""
) -> bool:
    """Turn one of `user`'s message channels on or off by their own request (a reply BERHENTI
    or MULAI), with an audit row; False when it already was."""
    flag = CHANNEL_FLAGS[channel]
    if getattr(user, flag) == on:
        return False
    setattr(user, flag, on)
    user.save(update_fields=[flag])
    record_account_event(user=user, actor=user, kind=kind, fields=[flag], note=note)
    return True


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


def acting_for(reader: User, unit: Unit | None = None) -> dict[str, Any]:
    """For whom `reader` read, as the access-log row keeps it: the unit the call site names
    (the unit of the step, of the complaint), or else the units of the reader's roles: one
    unit, or the agency of several units (their names listed), or several agencies."""
    if unit is not None:
        agency = unit.agency
        return {
            "agency": agency,
            "unit": unit,
            "agency_name": (agency.short_name or agency.name)[:200],
            "unit_name": unit.name[:200],
        }
    units = {
        role.unit for role in OfficerRole.objects.filter(user=reader).select_related("unit__agency")
    }
    if len(units) == 1:
        return acting_for(reader, units.pop())
    agencies = {u.agency for u in units}
    if len(agencies) == 1:
        agency = agencies.pop()
        return {
            "agency": agency,
            "unit": None,
            "agency_name": (agency.short_name or agency.name)[:200],
            "unit_name": " / ".join(sorted(u.name for u in units))[:200],
        }
    names = sorted(a.short_name or a.name for a in agencies)
    return {"agency": None, "unit": None, "agency_name": ", ".join(names)[:200], "unit_name": ""}


def record_reads(
    *,
    reader: User,
    place: DataAccess.Place,
    shown: Iterable[tuple[int, str]],
    what: str = "",
    unit: Unit | None = None,
    purpose: DataAccess.Purpose | None = None,
    purpose_detail: str = "",
) -> int:
    """`reader` was shown the data of several people at `place`: `shown` holds (person id,
    tracking number or "") for each row of the page. One access-log row per person and
    application, all in one insert, so that a list page does not make a query per row. A
    person looking at their own data is not recorded. Returns how many rows were written.

    Each row keeps, as they are now, the agency and unit the reader acted for (`unit` when
    the call site knows it, else the reader's roles: see `acting_for`) and why (`purpose`,
    else the place's usual reason; `purpose_detail`: the step or complaint worked on)."""
    at = timezone.now()
    seen: dict[tuple[int, str], None] = {}
    for pk, number in shown:
        if pk != reader.pk:
            seen[(pk, number)] = None
    if not seen:
        return 0
    who = acting_for(reader, unit)
    why = purpose or PLACE_PURPOSE.get(place, DataAccess.Purpose.PROCESS)
    rows = [
        DataAccess(
            citizen_id=pk,
            reader=reader,
            place=place,
            what=what[:200],
            application_number=number,
            at=at,
            purpose=why,
            purpose_detail=purpose_detail[:200],
            **who,
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
    unit: Unit | None = None,
    purpose: DataAccess.Purpose | None = None,
    purpose_detail: str = "",
) -> int:
    """`reader` was shown `citizen`'s data at `place` (see `record_reads`)."""
    return record_reads(
        reader=reader,
        place=place,
        shown=[(citizen.pk, application_number)],
        what=what,
        unit=unit,
        purpose=purpose,
        purpose_detail=purpose_detail,
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
