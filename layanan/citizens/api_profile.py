"""`GET /api/v1/me` and `PATCH /api/v1/me`: the signed-in person's profile, every attribute
of lib.personal_data.PROFILE_ATTRIBUTES, checked as on the profile page (`ProfileForm`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema

from layanan.accounts.current import user_of
from layanan.accounts.models import User
from layanan.citizens.actions_channels import CHANNELS, LANGUAGES
from layanan.citizens.actions_profile import save_profile
from layanan.citizens.forms import ChannelsForm, ProfileForm
from layanan.citizens.models import Profile
from layanan.citizens.views import profile_initial
from layanan.http_errors import ApiError, with_language

router = Router(tags=["me"])
MESSAGE_KEYS = ("channels", "language")


class ProfileOut(Schema):
    full_name: str
    nik: str  # in full: it is the reader's own
    kk_number: str
    birth_place: str
    birth_date: dt.date | None
    address: str
    region_code: str  # "33.74.01.1001"
    phone: str  # +62…
    email: str
    channels: list[str]  # of "whatsapp", "sms", "email": the chosen ones that can reach them
    language: str  # of messages: "id" or "en"


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


def profile_of(user: User) -> dict[str, Any]:
    record = Profile.objects.filter(user=user).first() or Profile(user=user)
    values = profile_initial(user, record)
    return {
        **values,
        "nik": values["nik"] or "",
        "kk_number": values["kk_number"] or "",
        "channels": user.chosen_channels(),
        "language": user.message_language,
    }


def channels_of(data: dict[str, Any]) -> tuple[list[str] | None, str]:
    """`channels` and `language` as sent (None, "" when not sent); 400 when not a list of
    known channels, or not a known language."""
    fields: dict[str, list[str]] = {}
    channels = data.get("channels")
    if "channels" in data and (
        not isinstance(channels, list) or any(name not in CHANNELS for name in channels)
    ):
        fields["channels"] = [_('Send a list of "whatsapp", "sms" and "email".')]
    language = data.get("language") or ""
    if language not in ("", *LANGUAGES):
        fields["language"] = [_('Send "id" or "en".')]
    if fields:
        raise ApiError(400, "invalid", _("Some answers need correcting."), fields)
    return channels, language


@router.get("", response=ProfileOut, summary="My profile")
def get_profile(request: HttpRequest) -> dict[str, Any]:
    with_language(request)
    return profile_of(user_of(request))


@router.patch(
    "", response={200: ProfileOut, 400: Error}, summary="Change some or all of my profile"
)
def patch_profile(request: HttpRequest, data: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """Send only what changes, each attribute as text (`birth_date` as `YYYY-MM-DD`; `null` or
    `""` clears it), except `channels`, a list of "whatsapp", "sms" and "email" (WhatsApp and
    SMS need `phone`, email needs `email`, and at least one is chosen), and `language`, "id" or
    "en" (of the messages). Everything is checked as on the profile page; any problem gives 400
    with a message under `fields.<attribute>`, and nothing is written."""
    with_language(request)
    user = user_of(request)
    channels, language = channels_of(data)
    data = {key: value for key, value in data.items() if key not in MESSAGE_KEYS}
    current = {key: value for key, value in profile_of(user).items() if key not in MESSAGE_KEYS}
    fields: dict[str, list[str]] = {}
    for key, value in data.items():
        if key not in current:
            fields[key] = [_("This is not part of the profile.")]
        elif value is not None and not isinstance(value, str):
            fields[key] = [_("Send this as text.")]
    if fields:
        raise ApiError(400, "invalid", _("Some answers need correcting."), fields)
    merged = {
        **{key: "" if value is None else str(value) for key, value in current.items()},
        **{key: value or "" for key, value in data.items()},
    }
    form = ProfileForm(data=merged)
    form.user = user
    problems = {key: [str(m) for m in messages] for key, messages in form.errors.items()}
    changes_channels = channels is not None or bool(language)
    chosen = channels if channels is not None else user.chosen_channels()
    # A new phone or address is checked against the channels that use it (as on the page).
    contact_changes = bool(chosen) and ("phone" in data or "email" in data)
    if changes_channels or contact_changes:
        checked = ChannelsForm(
            data={"channels": chosen, "language": language or user.message_language},
            phone=form.cleaned_data.get("phone", user.phone),
            email=form.cleaned_data.get("email", user.email),
        )
        if not checked.is_valid():
            problems.update({k: [str(m) for m in v] for k, v in checked.errors.items()})
    if problems:
        raise ApiError(400, "invalid", _("Some answers need correcting."), problems)
    save_profile(
        citizen=user,
        by=user,
        values={key: form.cleaned_data[key] for key in data},
        channels=chosen if changes_channels or contact_changes else None,
        language=language,
    )
    user.refresh_from_db()
    return profile_of(user)
