"""The worker's reader of the case event log: one survey invitation per ended application.

An application that ends as completed, rejected or deemed approved writes an event of that
kind; this pass reads the events it has not handled (cursor `surveys.invitations`), makes the
invitation in the same transaction as it moves the cursor, and is idempotent (one invitation
per application, a unique column), so a pass that stops half-way is simply run again. The
message carrying the link is planned by `notifications.surveys` from the invitation rows.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from layanan.cases.events import read_new_events
from layanan.cases.models import Event
from layanan.surveys.actions import ENDING_KINDS, invite

CURSOR = "surveys.invitations"
BATCH = 200
PASS_EVENTS = 5_000
PASS_SECONDS = 10.0


def invite_ended_applications(
    *, max_events: int = PASS_EVENTS, max_seconds: float = PASS_SECONDS
) -> int:
    """Read new events batch by batch; return how many invitations were made."""
    started = time.monotonic()
    made = handled = 0
    while handled < max_events and time.monotonic() - started < max_seconds:
        with transaction.atomic():
            events, done = read_new_events(
                CURSOR,
                limit=min(BATCH, max_events - handled),
                now=timezone.now(),
                queryset=Event.objects.select_related(
                    "application", "application__agency", "application__service"
                ),
            )
            if not events:
                break
            for event in events:
                if event.kind in ENDING_KINDS:
                    made += invite(application=event.application, at=event.at) is not None
            done()
        handled += len(events)
    return made


def run() -> None:
    """The periodic job."""
    invite_ended_applications()
