"""`POST /api/v1/applications/{number}/payments` (the treasurer), and the `payment` of
`GET /api/v1/applications/{number}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from layanan.accounts.current import user_of
from layanan.accounts.models import User
from layanan.cases.api import Error
from layanan.cases.models import Application
from layanan.http_errors import ApiError, with_language
from layanan.payments import access, actions
from layanan.payments.presenters import payment_data

router = Router(tags=["payments"])


class PaymentIn(Schema):
    amount: int  # whole rupiah received
    method: str  # tunai | transfer
    reference: str  # the cash receipt book number or the bank transfer reference


class PaymentRecordedOut(Schema):
    receipt_number: str
    amount: int
    method: str
    reference: str
    code: str  # the bill's payment code
    recorded_at: Any
    receipt_url: str


def application_payment(application: Application, *, viewer: User) -> dict[str, Any]:
    """settings.LAYANAN_APPLICATION_DETAIL: the bill in the application's API detail."""
    return {"payment": payment_data(application)}


@router.post(
    "/{number}/payments",
    response={
        200: PaymentRecordedOut,
        201: PaymentRecordedOut,
        400: Error,
        403: Error,
        404: Error,
        409: Error,
    },
    summary="Record a cash or transfer payment of the bill (treasurers of the agency)",
)
def record_payment(request: HttpRequest, number: str, data: PaymentIn) -> Status:
    """Exactly the bill's amount is accepted: any other answers 400 `wrong_amount`, nothing is
    paid and the attempt is listed for the treasurer. A bill paid already answers 409, unless
    this is the same payment again (same method, reference and amount): 200 with it."""
    with_language(request)
    user = user_of(request)
    application = access.get_application_for_treasurer(user, number)
    try:
        payment, created = actions.record_payment(
            application=application,
            officer=user,
            amount=data.amount,
            method=data.method,
            reference=data.reference,
        )
    except actions.PaymentError as error:
        raise ApiError(error.status, error.code, error.message, error.fields) from None
    return Status(
        201 if created else 200,
        {
            "receipt_number": payment.receipt_number,
            "amount": payment.amount,
            "method": payment.method,
            "reference": payment.reference,
            "code": payment.bill.code,
            "recorded_at": payment.recorded_at,
            "receipt_url": reverse("payments:receipt", args=[application.number]),
        },
    )
