import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from layanan.accounts import throttle
from layanan.accounts.backends import UsernameEmailOrPhoneBackend
from layanan.accounts.models import ApiToken
from layanan.accounts.second_factor import (
    TooManyCodes,
    has_second_factor,
    second_factor_required,
    verify_code,
)
from layanan.accounts.tokens import issue_token, revoke_token, token_row
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
    otp: str | None = Field(
        None,
        description=(
            "Second-factor code: the 6 digits of the authenticator app, or one unused "
            "recovery code. Required for officers and staff, and for citizens who turned "
            "two-step verification on."
        ),
        max_length=40,
    )
    label: str | None = Field(
        None,
        description="A name for the app holding the token, shown on the profile page "
        "(default: the User-Agent)",
        max_length=100,
    )


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class PresentedToken(HttpBearer):
    """The token row itself, so that logout revokes exactly the one presented."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        row = token_row(token)
        if row is not None:
            request.user = row.user
        return row


@router.post("/token", response={200: TokenOut}, auth=None, summary="Get a bearer token")
def token(request: HttpRequest, credentials: Credentials) -> dict[str, object]:
    """Exchange an email address, phone number (in any usual writing: `0812 3456 7890`,
    `+62 812-3456-7890`) or user name, and the password, for a bearer token.

    Officers and staff (and citizens who turned two-step verification on) also send `otp`:
    without it the answer is 401 `otp_required`, with a wrong one 401 `invalid_otp`. A token
    lives `LAYANAN_TOKEN_DAYS` days (30 by default) for a citizen and
    `LAYANAN_OFFICER_TOKEN_HOURS` hours (12 by default) for an officer.

    Attempts are limited per account (all its names together) and per client address: after
    5 failures for one account the client must wait, 1 minute at first, then twice as long
    each time up to 15 minutes (429, code `rate_limited`); wrong codes are limited likewise.
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
    if second_factor_required(user):
        if not has_second_factor(user):
            raise ApiError(
                401,
                "otp_required",
                _(
                    "This account needs two-step verification. Sign in on the website once "
                    "to set up an authenticator app, then send its code as otp."
                ),
            )
        if not credentials.otp:
            raise ApiError(
                401, "otp_required", _("Send the code from your authenticator app as otp.")
            )
        try:
            device = verify_code(user=user, code=credentials.otp)
        except TooManyCodes as refused:
            raise ApiError(429, "rate_limited", refused.message) from None
        if device is None:
            raise ApiError(401, "invalid_otp", _("The code is not correct."))
    label = credentials.label or request.headers.get("User-Agent", "")
    secret, row = issue_token(user, label=label)
    return {"token": secret, "expires_at": row.expires_at}


@router.post(
    "/logout", response={204: None}, auth=PresentedToken(), summary="Revoke this bearer token"
)
def logout(request: HttpRequest) -> Status[None]:
    """Revoke the token sent in `Authorization: Bearer …`; it is refused from now on.
    Other tokens of the account keep working (revoke them on the profile page)."""
    row: ApiToken = request.auth  # type: ignore[attr-defined]
    revoke_token(token=row, actor=row.user)
    return Status(204, None)
