"""Saving what a citizen tells about themselves on the profile page and in `PATCH /api/v1/me`:
the profile's attributes and, with them, the channels and language of their messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, User
from layanan.accounts.nik_store import nik_hash
from layanan.citizens.actions_channels import set_message_channels
from layanan.citizens.models import Profile
from layanan.lib.phone import normalise

USER_ATTRIBUTES = ("full_name", "email", "phone")
PROFILE_COLUMNS = ("nik", "kk_number", "birth_place", "birth_date", "address", "region_code")


@transaction.atomic
def update_profile(*, citizen: User, by: User, **values: Any) -> list[str]:
    """Save what the citizen tells about themselves (any of `USER_ATTRIBUTES` and
    `PROFILE_COLUMNS`, already checked by `forms.ProfileForm`; those not given stay as they
    are); return the names of the fields that changed (nothing is written, and no audit row
    made, when none did).

    Only the citizen changes their own profile; nobody else has a page for it. An application
    already filled from the profile keeps its answers: the profile is not the application."""
    if by.pk != citizen.pk:
        raise PermissionDenied
    unknown = set(values) - set(USER_ATTRIBUTES) - set(PROFILE_COLUMNS)
    if unknown:
        raise TypeError(f"update_profile: unknown fields {sorted(unknown)}")
    if "phone" in values:
        values["phone"] = normalise(values["phone"]) if values["phone"].strip() else ""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=citizen)
    changed_user = [
        name
        for name in USER_ATTRIBUTES
        if name in values and getattr(citizen, name) != values[name]
    ]
    changed_profile = [
        name
        for name in PROFILE_COLUMNS
        if name in values and getattr(profile, name) != values[name]
    ]
    if changed_user:
        for name in changed_user:
            setattr(citizen, name, values[name])
        citizen.save(update_fields=changed_user)
    if changed_profile:
        for name in changed_profile:
            setattr(profile, name, values[name])
        written = list(changed_profile)
        if "nik" in changed_profile:
            profile.nik_hash = nik_hash(values["nik"])
            written.append("nik_hash")
        profile.save(update_fields=[*written, "updated_at"])
    changed = changed_user + changed_profile
    if changed:
        record_account_event(
            user=citizen, actor=by, kind=AccountEvent.Kind.PROFILE_CHANGED, fields=changed
        )
    return changed


@transaction.atomic
def save_profile(
    *,
    citizen: User,
    by: User,
    values: dict[str, Any],
    channels: Iterable[str] | None,
    language: str = "",
) -> list[str]:
    """The profile page's one form: the profile, then the channels (when given) checked
    against the contact details just saved; all or nothing."""
    changed = update_profile(citizen=citizen, by=by, **values)
    if channels is None:
        return changed
    return changed + set_message_channels(
        citizen=citizen, by=by, channels=channels, language=language
    )
