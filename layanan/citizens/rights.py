"""Correction and restriction requests (UU 27/2022: the data subject's rights to correct
their data and to restrict its processing), answered within 3 × 24 hours.

Who answers: the platform's data-protection officer — any active account holding the
permission `citizens.answer_rightsrequest` (given in the Django admin, to a user or a group;
a superuser such as the demo's `admin` holds every permission). They see the open requests
soonest due first at /kantor/data-pribadi/ and answer each: done, partly done, or refused
with a reason. The citizen is told by email (when the account has one) and on /profil/data/.

The deadline is on the clock (72 hours from filing, not working days), stored when the
request is filed, never recomputed. The guarantee sweep (`guarantees.sweep.sweep`, every
minute in the worker) calls `sweep` here, as it does the complaints' legal limits: each
request past due without an answer is claimed once with a conditional update, recorded on
the request (`breached_at`) and in the citizen's account history, and escalated by email to
every data-protection officer. The reading is an index range scan on the open requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.actions import record_account_event
from layanan.accounts.mail import mail_after_commit
from layanan.accounts.models import AccountEvent, User
from layanan.citizens.models import RightsRequest

BATCH = 500
PERMISSION = "citizens.answer_rightsrequest"


class RequestError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def can_answer(user: User) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def data_protection_officers() -> list[User]:
    permission = Permission.objects.get(
        content_type__app_label="citizens", codename="answer_rightsrequest"
    )
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .distinct()
        .order_by("pk")
    )


def file_rights_request(
    *, citizen: User, kind: str, data: str, details: str, reason: str = ""
) -> RightsRequest:
    """Record a request; it must be answered by `due_at` (72 hours on)."""
    if kind not in RightsRequest.Kind.values:
        raise RequestError("kind", _("Choose what you ask for."))
    if not data.strip():
        raise RequestError("data", _("Say which of your data this is about."))
    if not details.strip():
        raise RequestError("details", _("Say what is wrong, or what should be restricted."))
    moment = timezone.now()
    with transaction.atomic():
        request = RightsRequest.objects.create(
            citizen=citizen,
            kind=kind,
            data=data.strip(),
            details=details.strip(),
            reason=reason.strip(),
            filed_at=moment,
            due_at=moment + RightsRequest.ANSWER_WITHIN,
        )
        record_account_event(
            user=citizen, actor=citizen, kind=AccountEvent.Kind.RIGHTS_REQUEST_FILED, note=kind
        )
    return request


def answer_rights_request(
    *, request: RightsRequest, officer: User, outcome: str, answer: str
) -> RightsRequest:
    """The data-protection officer's answer; a refusal or a partial answer needs a reason.
    An answered request cannot be answered again (a conditional update claims it)."""
    if not can_answer(officer):
        raise RequestError("outcome", _("Only a data-protection officer can answer."))
    if outcome not in RightsRequest.Outcome.values:
        raise RequestError("outcome", _("Choose the outcome."))
    answer = answer.strip()
    if outcome != RightsRequest.Outcome.DONE and not answer:
        raise RequestError("answer", _("Give the reason, for the citizen to read."))
    moment = timezone.now()
    with transaction.atomic():
        claimed = RightsRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answered_at=moment, answered_by=officer, outcome=outcome, answer=answer
        )
        if not claimed:
            raise RequestError("outcome", _("This request has already been answered."))
        request.refresh_from_db()
        record_account_event(
            user=request.citizen,
            actor=officer,
            kind=AccountEvent.Kind.RIGHTS_REQUEST_ANSWERED,
            note=outcome,
        )
        mail_after_commit(
            recipient=request.citizen.email,
            subject=_("Your personal-data request has been answered"),
            body=_(
                "Your request (%(kind)s) has been answered: %(outcome)s.\n\n%(answer)s\n\n"
                "See it on %(url)s"
            )
            % {
                "kind": request.get_kind_display(),
                "outcome": request.get_outcome_display(),
                "answer": answer,
                "url": settings.LAYANAN_SITE_URL + "/profil/data/",
            },
        )
    return request


def record_missed_answer(*, request: RightsRequest, moment: dt.datetime) -> bool:
    """Record once that a request was not answered in time, and tell every data-protection
    officer. Returns whether this call recorded it."""
    with transaction.atomic():
        claimed = RightsRequest.objects.filter(
            pk=request.pk, answered_at__isnull=True, breached_at__isnull=True
        ).update(breached_at=moment)
        if not claimed:
            return False
        record_account_event(
            user=request.citizen,
            actor=None,
            kind=AccountEvent.Kind.RIGHTS_REQUEST_LATE,
            note=request.due_at.isoformat(),
        )
        for officer in data_protection_officers():
            mail_after_commit(
                recipient=officer.email,
                subject=_("A personal-data request is past its 3 × 24-hour limit"),
                body=_(
                    "A citizen's request (%(kind)s, filed %(filed)s) was due %(due)s and has "
                    "no answer. Answer it now on %(url)s"
                )
                % {
                    "kind": request.get_kind_display(),
                    "filed": request.filed_at.isoformat(),
                    "due": request.due_at.isoformat(),
                    "url": settings.LAYANAN_SITE_URL + "/kantor/data-pribadi/",
                },
            )
    return True


@dataclass
class Summary:
    missed: int = 0


def sweep(at: dt.datetime | None = None) -> Summary:
    """Record every request that fell due without an answer (the guarantee sweep's part)."""
    moment = at or timezone.now()
    summary = Summary()
    after_id = 0
    while True:
        due = list(
            RightsRequest.objects.filter(
                answered_at__isnull=True,
                breached_at__isnull=True,
                due_at__lte=moment,
                pk__gt=after_id,
            )
            .select_related("citizen")
            .order_by("pk")[:BATCH]
        )
        if not due:
            return summary
        after_id = due[-1].pk
        for request in due:
            if record_missed_answer(request=request, moment=moment):
                summary.missed += 1
