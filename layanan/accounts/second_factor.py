"""The second factor (django-otp): who needs one, checking a code, enrolling an app.

Rules:
- Everyone with an officer role (agencies.OfficerRole, through the `officer_roles` relation)
  or staff status must give a code after the password, on the web, in the admin and for an
  API token. A citizen chooses: once they turn it on, the same holds for them.
- A code is either the 6 digits of an authenticator app (TOTP, RFC 6238: 30 s, SHA-1) or one
  of the recovery codes shown once at enrolment; a recovery code works once.
- Wrong codes are counted per account (from any address) by the attempt limiter
  (accounts.throttle): after five, the account waits five minutes, then longer.
  django-otp's own per-device backoff comes on top.
- The demo secret is published: only the demo loader may give a device that key
  (`DEMO_KEY`); enrolment never generates it and confirming a device with it is refused.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import segno
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts import throttle
from layanan.accounts.models import User

DEMO_SECRET = "LAYANANDEMOTOTPA"  # noqa: S105 - published (README, demo banner); base32
DEMO_KEY = base64.b32decode(DEMO_SECRET).hex()
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


class TooManyCodes(Exception):
    """Too many wrong codes for this account: wait (`message` says how long, in the reader's
    language; `retry_after` in seconds)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


def is_officer(user: User) -> bool:
    """Staff, superusers and anyone with an officer role."""
    return bool(user.is_staff or user.is_superuser or user.officer_roles.exists())


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user: User) -> bool:
    return is_officer(user) or has_second_factor(user)


def normalise_code(code: str) -> str:
    """What people type: spaces and hyphens between groups, any case."""
    return re.sub(r"[\s-]", "", code).lower()


def verify_code(*, user: User, code: str) -> Device | None:
    """The device that accepts `code` (a recovery code is used up), or None.

    Raises TooManyCodes after too many wrong codes for this account (counted before the code
    is judged, by the one attempt limiter, so parallel guesses cannot slip past)."""
    attempt = throttle.begin([(throttle.SECOND_FACTOR_ACCOUNT, throttle.account_subject(user))])
    if attempt.refused:
        raise TooManyCodes(attempt.message(), retry_after=attempt.retry_after)
    typed = normalise_code(code)
    device: Device | None = None
    if typed:
        with transaction.atomic():
            if typed.isdigit():
                candidates: list[Device] = list(
                    TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update()
                )
            else:
                candidates = list(
                    StaticDevice.objects.filter(user=user, confirmed=True).select_for_update()
                )
            device = next((d for d in candidates if d.verify_token(typed)), None)
    if device is None:
        attempt.failed()
        return None
    attempt.succeeded()
    return device


def is_recovery_device(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the QR code of the otpauth URI and the same secret
    as text for an app that cannot scan."""

    device: TOTPDevice
    uri: str
    secret: str
    qr_svg: str


def enrolment_for(device: TOTPDevice) -> Enrolment:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    uri = device.config_url
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=4, border=4, dark="#0b0c0c", light="#ffffff", omitsize=False)
    return Enrolment(
        device=device,
        uri=uri,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr_svg=svg,
    )


def account_security(user: User) -> dict[str, object]:
    """What the profile page shows about signing in: the second factor and the API tokens."""
    from layanan.accounts.tokens import active_tokens

    return {
        "second_factor": has_second_factor(user),
        "second_factor_required": is_officer(user),
        "recovery_codes_left": recovery_codes_left(user),
        "api_tokens": active_tokens(user),
    }
