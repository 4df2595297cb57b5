"""Who may see what of the transparency app's back-office pages (the public pages need no
check: they hold no personal data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Agency, OfficerRole, Role

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
