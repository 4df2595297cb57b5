from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from layanan.accounts import throttle
from layanan.accounts.backends import UsernameEmailOrPhoneBackend
from layanan.accounts.tokens import issue_token
from layanan.http_errors import ApiError, with_language

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str = Field(
        description=(
            "Email address (any case), phone number in any usual writing "
            "(0812 3456 7890, +62 812-3456-7890) or user name"
        )
    )
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", response={200: TokenOut}, auth=None, summary="Get a bearer token")
def token(request: HttpRequest, credentials: Credentials) -> dict[str, str]:
    """Exchange an email address, phone number (in any usual writing: `0812 3456 7890`,
    `+62 812-3456-7890`) or user name, and the password, for a bearer token (30 days).

    After 5 failed attempts for one name from one address, wait 5 minutes (429).
    """
    with_language(request)
    address = request.META.get("REMOTE_ADDR", "")
    if throttle.is_locked(credentials.username, address):
        raise ApiError(429, "rate_limited", _("Too many attempts; wait 5 minutes."))
    user = UsernameEmailOrPhoneBackend().authenticate(
        request, username=credentials.username, password=credentials.password
    )
    if user is None:
        throttle.record_failure(credentials.username, address)
        raise ApiError(401, "invalid_credentials", _("Email/phone number or password is incorrect"))
    throttle.clear(credentials.username, address)
    return {"token": issue_token(user)}
