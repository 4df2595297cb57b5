"""The bill on the application page (a `cases` template): `cases` knows nothing of payments;
its template loads this library, as it does the survey link."""

from __future__ import annotations

from django import template

from layanan.cases.models import Application
from layanan.payments.presenters import BillView, bill_view, latest_bill

register = template.Library()


@register.simple_tag
def bill_of(application: Application) -> BillView | None:
    """The application's latest bill as shown to people, or None (a free service has none)."""
    bill = latest_bill(application)
    return bill_view(bill) if bill else None
