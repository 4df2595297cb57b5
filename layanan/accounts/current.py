"""The person a request is made by, typed as our `User` (one home for what every view needs)."""

from __future__ import annotations

from django.http import HttpRequest

from layanan.accounts.models import User


def user_of(request: HttpRequest) -> User:
    """`request.user` as a `User`; call it where a login is already required."""
    user: User = request.user  # type: ignore[assignment]
    return user
