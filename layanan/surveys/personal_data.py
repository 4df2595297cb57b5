"""Satisfaction surveys in the citizen's rights (the contract is in `layanan.lib.data_rights`).

Answers to the SKM survey are anonymous by design: a response is not linked to the person who
gave it, so it cannot be exported or erased per citizen. What is linked is the invitation (one
per ended application): whether it was answered, and until when it could be."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import User
from layanan.lib.data_rights import plain
from layanan.surveys.models import Invitation


def export_section(citizen: User) -> dict[str, Any]:
    return {
        "survey_invitations": [
            {
                "application": invitation.application.number,
                "service": invitation.service.code,
                "expires_at": plain(invitation.expires_at),
                "answered": invitation.answered_at is not None,
            }
            for invitation in Invitation.objects.filter(application__applicant=citizen)
            .select_related("application", "service")
            .order_by("pk")
        ]
    }
