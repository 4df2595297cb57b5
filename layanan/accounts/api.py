import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from layanan.accounts import throttle
from layanan.accounts.backends import UsernameEmailOrPhoneBackend
from layanan.accounts.models import ApiToken
from layanan.accounts.phone_reset import (
    PHONE_CHANNELS,
    CodeNotSent,
    CodeRefused,
    not_sent_message,
    reset_password_by_phone,
    send_reset_code,
)
from layanan.accounts.second_factor import (
    TooManyCodes,
    has_second_factor,
    second_factor_required,
    verify_code,
)
from layanan.accounts.tokens import issue_token, revoke_token, token_row
from layanan.http_errors import ApiError, with_language
from layanan.lib.phone import try_normalise

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


class PhoneResetRequest(Schema):
    phone: str = Field(
        description="The account's mobile number in any usual writing (0812 3456 7890, +62 …)",
        max_length=40,
    )
    channel: str = Field(description='"whatsapp" or "sms"', max_length=10)


class PhoneResetConfirm(Schema):
    phone: str = Field(max_length=40)
    code: str = Field(description="The 6 digits of the message", max_length=12)
    password: str = Field(description="The new password", max_length=4096)


class Sent(Schema):
    message: str


def _phone_or_400(text: str) -> str:
    number = try_normalise(text)
    if number is None:
        raise ApiError(
            400,
            "invalid",
            _("Some answers need correcting."),
            {"phone": [_("Enter a mobile number starting with 0 or +62, like 0812 3456 7890")]},
        )
    return number


@router.post(
    "/password-reset/phone",
    response={202: Sent},
    auth=None,
    summary="Send a password-reset code to a phone",
)
def phone_reset_request(request: HttpRequest, body: PhoneResetRequest) -> Status[dict[str, str]]:
    """Send a 6-digit code by WhatsApp or SMS to a citizen's account that has this number
    (docs/account-recovery.md). The answer is 202 whether or not an account has the number
    (an officer's account never gets a code). The code works once, for 10 minutes, for at
    most 5 wrong tries, and only the newest one works.

    400 `invalid` (`fields.phone`, `fields.channel`); 429 `rate_limited` after 3 requests for
    one number or 10 from one address in an hour; 503 `not_sent` when the provider of the
    chosen channel did not take the message (`fields.channel` suggests the other one; nothing
    was changed, an earlier code still works)."""
    with_language(request)
    if body.channel not in PHONE_CHANNELS:
        problem = {"channel": [_("Choose WhatsApp or SMS")]}
        raise ApiError(400, "invalid", _("Some answers need correcting."), problem)
    phone = _phone_or_400(body.phone)
    attempt = throttle.begin_phone_reset(request, phone)
    if attempt.refused:
        raise ApiError(429, "rate_limited", attempt.message(), retry_after=attempt.retry_after)
    attempt.failed()  # every request spends one: it may send a message
    try:
        send_reset_code(phone=phone, channel=body.channel)
    except CodeNotSent:
        message = not_sent_message(body.channel)
        raise ApiError(503, "not_sent", message, {"channel": [message]}) from None
    sent = _("If an account has this number, a code was sent to it. It works for 10 minutes.")
    return Status(202, {"message": sent})


@router.post(
    "/password-reset/phone/confirm",
    response={204: None},
    auth=None,
    summary="Choose a new password with the code sent to the phone",
)
def phone_reset_confirm(request: HttpRequest, body: PhoneResetConfirm) -> Status[None]:
    """Set a new password with the newest code sent to `phone`. 204: done; every API token of
    the account is revoked and its sign-in limits cleared; sign in with `POST /auth/token`.
    400 `invalid` with the reason under `fields.code` (wrong, used, replaced by a newer code,
    expired, too many wrong tries) or `fields.password` (too weak); 429 `rate_limited` after 20
    codes typed from one address in 15 minutes."""
    with_language(request)
    phone = _phone_or_400(body.phone)
    attempt = throttle.begin_phone_code_check(request)
    if attempt.refused:
        raise ApiError(429, "rate_limited", attempt.message(), retry_after=attempt.retry_after)
    try:
        reset_password_by_phone(phone=phone, code=body.code, password=body.password)
    except CodeRefused as refusal:
        if refusal.code == "password":
            attempt.refund()
        else:
            attempt.failed()
        field = "password" if refusal.field == "password1" else refusal.field
        raise ApiError(400, "invalid", refusal.message, {field: [refusal.message]}) from None
    attempt.succeeded()
    return Status(204, None)
