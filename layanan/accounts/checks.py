"""`layanan check --deploy` warns when a device holds the published demo key."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_second_factor(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from layanan.accounts.second_factor import DEMO_KEY

    try:
        names = list(
            TOTPDevice.objects.filter(key__iexact=DEMO_KEY).values_list("user__username", flat=True)
        )
    except DatabaseError:  # not migrated yet: nothing to warn about
        return []
    if not names:
        return []
    return [
        Warning(
            "Accounts use the published demo second-factor secret: " + ", ".join(sorted(names)),
            hint=(
                "This is a demo database. On a real service delete these accounts or reset "
                "their second factor (docs/operations.md)."
            ),
            id="layanan.accounts.W001",
        )
    ]
