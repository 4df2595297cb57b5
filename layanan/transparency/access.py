"""Who may see what of the transparency app's back-office pages (the public pages need no
check: they hold no personal data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.admin_scope import administered_agency_ids
from layanan.agencies.models import Agency, OfficerRole, Role
from layanan.charters.models import Service

ANALYST_ROLES = (Role.SUPERVISOR, Role.AGENCY_ADMIN)


def analytics_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose process analytics this officer may read: those where they are a
    supervisor or an agency administrator of any unit. Refused (403) when there are none."""
    ids = OfficerRole.objects.filter(user=user, role__in=ANALYST_ROLES).values_list(
        "unit__agency_id", flat=True
    )
    agencies = Agency.objects.filter(pk__in=ids).order_by("name")
    if not agencies.exists():
        raise PermissionDenied(_("This page is for supervisors and agency administrators."))
    return agencies


# -- the evaluation of standards and the maklumat: the lead agency's administrators ---------------


def administered_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose maklumat and evaluations this account keeps: those it administers
    (`administered_agency_ids`; every agency for a superuser). Refused (403) for anybody
    else — citizens and officers without the administrator's role."""
    ids = administered_agency_ids(user)
    if ids is not None and not ids:
        raise PermissionDenied(_("This page is for agency administrators."))
    agencies = Agency.objects.order_by("name")
    return agencies if ids is None else agencies.filter(pk__in=ids)


def administered_agency(user: User, code: str) -> Agency:
    """One agency the account administers; another agency's is unseen (404)."""
    found = administered_agencies(user).filter(code=code).first()
    if found is None:
        raise Http404(_("No such agency among yours."))
    return found


def administered_service(user: User, code: str) -> Service:
    """An active service led by an agency the account administers; another's is unseen (404)."""
    agencies = administered_agencies(user)
    found = (
        Service.objects.select_related("lead_agency")
        .filter(code=code, active=True, lead_agency__in=agencies)
        .first()
    )
    if found is None:
        raise Http404(_("No such service among yours."))
    return found
