"""What the charter page and the guarantee register show of the duties about standards:
when a service was last evaluated, and an overdue evaluation."""

from __future__ import annotations

from typing import Any

from django import template

from layanan.charters import duties
from layanan.charters.models import Service

register = template.Library()


@register.simple_tag
def evaluation_status(service: Service) -> dict[str, Any]:
    """``{% evaluation_status service as status %}`` (see `duties.evaluation_status`)."""
    return duties.evaluation_status(service)
