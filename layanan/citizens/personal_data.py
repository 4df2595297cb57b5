"""The citizen's own app in the citizen's rights (the contract is in
`layanan.lib.data_rights`): the profile, the requests made under UU 27/2022, and the
copies of data asked for. At closure the profile is deleted (its sealed NIK and the NIK's
look-up hash with it), the counter's password codes and the prepared copies too; the
requests stay as the record that they were answered, without their text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from layanan.accounts.models import User
from layanan.citizens.exports import delete_export_files
from layanan.citizens.models import DataExport, PasswordSetupCode, Profile, RightsRequest
from layanan.lib.data_rights import plain, row


def export_section(citizen: User) -> dict[str, Any]:
    """The profile: every field of `Profile` but the look-up hashes (a field added later is
    included as it comes), the NIK in full: it is the citizen's own."""
    profile = Profile.objects.filter(user=citizen).first()
    return {
        "profile": row(profile, skip=("id", "user")) if profile else {},
        "data_requests": [
            {
                "kind": request.kind,
                "data": request.data,
                "details": request.details,
                "reason": request.reason,
                "filed_at": plain(request.filed_at),
                "due_at": plain(request.due_at),
                "answered_at": plain(request.answered_at),
                "outcome": request.outcome,
                "answer": request.answer,
                "restriction_in_force": request.restriction_in_force,
            }
            for request in RightsRequest.objects.filter(citizen=citizen).order_by("filed_at", "pk")
        ],
    }


def erase(citizen: User, *, at: dt.datetime) -> None:
    Profile.objects.filter(user=citizen).delete()
    PasswordSetupCode.objects.filter(user=citizen).delete()
    for export in DataExport.objects.filter(citizen=citizen):
        delete_export_files(export)
    DataExport.objects.filter(citizen=citizen).delete()
    RightsRequest.objects.filter(citizen=citizen).update(data="", details="", reason="", answer="")
