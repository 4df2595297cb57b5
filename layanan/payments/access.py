"""Who may see or touch bills and payments: the applicant their own, the agency's treasurer
(bendahara penerimaan) those of the agency. Unseen rows answer 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.access import canonical_number
from layanan.cases.models import Application


def treasurer_agency_ids(user: User) -> set[int]:
    """Agencies where the user is a treasurer (in any of its units)."""
    if not user.is_authenticated:
        return set()
    rows = OfficerRole.objects.filter(user=user, role=Role.TREASURER, user__is_active=True)
    return set(rows.values_list("unit__agency_id", flat=True))


def is_treasurer_of(user: User, application: Application) -> bool:
    return application.agency_id in treasurer_agency_ids(user)


def applications_for_treasurer(user: User) -> QuerySet[Application]:
    return Application.objects.filter(agency_id__in=treasurer_agency_ids(user)).exclude(
        status="draft"
    )


def get_application_for_treasurer(user: User, number: str) -> Application:
    canonical = canonical_number(number)
    agencies = treasurer_agency_ids(user)
    application = (
        Application.objects.filter(number=canonical, agency_id__in=agencies)
        .exclude(status="draft")
        .select_related("agency", "charter", "service")
        .first()
        if canonical and agencies
        else None
    )
    if application is None:
        raise Http404("no such application")
    return application
