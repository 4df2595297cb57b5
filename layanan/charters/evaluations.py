"""Recording the yearly evaluation and the three-yearly review of a standard (PP 96/2012), and
starting the next draft from their conclusions: the only place evaluations change.

The evidence is computed by `transparency.evaluation` (it reads cases, complaints, surveys and
guarantees, above this app) and handed in here to be frozen with the conclusions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.charters import consultations, duties
from layanan.charters.models import Charter, Duty, Evaluation, Service

MAX_CONCLUSIONS = 10_000


class EvaluationConflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def record_evaluation(
    *,
    service: Service,
    by: User | None,
    kind: str,
    conclusions: str,
    period_start: dt.date,
    period_end: dt.date,
    evidence: dict[str, Any],
    now: dt.datetime | None = None,
) -> Evaluation:
    """The agency's conclusions on the version in force, with the evidence they were drawn
    from. Does the duty of its kind (a review also does the yearly evaluation) and opens the
    next one, counted from today."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    conclusions = (conclusions or "").strip()
    if kind not in Evaluation.Kind.values:
        errors["kind"] = _("Choose a yearly evaluation or a three-yearly review.")
    if not conclusions:
        errors["conclusions"] = _("Write the conclusions of the evaluation.")
    elif len(conclusions) > MAX_CONCLUSIONS:
        errors["conclusions"] = _("Use at most 10,000 characters.")
    if period_end < period_start:
        errors["period"] = _("The period must end after it starts.")
    if errors:
        raise duties.DutyInvalid(errors)
    locked = Service.objects.select_for_update().select_related("lead_agency").get(pk=service.pk)
    in_force = locked.charters.filter(status=Charter.Status.ADOPTED).first()
    if in_force is None:
        raise EvaluationConflict(_("This service has no standard in force to evaluate."))
    evaluation = Evaluation.objects.create(
        service=locked,
        charter=in_force,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        conclusions=conclusions,
        evidence=evidence,
        evaluated_at=now,
        evaluated_by=by,
    )
    answered = [Duty.Kind.YEARLY]
    if kind == Evaluation.Kind.REVIEW:
        answered.append(Duty.Kind.REVIEW)
    for duty in Duty.objects.select_related("agency").filter(
        service=locked, kind__in=answered, closed_at__isnull=True
    ):
        duties.close(duty, now=now, closed_as=Duty.Closed.DONE, evaluation=evaluation)
    duties.sync_evaluation_duties(locked, now=now)
    return evaluation


@transaction.atomic
def start_next_draft(*, evaluation: Evaluation, by: User | None) -> Charter:
    """A new draft of the service from the version in force, its change note the conclusions
    (refused, as `consultations.start_draft` refuses, while another version is drafted)."""
    locked = Evaluation.objects.select_for_update().select_related("service").get(pk=evaluation.pk)
    if locked.next_draft_id is not None:
        raise EvaluationConflict(_("A draft was already started from this evaluation."))
    try:
        draft = consultations.start_draft(
            service=locked.service, by=by, change_note=locked.conclusions
        )
    except consultations.ConsultationConflict as conflict:
        raise EvaluationConflict(conflict.message) from conflict
    locked.next_draft = draft
    locked.save(update_fields=["next_draft"])
    evaluation.next_draft = draft
    return draft
