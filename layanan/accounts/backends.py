from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from layanan.accounts.identifiers import MAX_IDENTIFIER_LENGTH, find_user_by_identifier
from layanan.accounts.models import User


class UsernameEmailOrPhoneBackend(ModelBackend):
    """Sign in with the user name, the email address or the phone number in any writing
    (see accounts.identifiers)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        if len(username.strip()) > MAX_IDENTIFIER_LENGTH or len(password) > 4096:
            User().set_password(password[:4096])
            return None
        user = find_user_by_identifier(username)
        if user is None:
            # Unknown or ambiguous: run the hasher anyway so timing does not tell which.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
