"""Writing the account audit trail. Apps that change an account (citizens: sign-up, profile)
call `record_account_event` in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from layanan.accounts.models import AccountEvent, User


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
