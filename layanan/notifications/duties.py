"""Reminders of an agency's duties about its standards (the maklumat after a standard is set,
the yearly evaluation, the three-yearly review) to the agency's administrators.

The periodic job: `charters.duties.sweep` opens the duties that are missing and records each
missed due day once; then every duty whose reminder day has come is claimed (a conditional
update, so two workers never remind twice) and one message per administrator is planned in the
same transaction, sent by the same task as every other message. An agency without an
administrator who has an address gets a row with no recipient (skipped), so the outbox shows
that nobody could be told.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Role
from layanan.charters import duties
from layanan.charters.models import Duty
from layanan.lib import display
from layanan.lib.links import absolute_url
from layanan.notifications.jobs import Draft, enqueue_sending, in_language, plan_for, reachable
from layanan.notifications.short import short_text

logger = logging.getLogger("layanan.notifications")


def administrators_of(duty: Duty) -> list[User]:
    """The active staff administrators of the duty's agency (as `administered_agency_ids`
    counts them) who chose a channel that reaches them."""
    users = User.objects.filter(
        is_active=True,
        is_staff=True,
        officer_roles__role=Role.AGENCY_ADMIN,
        officer_roles__unit__agency_id=duty.agency_id,
    ).distinct()
    return reachable(users)


def link_of(duty: Duty) -> str:
    if duty.kind == Duty.Kind.MAKLUMAT:
        return absolute_url(reverse("evaluation:maklumat", args=[duty.agency.code]))
    return absolute_url(reverse("evaluation:evaluate", args=[duty.service.code]))


def draft_of(duty: Duty) -> Draft:
    """The reminder in the active language."""
    context: dict[str, Any] = {
        "duty": duty,
        "agency": duty.agency.name,
        "service": duty.service.display_name,
        "version": duty.charter.version,
        "basis": display.date_in_words(duty.basis_on),
        "due": display.date_in_words(duty.due_on),
        "link": link_of(duty),
    }
    subject = render_to_string(f"notifications/duties/{duty.kind}_subject.txt", context)
    body = render_to_string(f"notifications/duties/{duty.kind}.txt", context)
    short, params = short_text(f"duty_{duty.kind}", context)
    return Draft(subject.strip()[:200], body, short, params)


def remind(duty: Duty, *, now: Any) -> list[int]:
    """Claim the duty's reminder and plan its messages; the ids to send (none when another
    pass had claimed it)."""
    pending: list[int] = []
    if not duties.claim_reminder(duty, now=now):
        return pending
    draft = in_language(partial(draft_of, duty))
    people: list[User | None] = [*administrators_of(duty)] or [None]
    for user in people:
        pending += plan_for(user=user, kind=f"duty_{duty.kind}", draft=draft, now=now, duty=duty)
    return pending


def run() -> None:
    """The periodic job (settings.LAYANAN_PERIODIC_JOBS)."""
    now = timezone.now()
    duties.sweep(now)
    for duty in duties.due_reminders(now):
        try:
            with transaction.atomic():
                pending = remind(duty, now=now)
                transaction.on_commit(partial(enqueue_sending, pending))
        except Exception:
            # one duty that cannot be written (its claim rolled back: tried again next pass)
            # must not hold back the reminders after it; said loudly in the log
            logger.exception("the reminder of duty %s could not be planned", duty.pk)
