"""What the charter page and the guarantee register show of the duties about standards:
when a service was last evaluated, an overdue evaluation, and the duties agencies missed."""

from __future__ import annotations

from typing import Any

from django import template

from layanan.agencies.models import Agency
from layanan.charters import duties
from layanan.charters.models import Duty, Service

register = template.Library()


@register.simple_tag
def evaluation_status(service: Service) -> dict[str, Any]:
    """``{% evaluation_status service as status %}`` (see `duties.evaluation_status`)."""
    return duties.evaluation_status(service)


@register.simple_tag
def missed_duties(form: Any) -> list[Duty]:
    """``{% missed_duties form as rows %}``: the duties missed, filtered like the register
    (its agency and year, when the filter is valid); at most 200, newest first."""
    agency: Agency | None = None
    year: int | None = None
    data = getattr(form, "cleaned_data", None) or {}
    if data.get("instansi"):
        agency = Agency.objects.filter(code=data["instansi"]).first()
        if agency is None:
            return []
    if data.get("tahun"):
        year = int(data["tahun"])
    return list(duties.missed(agency=agency, year=year)[:200])
