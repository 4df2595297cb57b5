"""What the charter page and the guarantee register show of the duties about standards:
when a service was last evaluated, an overdue evaluation, and the duties agencies missed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from layanan.agencies.models import Agency
from layanan.charters.duties import EVALUATION_KINDS, local_day, missed
from layanan.charters.models import Duty, Evaluation, Service

register = template.Library()


@register.simple_tag
def evaluation_status(service: Service) -> dict[str, Any]:
    """``{% evaluation_status service as status %}``: the last evaluation (when and which)
    and the open evaluation duties, each marked overdue or not. One query when the service
    has its duties open (the usual case)."""
    latest = Evaluation.objects.filter(service=OuterRef("service")).order_by("-evaluated_at")
    duties = list(
        Duty.objects.filter(service=service, kind__in=EVALUATION_KINDS, closed_at__isnull=True)
        .annotate(
            last_pk=Subquery(latest.values("pk")[:1]),
            last_at=Subquery(latest.values("evaluated_at")[:1]),
        )
        .order_by("due_on")
    )
    if duties:
        last_pk, last_at = duties[0].last_pk, duties[0].last_at
    else:
        found = service.evaluations.values_list("pk", "evaluated_at").first()
        last_pk, last_at = found if found else (None, None)
    today = local_day(service.lead_agency, timezone.now())
    return {
        "last_pk": last_pk,
        "last_at": last_at,
        "duties": [{"duty": d, "overdue": today > d.due_on} for d in duties],
        "overdue": [d for d in duties if today > d.due_on],
    }


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
    return list(missed(agency=agency, year=year)[:200])


@register.filter
def from_iso(value: object) -> dt.date | dt.datetime | None:
    """An ISO date or instant kept in an evidence snapshot, back as a date or datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        if "T" in value:
            return dt.datetime.fromisoformat(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
