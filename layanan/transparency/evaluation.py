"""The evidence for evaluating one service's standard over a period (PP 96/2012): what citizens
experienced, beside the components of the standard it speaks about.

- Time limit: applications decided on time and late, median and 90th percentile of working
  days to completion, from the rollups (`figures.figures_for`, the dashboard's figures).
- Procedure: per step, completions, the share ended by the step's due time, and the median
  and 90th percentile of working time in the step (`analytics.step_figures`, for each agency
  that did steps of the service).
- Guarantee: breaches, compensation owed and paid, applications granted by law (rollups).
- Complaints: the service's complaints received in the period, by category.
- Satisfaction: IKM with NRR per unsur, the lowest flagged (`surveys.reports.ikm_summary`, which
  follows PermenPAN-RB 14/2017 as REGULATION.md writes it).
- The consultation history of the service: every consultation and what its report counted.

`evidence_for` returns plain JSON (numbers, strings), frozen as it is with the agency's
conclusions (`charters.evaluations.record_evaluation`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.utils import timezone

from layanan.cases.models import Step
from layanan.charters.models import Charter, Consultation, Service
from layanan.complaints.models import Complaint
from layanan.lib import ikm
from layanan.lib.duty_dates import add_months
from layanan.transparency.analytics import ENDED, step_figures
from layanan.transparency.figures import figures_for
from layanan.transparency.ikm import ikm_for
from layanan.transparency.periods import Period

GUARANTEE_COUNTERS = (
    "breaches_late",
    "breaches_very_late",
    "compensations_owed",
    "amount_owed",
    "compensations_paid",
    "amount_paid",
    "deemed_approved",
)
# Which evidence speaks about which component: the SKM unsur that asks about it
# (PermenPAN-RB 14/2017) and the measured figures.
COMPONENT_EVIDENCE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("requirements", ("u1",), ()),
    ("procedure", ("u2",), ("steps",)),
    ("time_limit", ("u3",), ("time",)),
    ("fee", ("u4",), ()),
    ("product", ("u5",), ()),
    ("facilities", ("u9",), ()),
    ("competence", ("u6", "u7"), ()),
    ("complaints", ("u8",), ("complaints",)),
    ("guarantee", (), ("guarantees",)),
)


@dataclass(frozen=True)
class Span:
    """Whole months, the last one being the current month: [start, end] with `end` today."""

    start: dt.date
    end: dt.date  # the last day counted

    @property
    def months(self) -> list[str]:
        found, day = [], self.start
        while day <= self.end:
            found.append(f"{day.year:04d}-{day.month:02d}")
            day = add_months(day, 1)
        return found


def span_of(today: dt.date, months: int = 12) -> Span:
    """The last `months` months: from the first day of the month `months - 1` before this one
    to today."""
    return Span(start=add_months(today.replace(day=1), -(months - 1)), end=today)


def number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def percent(part: int, whole: int) -> str | None:
    """A share in percent to one decimal, as text (JSON keeps it exact)."""
    if not whole:
        return None
    return str(ikm.round_half_up(Fraction(100 * part, whole), 1))


def step_evidence(service: Service, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    agencies = [service.lead_agency, *service.agencies.exclude(pk=service.lead_agency_id)]
    for agency in agencies:
        on_time = {
            row["key"]: row
            for row in Step.objects.filter(
                agency=agency,
                ended_at__gte=start,
                ended_at__lt=end,
                state__in=ENDED,
                started_at__isnull=False,
                application__service=service,
            )
            .order_by()
            .values("key")
            .annotate(
                ended=Count("pk"),
                on_time=Count("pk", filter=Q(due_at__isnull=True) | Q(ended_at__lte=F("due_at"))),
            )
        }
        for figures in step_figures(agency=agency, start=start, end=end, service=service):
            counted = on_time.get(figures.key, {"ended": 0, "on_time": 0})
            rows.append(
                {
                    "key": figures.key,
                    "name": figures.name,
                    "order": figures.order,
                    "agency": agency.code,
                    "completions": figures.completions,
                    "on_time": counted["on_time"],
                    "on_time_percent": percent(counted["on_time"], counted["ended"]),
                    "median_minutes": figures.median_minutes,
                    "p90_minutes": figures.p90_minutes,
                    "returned": figures.returned,
                }
            )
    return sorted(rows, key=lambda r: (r["order"], r["key"]))


def complaint_evidence(service: Service, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    counts = (
        Complaint.objects.filter(service=service, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("category__name")
        .annotate(n=Count("pk"))
    )
    by_category = sorted(
        ({"category": row["category__name"], "count": row["n"]} for row in counts),
        key=lambda r: (-r["count"], r["category"]),
    )
    return {"total": sum(r["count"] for r in by_category), "by_category": by_category}


def ikm_evidence(service: Service, span: Span) -> dict[str, Any] | None:
    summary = ikm_for(
        agency=None, service=service, start=span.start, end=span.end + dt.timedelta(days=1)
    )
    if summary is None:
        return None
    return {
        "respondents": summary["respondents"],
        "population": summary["population"],
        "sample_needed": summary["sample_needed"],
        "representative": summary["representative"],
        "ikm": number(summary["ikm"]),
        "mutu": summary["mutu"],
        "kinerja": summary["kinerja"],
        "lowest": list(summary["lowest"]),
        "unsur": [
            {
                "code": code,
                "name": ikm.UNSUR_NAMES[code],
                "nrr": number(summary["nrr"][code]),
                "converted": number(summary["ikm_per_unsur"][code]),
                "lowest": code in summary["lowest"],
            }
            for code in ikm.UNSUR
        ],
    }


def consultation_evidence(service: Service) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for consultation in (
        Consultation.objects.filter(charter__service=service)
        .select_related("charter")
        .annotate(
            comment_count=Count("comments", distinct=True),
            commenter_count=Count("comments__author", distinct=True),
        )
        .order_by("-charter__version")
    ):
        report = consultation.report or {}
        rows.append(
            {
                "id": consultation.pk,
                "version": consultation.charter.version,
                "status": str(consultation.status_at(now)),
                "published_at": consultation.published_at.isoformat()
                if consultation.published_at
                else None,
                "closes_at": consultation.closes_at.isoformat() if consultation.closes_at else None,
                "adopted_at": consultation.adopted_at.isoformat()
                if consultation.adopted_at
                else None,
                "participants": sum(int(n) for n in (consultation.participants or {}).values()),
                "comments": consultation.comment_count,
                "commenters": consultation.commenter_count,
                "decisions": report.get("decisions", {}),
                "changed_by_consultation": report.get("changed_by_consultation", []),
            }
        )
    return rows


def evidence_for(service: Service, *, span: Span, now: dt.datetime) -> dict[str, Any]:
    """Everything the evaluation page shows, as JSON-ready values."""
    zone = ZoneInfo(service.lead_agency.time_zone)
    start = dt.datetime.combine(span.start, dt.time(), tzinfo=zone)
    end = min(now, dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time(), tzinfo=zone))
    # figures_for reads only the months of its period; a Span has them
    figures = figures_for(period=cast(Period, span), service=service, now=now)
    in_force = service.charters.filter(status=Charter.Status.ADOPTED).first()
    return {
        "period": {"start": span.start.isoformat(), "end": span.end.isoformat()},
        "version": in_force.version if in_force else None,
        "computed_at": now.isoformat(),
        "time": {
            "decided": figures.decided,
            "on_time": figures.totals["on_time"],
            "late": figures.totals["late"],
            "on_time_percent": percent(figures.totals["on_time"], figures.decided),
            "median_days": figures.median_days,
            "p90_days": figures.p90_days,
            "late_now": figures.late_now,
        },
        "steps": step_evidence(service, start, end),
        "guarantees": {name: figures.totals[name] for name in GUARANTEE_COUNTERS},
        "complaints": complaint_evidence(service, start, end),
        "ikm": ikm_evidence(service, span),
        "consultations": consultation_evidence(service),
    }
