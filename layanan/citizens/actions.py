"""Making and changing citizen accounts: online sign-up and the counter use the same action;
every change leaves an audit row in `accounts.AccountEvent` (field names, never values)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, User
from layanan.citizens.models import Profile
from layanan.lib.phone import normalise


@transaction.atomic
def register_citizen(
    *,
    full_name: str,
    email: str = "",
    phone: str = "",
    nik: str = "",
    address: str = "",
    password: str | None = None,
    by: User | None = None,
) -> User:
    """A citizen account signed in to by email or phone. Without a password (made at the
    counter) the citizen chooses one later with "forgotten password". `by` is the officer
    who made it at the counter; online the citizen makes it themselves.

    The phone number may be written in any usual way; it is stored in E.164 form
    (raises lib.phone.PhoneError when it is not an Indonesian number)."""
    phone = normalise(phone) if phone.strip() else ""
    user = User.objects.create_user(
        username=email or phone,
        email=email,
        phone=phone,
        full_name=full_name,
        password=password,  # None sets an unusable password
    )
    Profile.objects.create(user=user, nik=nik, address=address)
    given = {"full_name": full_name, "email": email, "phone": phone, "nik": nik, "address": address}
    record_account_event(
        user=user,
        actor=by or user,
        kind=AccountEvent.Kind.REGISTERED,
        fields=[name for name, value in given.items() if value],
    )
    return user


@transaction.atomic
def update_profile(
    *,
    citizen: User,
    by: User,
    full_name: str,
    email: str,
    phone: str,
    nik: str,
    address: str,
) -> list[str]:
    """Save what the citizen tells about themselves; return the names of the fields that
    changed (nothing is written, and no audit row made, when none did).

    Only the citizen changes their own profile; nobody else has a page for it."""
    if by.pk != citizen.pk:
        raise PermissionDenied
    phone = normalise(phone) if phone.strip() else ""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=citizen)
    on_user = {"full_name": full_name, "email": email, "phone": phone}
    on_profile = {"nik": nik, "address": address}
    changed_user = [name for name, value in on_user.items() if getattr(citizen, name) != value]
    changed_profile = [
        name for name, value in on_profile.items() if getattr(profile, name) != value
    ]
    if changed_user:
        for name in changed_user:
            setattr(citizen, name, on_user[name])
        citizen.save(update_fields=changed_user)
    if changed_profile:
        for name in changed_profile:
            setattr(profile, name, on_profile[name])
        profile.save(update_fields=[*changed_profile, "updated_at"])
    changed = changed_user + changed_profile
    if changed:
        record_account_event(
            user=citizen, actor=by, kind=AccountEvent.Kind.PROFILE_CHANGED, fields=changed
        )
    return changed
