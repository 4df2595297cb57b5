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
from layanan.citizens.actions import update_profile
from layanan.citizens.forms import ProfileForm
from layanan.citizens.models import Profile
from layanan.citizens.views import profile_initial
from layanan.http_errors import ApiError, with_language

router = Router(tags=["me"])


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


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


def profile_of(user: User) -> dict[str, Any]:
    record = Profile.objects.filter(user=user).first() or Profile(user=user)
    values = profile_initial(user, record)
    return {**values, "nik": values["nik"] or "", "kk_number": values["kk_number"] or ""}


@router.get("", response=ProfileOut, summary="My profile")
def get_profile(request: HttpRequest) -> dict[str, Any]:
    with_language(request)
    return profile_of(user_of(request))


@router.patch(
    "", response={200: ProfileOut, 400: Error}, summary="Change some or all of my profile"
)
def patch_profile(request: HttpRequest, data: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """Send only what changes, each attribute as text (`birth_date` as `YYYY-MM-DD`; `null` or
    `""` clears it). Everything is checked as on the profile page; any problem gives 400 with
    a message under `fields.<attribute>`, and nothing is written."""
    with_language(request)
    user = user_of(request)
    current = profile_of(user)
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
    if not form.is_valid():
        raise ApiError(
            400,
            "invalid",
            _("Some answers need correcting."),
            {key: [str(m) for m in messages] for key, messages in form.errors.items()},
        )
    update_profile(citizen=user, by=user, **{key: form.cleaned_data[key] for key in data})
    return profile_of(user)
