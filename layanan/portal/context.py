from typing import Any

from django.conf import settings
from django.http import HttpRequest

from layanan.agencies.models import OfficerRole


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "LAYANAN_REGION_NAME": settings.LAYANAN_REGION_NAME,
        "LAYANAN_SITE_NAME": settings.LAYANAN_SITE_NAME,
        # Shows the back-office link; one indexed query for signed-in users only.
        "is_officer": bool(
            user is not None
            and user.is_authenticated
            and OfficerRole.objects.filter(user=user).exists()
        ),
    }
