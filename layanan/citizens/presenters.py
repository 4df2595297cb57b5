"""What the counter receipt shows, in plain words: the QR code of the tracking page, the
documents received, the clock, the fee, and how the citizen follows the application online."""

from __future__ import annotations

from typing import Any

import segno
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layanan.accounts import access_log
from layanan.accounts.models import DataAccess, User
from layanan.cases.models import Application
from layanan.cases.presenters import local_time, public_view
from layanan.charters.spec import is_needed, text_in
from layanan.citizens.actions import may_get_setup_code
from layanan.citizens.models import PasswordSetupCode, Profile
from layanan.lib.phone import national


def qr_svg(url: str, *, title: str) -> SafeString:
    """The QR code of `url` as inline SVG (no image file, no script); `title` names it for
    screen readers. Level M survives a crease or a smudge on a printed receipt."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=5, border=4, svgclass="lyn-qr", lineclass=None, title=title)
    # segno escapes the title and the content; the rest is markup it wrote itself.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def documents_received(application: Application) -> list[dict[str, Any]]:
    """Each document requirement with the files received for it (none when not given)."""
    language = get_language() or "id"
    files: dict[str, list[str]] = {}
    for document in application.documents.filter(replaced=False).order_by("pk"):
        files.setdefault(document.requirement, []).append(document.original_name)
    return [
        {
            "name": text_in(r["name"], language),
            "required": is_needed(r, application.answers),
            "files": files.get(r["key"], []),
        }
        for r in application.charter.content.get("requirements", [])
        if r.get("kind") == "document"
    ]


def contact_of(citizen: User) -> str:
    """How the citizen signs in: their email address, else their phone number as written
    in Indonesia."""
    if citizen.email:
        return citizen.email
    if citizen.phone:
        return national(citizen.phone)
    return citizen.get_username()


def profile_of(citizen: User) -> Profile | None:
    return Profile.objects.filter(user=citizen).first()


def latest_setup_code(citizen: User) -> PasswordSetupCode | None:
    return (
        PasswordSetupCode.objects.filter(user=citizen)
        .select_related("issued_by")
        .order_by("-issued_at")
        .first()
    )


def receipt_context(
    *, application: Application, tracking_url: str, sign_in_url: str, code_url: str
) -> dict[str, Any]:
    view = public_view(application)
    citizen = application.applicant
    latest = latest_setup_code(citizen)
    zone = application.agency.time_zone
    return {
        "application": application,
        "view": view,
        "citizen": citizen,
        "contact": contact_of(citizen),
        # Masked: enough for the citizen to see the receipt is theirs; the officer's filing
        # is over, and a printed page travels.
        "masked_nik": profile.masked_nik if (profile := profile_of(citizen)) else "",
        "officer": application.filed_by,
        "submitted": local_time(application.submitted_at, zone),
        "documents": documents_received(application),
        "tracking_url": tracking_url,
        "sign_in_url": sign_in_url,
        "code_url": code_url,
        "qr": qr_svg(
            tracking_url,
            title=_("QR code of the tracking page %(url)s") % {"url": tracking_url},
        ),
        "has_password": citizen.has_usable_password(),
        "may_get_code": may_get_setup_code(citizen),
        "latest_code": latest,
        "latest_code_state": latest.state_at(timezone.now()) if latest else "",
        "latest_code_issued": local_time(latest.issued_at, zone) if latest else "",
        "latest_code_expires": local_time(latest.expires_at, zone) if latest else "",
        "on_behalf": True,
    }


def access_rows(reads: list[DataAccess]) -> list[dict[str, Any]]:
    """The rows of a citizen's access log in words (`accounts.access_log`): each read as one
    sentence, and its parts for the table. `reads` come from `access_log.visible_reads`,
    their readers and agencies loaded, so no row makes a query."""
    return [
        {
            "read": read,
            "sentence": access_log.sentence(read),
            "when": access_log.when_of(read),
            "who": access_log.officer_of(read),
            "agency": read.agency_name,
            "unit": read.unit_name,
            "what": access_log.what_of(read),
            "purpose": access_log.purpose_of(read),
        }
        for read in reads
    ]
