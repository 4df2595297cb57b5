from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "LAYANAN_REGION_NAME": settings.LAYANAN_REGION_NAME,
        "LAYANAN_SITE_NAME": settings.LAYANAN_SITE_NAME,
    }
