"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from layanan.accounts.models import ApiToken, User

TOKEN_LIFETIME = dt.timedelta(days=30)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=digest(token))
    return token


def user_for_token(token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(token), created_at__gte=timezone.now() - TOKEN_LIFETIME)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
