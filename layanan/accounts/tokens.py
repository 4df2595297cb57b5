"""Issuing, checking and revoking API bearer tokens.

A token lives `LAYANAN_TOKEN_DAYS` days for a citizen and `LAYANAN_OFFICER_TOKEN_HOURS` hours
for an officer or staff member (a stolen officer token is worth more, so it dies sooner). It
is revoked by its owner (profile page, `POST /api/v1/auth/logout`) and, all together, when the
password changes; a token issued under an earlier password is refused even if the change
came through a way that did not revoke it (the admin, `layanan changepassword`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, ApiToken, User
from layanan.accounts.second_factor import is_officer
from layanan.agencies.models import OfficerRole

LABEL_LENGTH = 100


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime_for(user: User) -> dt.timedelta:
    return lifetime(officer=is_officer(user))


def lifetime(*, officer: bool) -> dt.timedelta:
    if officer:
        return dt.timedelta(hours=settings.LAYANAN_OFFICER_TOKEN_HOURS)
    return dt.timedelta(days=settings.LAYANAN_TOKEN_DAYS)


@transaction.atomic
def issue_token(user: User, *, label: str = "") -> tuple[str, ApiToken]:
    """A new token (returned once, in clear) and its row."""
    token = secrets.token_urlsafe(32)
    moment = timezone.now()
    row = ApiToken.objects.create(
        user=user,
        key_hash=digest(token),
        label=label.strip()[:LABEL_LENGTH],
        password_digest=digest(user.password),
        expires_at=moment + lifetime_for(user),
    )
    record_account_event(
        user=user, actor=user, kind=AccountEvent.Kind.TOKEN_ISSUED, note=f"#{row.pk} {row.label}"
    )
    return token, row


def token_row(token: str) -> ApiToken | None:
    """The usable row of `token`: not expired, not revoked, the owner active, still on the
    password the token was issued under and not issued for longer than the owner's lifetime.
    Notes the use (at most every five minutes)."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    # Whether the owner holds an officer role is read with the token, in the same query
    # (`second_factor.is_officer` would ask again on every API request).
    row = (
        ApiToken.objects.select_related("user")
        .annotate(owner_has_role=Exists(OfficerRole.objects.filter(user_id=OuterRef("user_id"))))
        .filter(key_hash=digest(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if not secrets.compare_digest(row.password_digest, digest(row.user.password)):
        return None
    owner = row.user
    officer = bool(owner.is_staff or owner.is_superuser or row.owner_has_role)
    if row.expires_at - row.created_at > lifetime(officer=officer):
        # Issued for longer than the owner may hold one now (a citizen made an officer since):
        # the token goes, and an officer's short token, with a code, is needed.
        return None
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def user_for_token(token: str) -> User | None:
    row = token_row(token)
    return row.user if row else None


def active_tokens(user: User) -> list[ApiToken]:
    """The tokens the profile lists: usable now, newest first."""
    return list(
        ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at", "-id")
    )


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User) -> bool:
    """Revoke one token; False when it was already revoked (nothing written)."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed:
        record_account_event(
            user=token.user,
            actor=actor,
            kind=AccountEvent.Kind.TOKEN_REVOKED,
            note=f"#{token.pk} {token.label}",
        )
    return bool(changed)


def revoke_all_tokens(*, user: User, actor: User | None, reason: str) -> int:
    """Revoke every token of `user` (a password change); one audit row naming how many.
    Call inside the transaction that changes the password."""
    changed = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed:
        record_account_event(
            user=user,
            actor=actor,
            kind=AccountEvent.Kind.TOKEN_REVOKED,
            note=f"{changed} × {reason}",
        )
    return changed
