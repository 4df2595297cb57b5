"""What a compensation comes to now.

A per-day compensation ("Rp50.000 per working day late, at most Rp350.000") grows while its
application is open: the row's `amount` holds what was owed when the application fell late and
is set to the final amount when the application ends (`sweep.settle_per_day`, or
`actions.record_payment` if the payment comes first). Pages and the register therefore show the
amount accrued so far, counted on the agency's calendar, with the rule; a payment can be recorded
only once the amount is final. Other kinds are fixed when owed.
"""

from __future__ import annotations

from dataclasses import dataclass

from layanan.agencies.calendars import calendar_for
from layanan.cases.presenters import per_day_compensation
from layanan.guarantees.models import Compensation
from layanan.lib.money import rupiah
from layanan.lib.workdays import WorkCalendar


@dataclass(frozen=True)
class CompensationAmount:
    amount: int  # rupiah, accrued so far when not final
    text: str  # "Rp50.000", or the accrued amount with the rule
    final: bool  # False while a per-day compensation still grows: no payment to record yet


def amounts_now(compensations: list[Compensation]) -> dict[int, CompensationAmount]:
    """What each compensation comes to now, by id (their applications, charters and agencies
    selected with them; one calendar read per agency)."""
    calendars: dict[int, WorkCalendar] = {}
    answer: dict[int, CompensationAmount] = {}
    for compensation in compensations:
        application = compensation.application
        per_day = None
        if compensation.kind == "per_day":
            if application.agency_id not in calendars:
                calendars[application.agency_id] = calendar_for(application.agency)
            per_day = per_day_compensation(application, calendar=calendars[application.agency_id])
        if per_day is None:
            answer[compensation.pk] = CompensationAmount(
                compensation.amount, rupiah(compensation.amount), True
            )
        else:
            answer[compensation.pk] = CompensationAmount(
                per_day.amount, per_day.text, per_day.final
            )
    return answer


def amount_now(compensation: Compensation) -> CompensationAmount:
    return amounts_now([compensation])[compensation.pk]
