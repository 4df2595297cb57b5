"""The complaints' periodic pass (`layanan sweep` runs it with the guarantees' sweep; the
worker every minute): record each missed agency deadline once and escalate it to the unit's
supervisors, withdraw complaints the complainant did not complete in time, and close resolved
complaints whose complainant did not answer within the window.

Each pass reads the deadlines that fell due with an index range scan on the open ones, so its
cost follows the number of newly due limits, not the number of complaints; each missed limit
is claimed with a conditional update, so two sweeps at once record it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.utils import timezone

from layanan.agencies.models import OfficerRole, Role
from layanan.complaints.actions import (
    close_unanswered,
    record_missed_deadline,
    withdraw_incomplete,
)
from layanan.complaints.models import Complaint, Deadline, DeadlineKind, Status

BATCH = 500


@dataclass
class Summary:
    missed: int = 0
    withdrawn: int = 0
    closed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def supervisors_of(deadline: Deadline) -> list[str]:
    """The usernames of the supervisors of the deadline's unit, or of its agency's units
    when the complaint is still with the agency as a whole."""
    rows = OfficerRole.objects.filter(role=Role.SUPERVISOR)
    if deadline.unit_id is not None:
        rows = rows.filter(unit_id=deadline.unit_id)
    else:
        rows = rows.filter(unit__agency_id=deadline.agency_id)
    return sorted(set(rows.values_list("user__username", flat=True)))


def run(at: dt.datetime | None = None) -> Summary:
    moment = at or timezone.now()
    summary = Summary()
    after_id = 0
    while True:
        due = list(
            Deadline.objects.filter(
                met_at__isnull=True,
                cancelled_at__isnull=True,
                breached_at__isnull=True,
                due_at__lte=moment,
                pk__gt=after_id,
            )
            .select_related("agency", "complaint")
            .order_by("pk")[:BATCH]
        )
        if not due:
            break
        after_id = due[-1].pk
        for deadline in due:
            if deadline.kind == DeadlineKind.COMPLETION:
                summary.withdrawn += withdraw_incomplete(
                    complaint=deadline.complaint, deadline=deadline
                )
            elif record_missed_deadline(
                deadline=deadline, supervisors=supervisors_of(deadline), moment=moment
            ):
                summary.missed += 1
    for complaint in Complaint.objects.filter(
        status=Status.RESOLVED, feedback_expires_at__lte=moment
    ).order_by("pk")[:BATCH]:
        summary.closed += close_unanswered(complaint=complaint)
    return summary
