"""Template helpers of the complaints back office."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from layanan.complaints.models import Complaint, Privacy

register = template.Library()


@register.filter
def not_confidential(complaints: Any) -> QuerySet[Complaint]:
    """An application's complaints (`application.complaints`) without the *rahasia* ones,
    oldest first: what the application's back-office page may list."""
    return complaints.exclude(privacy=Privacy.CONFIDENTIAL).order_by("created_at", "pk")
