"""Every change to bills and payments goes through these functions.

A bill is issued for an application that awaits payment (the engine's `payment_awaited`
event, read by `billing.run` from the worker), with the amount `cases.actions.billable_amount`
computes from the charter: no function here takes an amount to bill. A payment settles a bill
only with exactly its amount; the application is changed only through `cases.actions`
(`record_fee_paid`, `record_billing`), which write the events of its hash chain.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.cases import actions as cases
from layanan.cases.models import Application, Status
from layanan.lib.money import rupiah
from layanan.payments import access
from layanan.payments.models import AmountFlag, Bill, Payment

CODE_DIGITS = 13  # then one check digit


class PaymentError(Exception):
    """Refused; `status` is the HTTP status an interface answers with."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(PaymentError):
    pass


class WrongAmount(PaymentError):
    code = "wrong_amount"


class NotPayable(PaymentError):
    code = "conflict"
    status = 409


class Forbidden(PaymentError):
    code = "forbidden"
    status = 403


def now() -> dt.datetime:
    return timezone.now()


def check_digit(digits: str) -> str:
    """The Luhn check digit, so that a mistyped payment code is caught at the counter."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def is_valid_code(code: str) -> bool:
    return code.isdigit() and len(code) == CODE_DIGITS + 1 and check_digit(code[:-1]) == code[-1]


def new_code() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    return body + check_digit(body)


def open_bill(application: Application) -> Bill | None:
    """The application's latest bill (unpaid, paid...), or None."""
    return Bill.objects.filter(application=application).order_by("-issued_at", "-pk").first()


def _create_bill(
    application: Application,
    *,
    amount: int,
    computation: dict[str, Any],
    at: dt.datetime,
    **extra: Any,
) -> Bill:
    fee = application.charter.fee_spec
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Bill.objects.create(
                    application=application,
                    agency=application.agency,
                    code=new_code(),
                    amount=amount,
                    legal_basis=fee["legal_basis"],
                    computation=computation,
                    issued_at=at,
                    expires_at=at + dt.timedelta(days=fee["pay_within_days"]),
                    **extra,
                )
        except IntegrityError:
            if (
                Bill.objects.filter(application=application)
                .filter(status=Bill.Status.UNPAID)
                .exists()
            ):
                raise
    raise RuntimeError("no free payment code after five tries")


@transaction.atomic
def issue_bill(*, application: Application, at: dt.datetime | None = None) -> Bill | None:
    """The bill of an application awaiting payment, issued once; None when the application
    does not await payment or the amount cannot be known yet."""
    at = at or now()
    cases.lock(application)
    application = Application.objects.select_related("charter", "agency").get(pk=application.pk)
    if application.status != Status.AWAITING_PAYMENT:
        return None
    current = Bill.objects.filter(application=application, status=Bill.Status.UNPAID).first()
    if current is not None:
        return current
    amount = cases.billable_amount(application)
    if not amount:
        return None
    fee = application.charter.fee_spec
    computation: dict[str, Any] = {"kind": fee["kind"]}
    if fee["kind"] == "formula":
        computation["quantity"] = str(application.answers.get(fee["formula"]["field"], ""))
    bill = _create_bill(application, amount=amount, computation=computation, at=at)
    if waiver_owed(application):
        waive_bill(application=application, bill=bill, at=at)
        return bill
    cases.record_billing(
        application=application,
        kind="bill_issued",
        by=None,
        at=at,
        data={"code": bill.code, "amount": bill.amount, "expires_at": bill.expires_at.isoformat()},
    )
    return bill


def waiver_owed(application: Application) -> bool:
    """The service guarantee owes the applicant the fee (a `compensation_owed` event of kind
    waiver, written by the guarantee sweep): the fee is not charged."""
    latest = (
        application.events.filter(kind__in=("compensation_owed", "compensation_withdrawn"))
        .order_by("-seq")
        .values_list("kind", "data")
        .first()
    )
    return (
        latest is not None
        and latest[0] == "compensation_owed"
        and latest[1].get("kind") == "waiver"
    )


def waive_bill(*, application: Application, bill: Bill, at: dt.datetime) -> None:
    bill.status = Bill.Status.WAIVED
    bill.save(update_fields=["status"])
    cases.record_fee_paid(
        application=application,
        by=None,
        at=at,
        waived=True,
        payment={"amount": 0, "method": "waived", "code": bill.code},
    )


@transaction.atomic
def waive_fee(*, application: Application, at: dt.datetime | None = None) -> Bill | None:
    """The guarantee waived the fee of an application awaiting payment: its open bill is
    waived and the application goes on. None when nothing awaits payment."""
    at = at or now()
    cases.lock(application)
    application = Application.objects.select_related("charter", "agency").get(pk=application.pk)
    if application.status != Status.AWAITING_PAYMENT:
        return None  # not yet at the payment: issue_bill waives it then
    bill = Bill.objects.filter(application=application, status=Bill.Status.UNPAID).first()
    if bill is None:
        return issue_bill(application=application, at=at)  # issued and waived
    waive_bill(application=application, bill=bill, at=at)
    return bill


@transaction.atomic
def mark_refunded(*, application: Application, amount: Any) -> bool:
    """A refund or compensation of at least the whole fee was paid back to the applicant: the
    paid bill reads `refunded` (a partial refund leaves it paid). False when nothing changed."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        return False
    bill = application.bills.filter(status=Bill.Status.PAID).order_by("-issued_at").first()
    if bill is None or amount < bill.amount:
        return False
    return bool(
        Bill.objects.filter(pk=bill.pk, status=Bill.Status.PAID).update(status=Bill.Status.REFUNDED)
    )


def renew_bill(*, application: Application, citizen: User, at: dt.datetime | None = None) -> Bill:
    """The applicant renews an expired bill: it stays expired (it can never be paid) and a new
    one with a new code and the same amount is payable for the charter's period again."""
    at = at or now()
    if application.applicant_id != citizen.pk:
        raise Forbidden(_("Only the applicant renews a bill."))
    cases.lock(application)
    bill = Bill.objects.filter(application=application, status=Bill.Status.UNPAID).first()
    if bill is None or bill.shown_status(at) != Bill.Status.EXPIRED:
        raise NotPayable(_("There is no expired bill to renew."))
    bill.status = Bill.Status.EXPIRED
    bill.save(update_fields=["status"])
    renewed = _create_bill(
        application, amount=bill.amount, computation=bill.computation, at=at, renews=bill
    )
    cases.record_billing(
        application=application,
        kind="bill_renewed",
        by=citizen,
        at=at,
        data={
            "code": renewed.code,
            "previous": bill.code,
            "amount": renewed.amount,
            "expires_at": renewed.expires_at.isoformat(),
        },
    )
    return renewed


COUNTER_METHODS = (Payment.Method.CASH, Payment.Method.TRANSFER)


def clean_payment(amount: Any, method: Any, reference: Any) -> tuple[int, str, str]:
    errors: dict[str, list[str]] = {}
    if isinstance(amount, str) and amount.strip().isdigit():
        amount = int(amount.strip())
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        errors["amount"] = [_("Enter the amount received in whole rupiah, without dots")]
    if method not in COUNTER_METHODS:
        errors["method"] = [_("Choose cash (tunai) or bank transfer (transfer)")]
    reference = str(reference or "").strip()
    if not reference:
        errors["reference"] = [
            _("Enter the reference: the cash receipt book number or the bank transfer's")
        ]
    elif len(reference) > 100:
        errors["reference"] = [_("The reference must be 100 characters or fewer")]
    if errors:
        raise InvalidInput(_("The payment cannot be recorded."), fields=errors)
    return int(amount), str(method), reference


def record_payment(
    *,
    application: Application,
    officer: User,
    amount: Any,
    method: Any,
    reference: Any,
    at: dt.datetime | None = None,
) -> tuple[Payment, bool]:
    """The treasurer records a cash or transfer payment of the application's bill; returns
    (payment, created). The same payment recorded again (same method, reference and amount)
    is the one payment (created False). A wrong amount is refused, nothing is paid, and it is
    kept for the treasurer to look into (WrongAmount, after the flag is committed); a bill
    already paid another way or expired is refused (NotPayable)."""
    if not access.is_treasurer_of(officer, application):
        raise Forbidden(_("Only a treasurer of the agency records payments."))
    amount, method, reference = clean_payment(amount, method, reference)
    return settle(
        application=application,
        by=officer,
        amount=amount,
        method=method,
        reference=reference,
        at=at,
    )


def settle(
    *,
    application: Application,
    by: User | None,
    amount: int,
    method: str,
    reference: str,
    at: dt.datetime | None = None,
) -> tuple[Payment, bool]:
    """Settle the application's bill with a payment checked by the caller (the treasurer's
    `record_payment`, or the gateway's authenticated notification, `by` None); the rules of
    `record_payment`."""
    at = at or now()
    officer = by
    refused: WrongAmount | None = None
    try:
        with transaction.atomic():
            cases.lock(application)
            application.refresh_from_db()
            bill = Bill.objects.filter(application=application).filter(
                status=Bill.Status.UNPAID
            ).first() or open_bill(application)
            if bill is None:  # awaiting payment, the worker has not issued it yet
                bill = issue_bill(application=application, at=at)
            if bill is None:
                raise NotPayable(_("This application has no bill to pay."))
            if bill.status == Bill.Status.PAID:
                paid = bill.payment
                if (paid.method, paid.reference, paid.amount) == (method, reference, amount):
                    return paid, False
                raise NotPayable(
                    _("This bill was already paid on %(date)s (receipt %(receipt)s).")
                    % {"date": timezone.localdate(paid.recorded_at), "receipt": paid.receipt_number}
                )
            if bill.status != Bill.Status.UNPAID:
                raise NotPayable(
                    _("This bill cannot be paid (%(status)s).")
                    % {"status": bill.get_status_display()}
                )
            if bill.shown_status(at) == Bill.Status.EXPIRED:
                raise NotPayable(
                    _("This bill has expired and cannot be paid; the applicant renews it.")
                )
            if application.status != Status.AWAITING_PAYMENT:  # withdrawn meanwhile
                raise NotPayable(_("This application no longer awaits payment."))
            if amount != bill.amount:
                AmountFlag.objects.create(
                    bill=bill,
                    agency=bill.agency,
                    amount=amount,
                    method=method,
                    reference=reference,
                    recorded_by=officer,
                    at=at,
                )
                refused = WrongAmount(
                    _("Not recorded: the bill is exactly %(amount)s.")
                    % {"amount": rupiah(bill.amount)},
                    fields={
                        "amount": [
                            _("The charter's amount is %(amount)s; nothing else can be accepted")
                            % {"amount": rupiah(bill.amount)}
                        ]
                    },
                )
            else:
                payment = Payment.objects.create(
                    bill=bill,
                    agency=bill.agency,
                    amount=amount,
                    method=method,
                    reference=reference,
                    recorded_by=officer,
                    recorded_at=at,
                    receipt_number=f"BP-{bill.code}",
                )
                bill.status = Bill.Status.PAID
                bill.paid_at = at
                bill.save(update_fields=["status", "paid_at"])
                cases.record_fee_paid(
                    application=application,
                    by=officer,
                    at=at,
                    payment={
                        "amount": amount,
                        "method": method,
                        "code": bill.code,
                        "receipt": payment.receipt_number,
                    },
                )
    except cases.CaseError as error:  # the application moved meanwhile (another officer)
        raise NotPayable(error.message) from error
    if refused is not None:
        raise refused
    return payment, True
