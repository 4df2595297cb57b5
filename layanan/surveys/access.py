"""Who may see or do what with surveys: the one place that decides.

The survey link is the applicant's key (no sign-in); an unknown key answers 404. Paper entry
is for front-office officers, imports for agency administrators, reports for officers of the
agency (supervisors, administrators, front office) and superusers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Agency, OfficerRole, Role
from layanan.surveys.actions import administered_agencies, digest, front_office_units
from layanan.surveys.models import Invitation

REPORT_ROLES = (Role.FRONT_OFFICE, Role.SUPERVISOR, Role.AGENCY_ADMIN)


def get_invitation(key: str) -> Invitation:
    if not key or len(key) > 64:
        raise Http404("no such survey")
    invitation = (
        Invitation.objects.filter(key_hash=digest(key))
        .select_related("agency", "service", "unit")
        .first()
    )
    if invitation is None:
        raise Http404("no such survey")
    return invitation


def ensure_front_office(user: User) -> None:
    if not front_office_units(user):
        raise PermissionDenied(_("This page is for front-office officers."))


def ensure_agency_admin(user: User) -> list[Agency]:
    agencies = administered_agencies(user)
    if not agencies:
        raise PermissionDenied(_("This page is for agency administrators."))
    return agencies


def may_read_reports(user: User) -> bool:
    return bool(
        (user.is_superuser and user.is_active)
        or OfficerRole.objects.filter(user=user, role__in=REPORT_ROLES).exists()
    )


def report_agencies(user: User) -> list[Agency]:
    """The agencies whose survey results `user` may read in the back office."""
    if user.is_superuser and user.is_active:
        return list(Agency.objects.order_by("name"))
    ids = OfficerRole.objects.filter(user=user, role__in=REPORT_ROLES).values_list(
        "unit__agency_id", flat=True
    )
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name"))
    if not agencies:
        raise PermissionDenied(_("This page is for the agency's officers."))
    return agencies
