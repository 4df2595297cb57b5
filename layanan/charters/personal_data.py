"""Public consultation in the citizen's rights (the contract is in `layanan.lib.data_rights`):
the citizen's comments, stances and followed services. At closure the follows go; comments
and stances stay as part of the consultation's public record, no longer tied to a name (the
account they point to is anonymised)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from layanan.accounts.models import User
from layanan.charters.models import Comment, Follow, Stance
from layanan.lib.data_rights import plain


def export_section(citizen: User) -> dict[str, Any]:
    return {
        "consultation_comments": [
            {
                "consultation": comment.consultation_id,
                "service": comment.consultation.charter.service.code,
                "component": comment.component,
                "text": comment.text,
                "stance": comment.stance,
                "created_at": plain(comment.created_at),
                "decision": comment.decision,
                "answer": comment.answer,
            }
            for comment in Comment.objects.filter(author=citizen)
            .select_related("consultation__charter__service")
            .order_by("pk")
        ],
        "consultation_stances": [
            {
                "consultation": stance.consultation_id,
                "component": stance.component,
                "stance": stance.stance,
            }
            for stance in Stance.objects.filter(citizen=citizen).order_by("pk")
        ],
        "followed_services": list(
            Follow.objects.filter(citizen=citizen)
            .order_by("service__code")
            .values_list("service__code", flat=True)
        ),
    }


def erase(citizen: User, *, at: dt.datetime) -> None:
    Follow.objects.filter(citizen=citizen).delete()
