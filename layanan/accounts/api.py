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

    Attempts are limited per account (all its names together) and per client address: after
    5 failures for one account the client must wait, 1 minute at first, then twice as long
    each time up to 15 minutes (429, code `rate_limited`).
    """
    with_language(request)
    user = UsernameEmailOrPhoneBackend().authenticate(
        request, username=credentials.username, password=credentials.password
    )
    if user is None:
        refused = throttle.refusal(request)
        if refused is not None:
            raise ApiError(429, "rate_limited", refused.message())
        raise ApiError(401, "invalid_credentials", _("Email/phone number or password is incorrect"))
    return {"token": issue_token(user)}
