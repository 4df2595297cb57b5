"""Service guarantees in the citizen's rights (the contract is in `layanan.lib.data_rights`):
the compensations owed or paid to the citizen for late applications. No eraser: a
compensation is a financial record of the agency and names no one but the application."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import User
from layanan.guarantees.models import Compensation
from layanan.lib.data_rights import plain


def export_section(citizen: User) -> dict[str, Any]:
    return {
        "compensations": [
            {
                "application": compensation.application.number,
                "kind": compensation.kind,
                "amount": compensation.amount,
                "status": compensation.status,
                "owed_at": plain(compensation.owed_at),
                "paid_at": plain(compensation.paid_at),
            }
            for compensation in Compensation.objects.filter(application__applicant=citizen)
            .select_related("application")
            .order_by("pk")
        ]
    }
