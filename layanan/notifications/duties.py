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

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layanan.accounts.models import User
from layanan.agencies.models import Role
from layanan.charters import duties
from layanan.charters.models import Duty
from layanan.lib import display
from layanan.lib.links import absolute_url
from layanan.notifications.jobs import enqueue_sending, plan_once

logger = logging.getLogger("layanan.notifications")


def admin_addresses(duty: Duty) -> list[str]:
    """The active staff administrators of the duty's agency (as `administered_agency_ids`
    counts them) who have an address."""
    users = User.objects.filter(
        is_active=True,
        is_staff=True,
        officer_roles__role=Role.AGENCY_ADMIN,
        officer_roles__unit__agency_id=duty.agency_id,
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def link_of(duty: Duty) -> str:
    if duty.kind == Duty.Kind.MAKLUMAT:
        return absolute_url(reverse("evaluation:maklumat", args=[duty.agency.code]))
    return absolute_url(reverse("evaluation:evaluate", args=[duty.service.code]))


def render(duty: Duty) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
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
    return subject.strip()[:200], body


def remind(duty: Duty, *, now: Any) -> list[int]:
    """Claim the duty's reminder and plan its messages; the ids to send (none when another
    pass had claimed it)."""
    pending: list[int] = []
    if not duties.claim_reminder(duty, now=now):
        return pending
    subject, body = render(duty)
    for recipient in admin_addresses(duty) or [""]:
        planned = plan_once(
            duty=duty,
            recipient=recipient,
            subject=subject,
            body=body,
            now=now,
        )
        if planned is not None:
            pending.append(planned)
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
