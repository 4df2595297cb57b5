"""Fees in the citizen's rights (the contract is in `layanan.lib.data_rights`): the bills of
the citizen's applications and the payments recorded against them. No eraser: they are
financial records of the agency, kept for the period docs/privacy.md gives, and hold no name."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import User
from layanan.lib.data_rights import plain
from layanan.payments.models import Bill, Payment


def export_section(citizen: User) -> dict[str, Any]:
    bills = Bill.objects.filter(application__applicant=citizen).select_related("application")
    return {
        "payments": [
            {
                "application": bill.application.number,
                "payment_code": bill.code,
                "amount": bill.amount,
                "legal_basis": bill.legal_basis,
                "status": bill.status,
                "issued_at": plain(bill.issued_at),
                "paid_at": plain(bill.paid_at),
                "payments": [
                    {
                        "method": payment.method,
                        "amount": payment.amount,
                        "recorded_at": plain(payment.recorded_at),
                        "receipt_number": payment.receipt_number,
                    }
                    for payment in Payment.objects.filter(bill=bill)
                ],
            }
            for bill in bills.order_by("pk")
        ]
    }
