"""Making citizen accounts: online sign-up and the counter use the same action."""

from __future__ import annotations

from django.db import transaction

from layanan.accounts.models import User
from layanan.citizens.models import Profile


@transaction.atomic
def register_citizen(
    *,
    full_name: str,
    email: str = "",
    phone: str = "",
    nik: str = "",
    address: str = "",
    password: str | None = None,
) -> User:
    """A citizen account signed in to by email or phone. Without a password (made at the
    counter) the citizen chooses one later with "forgotten password"."""
    user = User.objects.create_user(
        username=email or phone,
        email=email,
        phone=phone,
        full_name=full_name,
        password=password,  # None sets an unusable password
    )
    Profile.objects.create(user=user, nik=nik, address=address)
    return user
