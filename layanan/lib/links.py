"""Links that leave the site (messages, signed documents, API answers): the site's public
address, `LAYANAN_SITE_URL`, and a path."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.LAYANAN_SITE_URL.rstrip("/") + path
