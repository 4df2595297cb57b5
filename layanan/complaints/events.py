"""Checking the complaints' hash-chained event logs (written by `actions.record_complaint_event`),
with the same rules as the applications' (`cases.events.verify_chain`)."""

from __future__ import annotations

from layanan.cases.events import BrokenLink, verify_chain
from layanan.complaints.models import Complaint, ComplaintEvent


def verify_all_complaints(batch: int = 500) -> tuple[int, list[BrokenLink]]:
    """Check every complaint's chain; return how many were checked and the broken ones."""
    broken: list[BrokenLink] = []
    checked = 0
    last_id = 0
    while True:
        chunk = list(
            Complaint.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "number")[:batch]
        )
        if not chunk:
            return checked, broken
        for pk, number in chunk:
            events = ComplaintEvent.objects.filter(complaint_id=pk).order_by("seq")
            link = verify_chain(events, number)  # type: ignore[arg-type]
            if link:
                broken.append(link)
            checked += 1
        last_id = chunk[-1][0]
