"""The profile as application forms take it, and the consent recorded when they do.

Hooked into `cases` by settings (cases.prefill explains the flow): `LAYANAN_PROFILE_VALUES`
names `profile_values`, `LAYANAN_SUBMISSION_HOOKS` names `record_profile_consent`.
"""

from __future__ import annotations

from django.utils import timezone

from layanan.accounts.models import User
from layanan.cases import prefill
from layanan.cases.models import Application
from layanan.citizens.models import Consent, Profile


def profile_values(user: User) -> dict[str, str]:
    """Every profile attribute of `user` (lib.personal_data.PROFILE_ATTRIBUTES), written as
    the application form stores its answers; "" for those not given."""
    record = Profile.objects.filter(user=user).first() or Profile(user=user)
    return {
        "nik": record.nik or "",
        "kk_number": record.kk_number or "",
        "full_name": user.full_name,
        "birth_place": record.birth_place,
        "birth_date": record.birth_date.isoformat() if record.birth_date else "",
        "address": record.address,
        "region_code": record.region_code,
        "phone": user.phone,
        "email": user.email,
    }


def record_profile_consent(application: Application, *, by: User, channel: str) -> Consent | None:
    """On submission: the consent to the profile data the answers carry, recorded once.

    The active consent of the application (kind profile) stays when it names the same fields;
    when the set changed (the applicant changed an answer, or answered one more from the
    profile before resubmitting) the old one is closed, as withdrawn by the same person at
    the same moment, and a new one is recorded, so that the one active consent always says
    what the agencies have. Without profile data, no consent; an old one is closed."""
    fields = prefill.from_profile(application)
    active = list(
        Consent.objects.select_for_update().filter(
            application=application, kind=Consent.Kind.PROFILE, withdrawn_at__isnull=True
        )
    )
    if len(active) == 1 and active[0].fields == fields:
        return active[0]
    at = timezone.now()
    for consent in active:
        consent.withdrawn_at, consent.withdrawn_by = at, by
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    if not fields:
        return None
    terms = prefill.consent_terms(application, fields)
    return Consent.objects.create(
        citizen_id=application.applicant_id,
        application=application,
        kind=Consent.Kind.PROFILE,
        fields=fields,
        what=terms["what"][:300],
        agencies=terms["agencies"],
        purpose=terms["purpose"][:300],
        channel=channel,
        given_by=by,
        given_at=at,
    )
