"""Bills and payments as the application page, the printed bill and the receipt show them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.cases.models import Application
from layanan.cases.presenters import local_time
from layanan.charters.presenters import fee_notice, local
from layanan.lib.money import rupiah
from layanan.payments.models import Bill, Payment

STATUS_LABELS = {
    "unpaid": gettext_lazy("Unpaid"),
    "paid": gettext_lazy("Paid"),
    "expired": gettext_lazy("Expired: it can no longer be paid"),
    "waived": gettext_lazy("Waived"),
    "refunded": gettext_lazy("Refunded"),
}


@dataclass(frozen=True)
class BillView:
    bill: Bill
    status: str  # unpaid | paid | expired | waived | refunded
    status_label: str
    amount: str  # "Rp350.000"
    issued: str
    expires: str
    how: str  # how the amount was computed, in a line
    payment: Payment | None
    paid: str
    number: str  # the application's

    @property
    def payable(self) -> bool:
        return self.status == "unpaid"

    @property
    def renewable(self) -> bool:
        return self.status == "expired" and self.bill.status == Bill.Status.UNPAID


def computation_text(bill: Bill, application: Application) -> str:
    computation = bill.computation or {}
    kind = computation.get("kind")
    if kind == "formula":
        fee = application.charter.fee_spec
        field: dict[str, Any] = next(
            (f for f in application.charter.content["form"] if f["key"] == fee["formula"]["field"]),
            {},
        )
        notice = fee_notice(application.charter)
        return _("By the tariff for %(quantity)s: %(tiers)s") % {
            "quantity": f"{computation.get('quantity', '')} {local(field.get('unit'))}".strip(),
            "tiers": "; ".join(notice.how),
        }
    if kind == "assessed":
        return _("As assessed within the charter's range")
    return _("The charter's fixed fee")


def bill_view(bill: Bill, *, at: dt.datetime | None = None) -> BillView:
    at = at or timezone.now()
    application = bill.application
    zone = application.agency.time_zone
    status = bill.shown_status(at)
    paid = bill.status in ("paid", "refunded")
    payment = Payment.objects.filter(bill=bill).first() if paid else None
    return BillView(
        bill=bill,
        status=status,
        status_label=str(STATUS_LABELS[status]),
        amount=rupiah(bill.amount),
        issued=local_time(bill.issued_at, zone),
        expires=local_time(bill.expires_at, zone),
        how=str(computation_text(bill, application)),
        payment=payment,
        paid=local_time(payment.recorded_at, zone) if payment else "",
        number=application.number,
    )


def latest_bill(application: Application) -> Bill | None:
    return Bill.objects.filter(application=application).order_by("-issued_at", "-pk").first()


def payment_data(application: Application) -> dict[str, object] | None:
    """The `payment` of the application's API detail."""
    bill = latest_bill(application)
    if bill is None:
        return None
    return {
        "amount": bill.amount,
        "status": bill.shown_status(timezone.now()),
        "code": bill.code,
        "due_at": bill.expires_at,
        "pay_url": reverse("payments:bill", args=[application.number]),
    }
