from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from layanan.accounts.models import User


class UsernameEmailOrPhoneBackend(ModelBackend):
    """Sign in with the username, the email address or the phone number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        login = username.strip()
        if len(login) > 254 or len(password) > 4096:
            # Longer than any address, number or name we store (and SQLite refuses very long
            # LIKE patterns): no such user.
            User().set_password(password[:4096])
            return None
        match = Q(username__iexact=login) | Q(email__iexact=login)
        if login.lstrip("+").isdigit():
            match |= Q(phone=login)
        users = list(User.objects.filter(match)[:2])
        if len(users) != 1:
            # Unknown or ambiguous: run the hasher anyway so timing does not tell which.
            User().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
