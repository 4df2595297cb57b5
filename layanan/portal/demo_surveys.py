"""Answered satisfaction surveys for the demo, so that the IKM report and the dashboard have a
figure from the first minute.

The worker's reader makes the invitation of each demo application that ended (completed,
rejected, deemed approved); their applicants answer through the link's action a couple of
hours after the end, and the counter enters the paper questionnaires of walk-in citizens of
the same service. Together they are the ten respondents of the example in issue 10 (unsur
totals 33, 31, 28, 40, 32, 33, 35, 28, 31): IKM 80.83, grade B.

Made once: no paper questionnaire is added when the demo officer has entered any already, and
an invitation answered stays answered.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Role, Unit
from layanan.surveys.actions import answer_survey, enter_paper_response
from layanan.surveys.invitations import invite_ended_applications
from layanan.surveys.models import Invitation, Response

# Ten respondents (u1 … u9); the first ones answer online, the rest on paper.
ANSWERS = (
    (4, 4, 3, 4, 4, 4, 4, 3, 4),
    (4, 3, 3, 4, 4, 4, 4, 3, 3),
    (4, 3, 3, 4, 3, 4, 4, 3, 3),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (3, 3, 3, 4, 3, 3, 3, 3, 3),
    (3, 3, 3, 4, 3, 3, 3, 3, 3),
    (3, 3, 3, 4, 3, 3, 3, 3, 3),
    (3, 3, 2, 4, 3, 3, 3, 2, 3),
    (3, 3, 2, 4, 3, 3, 3, 2, 3),
)
SUGGESTIONS = {
    0: "Pelayanan cepat, terima kasih. Mohon tambah kursi di ruang tunggu.",
    8: "Antrean pagi terlalu panjang; sebaiknya nomor antrean bisa diambil daring.",
}
PROFILES: tuple[dict[str, str], ...] = (
    {"sex": "p", "age_band": "30-39", "education": "s1", "occupation": "swasta"},
    {"sex": "l", "age_band": "40-49", "education": "sma", "occupation": "wirausaha"},
    {"sex": "p", "age_band": "20-29", "education": "diploma", "occupation": "lainnya"},
    {},
)
ANSWER_AFTER = dt.timedelta(hours=2)


def as_answers(row: tuple[int, ...]) -> dict[str, int]:
    return {f"u{index}": value for index, value in enumerate(row, start=1)}


def ensure_sample_surveys() -> int:
    """Invite for the demo's ended applications, answer them and enter the paper ones;
    return how many responses were added."""
    invite_ended_applications()
    now = timezone.now()
    added = 0
    invitations = list(
        Invitation.objects.filter(
            application__idempotency_key__startswith="demo-",
            application__applicant__username__in=("warga", "warga2"),
        )
        .select_related("application", "agency", "unit", "service")
        .order_by("application__ended_at", "pk")
    )
    for index, invitation in enumerate(invitations[: len(ANSWERS)]):
        if invitation.answered_at is not None:
            continue
        ended = invitation.application.ended_at or now
        at = min(ended + ANSWER_AFTER, now)
        if not invitation.is_open(at):
            continue
        answer_survey(
            invitation=invitation,
            answers=as_answers(ANSWERS[index]),
            profile=PROFILES[index % len(PROFILES)],
            suggestion=SUGGESTIONS.get(index, ""),
            at=at,
        )
        added += 1
    officer = User.objects.filter(username="petugas").first()
    if officer is None or Response.objects.filter(entered_by=officer).exists():
        return added
    first = invitations[0] if invitations else None
    unit = (
        first.unit
        if first is not None and first.unit is not None
        else Unit.objects.filter(
            officer_roles__user=officer, officer_roles__role=Role.FRONT_OFFICE
        ).first()
    )
    if unit is None:
        return added
    service = first.service if first is not None else None
    today = timezone.localdate(now)
    for offset, index in enumerate(range(len(invitations[: len(ANSWERS)]), len(ANSWERS))):
        enter_paper_response(
            officer=officer,
            unit=unit,
            service=service if service and service.lead_agency_id == unit.agency_id else None,
            answered_on=today - dt.timedelta(days=offset % 5),
            answers=as_answers(ANSWERS[index]),
            profile=PROFILES[index % len(PROFILES)],
            suggestion=SUGGESTIONS.get(index, ""),
        )
        added += 1
    return added
