from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from layanan.accounts import throttle
from layanan.accounts.identifiers import MAX_IDENTIFIER_LENGTH, find_user_by_identifier
from layanan.accounts.models import User


class UsernameEmailOrPhoneBackend(ModelBackend):
    """Sign in with the user name, the email address or the phone number in any writing
    (see accounts.identifiers), within the attempt limits (accounts.throttle): every surface
    that checks a password (the web sign-in, the admin's, the API token) comes through here,
    so they share one count per account and per client address."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        too_long = len(username.strip()) > MAX_IDENTIFIER_LENGTH or len(password) > 4096
        user = None if too_long else find_user_by_identifier(username)
        attempt = throttle.begin_sign_in(request, user or username[:MAX_IDENTIFIER_LENGTH])
        if attempt.refused:
            # The view answers 429 (throttle.refusal); the password is not even looked at.
            return None
        if user is None:
            # Unknown or ambiguous: run the hasher anyway so timing does not tell which.
            User().set_password(password[:4096])
            attempt.failed()
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            attempt.succeeded()
            return user
        attempt.failed()
        return None
