from typing import Any

from django.conf import settings
from django.http import HttpRequest

from layanan.agencies.models import OfficerRole, Role


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # The roles decide the back-office and counter links: one indexed query, for signed-in
    # users only.
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        roles = set(OfficerRole.objects.filter(user=user).values_list("role", flat=True))
    return {
        "LAYANAN_REGION_NAME": settings.LAYANAN_REGION_NAME,
        "LAYANAN_SITE_NAME": settings.LAYANAN_SITE_NAME,
        "is_officer": bool(roles),
        "is_front_office": Role.FRONT_OFFICE in roles,
        "is_treasurer": Role.TREASURER in roles,
        "is_agency_admin": Role.AGENCY_ADMIN in roles,
    }
