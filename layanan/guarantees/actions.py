"""Changes to compensations; each writes its public event in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.cases.actions import InvalidInput
from layanan.cases.events import record_event
from layanan.guarantees.amounts import amount_now
from layanan.guarantees.models import Compensation
from layanan.lib.money import digits, rupiah

REFERENCE_MAX_LENGTH = Compensation._meta.get_field("payment_reference").max_length or 100


@transaction.atomic
def record_payment(
    *,
    compensation: Compensation,
    by: User,
    reference: str,
    method: str = "",
    amount: int | None = None,
) -> bool:
    """Mark an owed compensation paid; False if it was already recorded as paid.

    `method` (tunai / transfer) and `amount` come from the treasurer's settlement: the amount
    paid must be exactly the amount owed, and both go into the public `compensation_paid`
    event. The reference (a transfer number or receipt number) is what lets an auditor find the
    payment, so a payment is never recorded without one. Raises InvalidInput."""
    reference = (reference or "").strip()
    if not reference:
        message = _("Enter the payment reference, such as the transfer or receipt number.")
        raise InvalidInput(message, fields={"reference": [message]})
    if len(reference) > REFERENCE_MAX_LENGTH:
        message = _("Payment reference must be %(count)d characters or fewer.") % {
            "count": REFERENCE_MAX_LENGTH
        }
        raise InvalidInput(message, fields={"reference": [message]})
    # A per-day compensation is paid once, in full, when its application has ended: until
    # then it still grows. Paid then, the final amount is written with the payment, so a
    # payment that comes before the sweep has settled the amount records the right sum.
    owed = amount_now(compensation)
    if not owed.final:
        message = _(
            "This compensation still grows by the day: record its payment once the "
            "application has ended and the amount is final."
        )
        raise InvalidInput(message, fields={"reference": [message]})
    if amount is not None and amount != owed.amount:
        message = _("The amount owed is %(owed)s: pay exactly that amount.") % {
            "owed": rupiah(owed.amount)
        }
        raise InvalidInput(message, fields={"amount": [message]})
    now = timezone.now()
    updated = Compensation.objects.filter(
        pk=compensation.pk, status=Compensation.Status.OWED
    ).update(
        status=Compensation.Status.PAID,
        paid_at=now,
        paid_by=by,
        payment_reference=reference,
        amount=owed.amount,
    )
    if not updated:
        return False
    compensation.amount = owed.amount
    record_event(
        compensation.application,
        "compensation_paid",
        at=now,
        actor=by,
        public=True,
        note=_("Compensation of Rp%(amount)s was paid.") % {"amount": digits(compensation.amount)},
        data={"amount": compensation.amount, "kind": compensation.kind, "reference": reference}
        | ({"method": method} if method else {}),
    )
    return True


def settle_waiver(*, application_id: int, at: dt.datetime) -> bool:
    """The fee a waiver compensation owed was not charged (`payments` waived the bill: a
    `fee_waived` event, read by the sweep's reader): the compensation is settled by that,
    with nothing to pay out. False when no waiver was owed."""
    compensation = Compensation.objects.filter(
        application_id=application_id, kind="waiver", status=Compensation.Status.OWED
    ).first()
    if compensation is None:
        return False
    Compensation.objects.filter(pk=compensation.pk, status=Compensation.Status.OWED).update(
        status=Compensation.Status.PAID,
        paid_at=at,
        payment_reference=_("Fee not charged (bill waived)")[:REFERENCE_MAX_LENGTH],
    )
    record_event(
        compensation.application,
        "compensation_paid",
        at=timezone.now(),
        actor=None,
        public=True,
        note=_("The fee of Rp%(amount)s was not charged.")
        % {"amount": digits(compensation.amount)},
        data={"amount": compensation.amount, "waived": True},
    )
    return True
