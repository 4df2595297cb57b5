"""The worker's reader of the case event log: the product of each completed application.

An application whose final step approves writes a `completed` event; this pass reads the
events it has not handled (cursor `documents.issuing`), makes the document's row (`pending`)
in the same transaction as it moves the cursor, and is idempotent (one product per
application, a unique constraint). It then generates and signs the pending documents, one
claimed at a time, outside the reading transaction, so completing an application is never
slowed by signing and a missing certificate only delays the document.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from layanan.cases.events import read_new_events
from layanan.cases.models import Event
from layanan.documents.actions import issue_pending_documents, prepare_document

CURSOR = "documents.issuing"
BATCH = 200
PASS_EVENTS = 5_000
PASS_SECONDS = 10.0
ISSUING_KINDS = ("completed",)


def prepare_completed(*, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS) -> int:
    """Read new events batch by batch; return how many documents were prepared."""
    started = time.monotonic()
    made = handled = 0
    while handled < max_events and time.monotonic() - started < max_seconds:
        with transaction.atomic():
            events, done = read_new_events(
                CURSOR,
                limit=min(BATCH, max_events - handled),
                now=timezone.now(),
                queryset=Event.objects.select_related(
                    "application",
                    "application__agency",
                    "application__charter",
                    "application__applicant",
                ),
            )
            if not events:
                break
            for event in events:
                if event.kind in ISSUING_KINDS:
                    made += prepare_document(application=event.application, at=event.at) is not None
            done()
        handled += len(events)
    return made


def run() -> None:
    """The periodic job."""
    prepare_completed()
    issue_pending_documents()
