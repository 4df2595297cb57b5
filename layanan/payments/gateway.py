"""Paying online through Xendit's Invoice API (virtual accounts, QRIS, e-wallets on one page).

Configured by environment variables (settings.py):

- LAYANAN_XENDIT_SECRET_KEY: the secret API key; online payment is offered only when set;
- LAYANAN_XENDIT_CALLBACK_TOKEN: the verification token of the invoice callback;
- LAYANAN_XENDIT_API_URL: https://api.xendit.co unless a test points it elsewhere.

An invoice is created for a bill (`external_id` = the payment code, `amount` = the bill's, the
duration until the bill expires) with `POST /v2/invoices`, authenticated with HTTP Basic (the
secret key as user name, no password), as Xendit documents. Xendit notifies the invoice's
payment with a POST to our callback carrying the `x-callback-token` header; a notification
without the right token is refused, and a paid notification settles the bill through
`actions.settle` (method `gateway`, reference the invoice id): the same notification twice is
one payment, another amount is refused and kept for the treasurer. The HTTP client is the
standard library's: the invoice API is one JSON POST, and the official SDK (a generated client
for every Xendit product) would be a large dependency for it.
"""

from __future__ import annotations

import base64
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.payments import actions
from layanan.payments.models import Bill, Payment

TIMEOUT_SECONDS = 15
PAID_STATUSES = ("PAID", "SETTLED")


class GatewayUnavailable(actions.PaymentError):
    code = "gateway_unavailable"
    status = 503


def enabled() -> bool:
    return bool(settings.LAYANAN_XENDIT_SECRET_KEY)


def create_invoice(bill: Bill, *, return_url: str) -> str:
    """The gateway's payment page for the bill, made once per bill (the same page again while
    the bill is payable)."""
    if bill.gateway_url:
        return bill.gateway_url
    if bill.shown_status(timezone.now()) != Bill.Status.UNPAID:
        raise actions.NotPayable(_("This bill cannot be paid online now."))
    seconds = int((bill.expires_at - timezone.now()).total_seconds())
    body = {
        "external_id": bill.code,
        "amount": bill.amount,
        "description": _("Fee of application %(number)s") % {"number": bill.application.number},
        "invoice_duration": max(seconds, 60),
        "currency": "IDR",
        "success_redirect_url": return_url,
        "failure_redirect_url": return_url,
    }
    key = base64.b64encode(f"{settings.LAYANAN_XENDIT_SECRET_KEY}:".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 (the configured https URL, or a test's)
        f"{settings.LAYANAN_XENDIT_API_URL.rstrip('/')}/v2/invoices",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Basic {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            invoice = json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise GatewayUnavailable(
            _("Online payment is not available right now; try again later or pay at the counter.")
        ) from error
    if invoice.get("external_id") != bill.code or int(invoice.get("amount", -1)) != bill.amount:
        raise GatewayUnavailable(_("The payment gateway answered for another bill."))
    Bill.objects.filter(pk=bill.pk, gateway_invoice_id="").update(
        gateway_invoice_id=str(invoice["id"]), gateway_url=str(invoice["invoice_url"])
    )
    bill.refresh_from_db()
    return bill.gateway_url


def token_is_valid(token: str | None) -> bool:
    expected = settings.LAYANAN_XENDIT_CALLBACK_TOKEN
    return bool(expected and token and hmac.compare_digest(token, expected))


def handle_callback(notification: dict[str, Any]) -> Payment | None:
    """Settle the bill a paid invoice notification names; None when it is not a payment
    (a pending or expired invoice). Raises Bill.DoesNotExist for an invoice we did not make,
    WrongAmount when the amount paid is not the bill's."""
    if str(notification.get("status", "")).upper() not in PAID_STATUSES:
        return None
    bill = Bill.objects.select_related("application").get(
        code=str(notification.get("external_id", "")),
        gateway_invoice_id=str(notification.get("id", "")),
    )
    amount = notification.get("paid_amount", notification.get("amount"))
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise actions.InvalidInput(_("The notification has no amount paid."))
    # recorded when we learn of it: the clock resumes then, never before an earlier change
    payment, _created = actions.settle(
        application=bill.application,
        by=None,
        amount=amount,
        method=Payment.Method.GATEWAY,
        reference=str(notification["id"])[:100],
    )
    return payment
