"""Bills issued from the event log, from the worker: each `payment_awaited` event (written by
the workflow engine through `cases`) gets its application's bill; a `compensation_owed` event
of kind waiver (the guarantee sweep) waives the fee of an application awaiting it. Idempotent:
an application has at most one unpaid bill, and `issue_bill` returns it when it exists. A
`compensation_paid` event (the treasurer paid a guarantee's refund or compensation order) that
pays back at least the whole fee of a paid bill marks that bill refunded."""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from layanan.cases.events import read_new_events
from layanan.cases.models import Event
from layanan.payments.actions import issue_bill, mark_refunded, waive_fee

CURSOR = "payments.bills"
BATCH = 200
PASS_EVENTS = 5_000
PASS_SECONDS = 10.0


def issue_awaited_bills(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Read new events batch by batch; return how many bills were issued."""
    started = time.monotonic()
    issued = handled = 0
    while handled < max_events and time.monotonic() - started < max_seconds:
        with transaction.atomic():
            events, done = read_new_events(
                CURSOR,
                limit=min(BATCH, max_events - handled),
                now=timezone.now(),
                queryset=Event.objects.select_related("application"),
            )
            if not events:
                break
            for event in events:
                if event.kind == "payment_awaited":
                    issued += issue_bill(application=event.application) is not None
                elif event.kind == "compensation_owed" and event.data.get("kind") == "waiver":
                    waive_fee(application=event.application)
                elif event.kind == "compensation_paid" and not event.data.get("waived"):
                    mark_refunded(application=event.application, amount=event.data.get("amount"))
            done()
        handled += len(events)
    return issued


def run() -> None:
    """The periodic job."""
    issue_awaited_bills()
