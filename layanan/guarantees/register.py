"""The public guarantee register: breaches, very late cases, compensations and deemed
approvals by agency, service and month, and the complaints' legal time limits missed.
Counts and amounts only: no personal data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from layanan.cases.models import OPEN_STATUSES, Application
from layanan.charters.models import Service
from layanan.complaints.models import Deadline
from layanan.guarantees.amounts import amounts_now
from layanan.guarantees.models import Breach, Compensation

COLUMNS = (
    "month",
    "agency",
    "agency_name",
    "service",
    "service_name",
    "late",
    "very_late",
    "compensations_owed",
    "amount_owed",
    "compensations_paid",
    "amount_paid",
    "deemed_approved",
    "complaint_deadlines_missed",
)


def register_rows(*, agency: str = "", year: int | None = None) -> list[dict[str, Any]]:
    """One row per (month, agency, service) with anything to report, newest month first."""
    breaches: QuerySet[Breach] = Breach.objects.filter(withdrawn_at__isnull=True)
    compensations: QuerySet[Compensation] = Compensation.objects.filter(
        status__in=(Compensation.Status.OWED, Compensation.Status.PAID)
    )
    deemed: QuerySet[Application] = Application.objects.filter(status="deemed_approved")
    # Complaints' legal limits missed (verification, follow-up plan, decision); a complaint
    # about no particular service is counted under the service "".
    missed: QuerySet[Deadline] = Deadline.objects.filter(breached_at__isnull=False)
    if agency:
        breaches = breaches.filter(application__agency__code=agency)
        compensations = compensations.filter(agency__code=agency)
        deemed = deemed.filter(agency__code=agency)
        missed = missed.filter(agency__code=agency)
    if year:
        breaches = breaches.filter(detected_at__year=year)
        compensations = compensations.filter(owed_at__year=year)
        deemed = deemed.filter(ended_at__year=year)
        missed = missed.filter(breached_at__year=year)

    rows: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: dict.fromkeys(COLUMNS[5:], 0)
    )
    names: dict[str, str] = {}

    def key(month: Any, agency_code: str, service_code: str) -> tuple[str, str, str]:
        return (month.strftime("%Y-%m"), agency_code, service_code)

    for item in (
        breaches.annotate(month=TruncMonth("detected_at"))
        .values(
            "month",
            "application__agency__code",
            "application__agency__name",
            "service__code",
            "service__name",
        )
        .annotate(
            late=Count("pk", filter=Q(level="late")),
            very_late=Count("pk", filter=Q(level="very_late")),
        )
    ):
        row = rows[key(item["month"], item["application__agency__code"], item["service__code"])]
        row["late"] += item["late"]
        row["very_late"] += item["very_late"]
        names[item["application__agency__code"]] = item["application__agency__name"]
        names["s:" + item["service__code"]] = item["service__name"]
    for item in (
        compensations.annotate(month=TruncMonth("owed_at"))
        .values(
            "month",
            "agency__code",
            "agency__name",
            "application__service__code",
            "application__service__name",
        )
        .annotate(
            owed=Count("pk", filter=Q(status="owed")),
            owed_amount=Sum("amount", filter=Q(status="owed")),
            paid=Count("pk", filter=Q(status="paid")),
            paid_amount=Sum("amount", filter=Q(status="paid")),
        )
    ):
        row = rows[key(item["month"], item["agency__code"], item["application__service__code"])]
        row["compensations_owed"] += item["owed"]
        row["amount_owed"] += item["owed_amount"] or 0
        row["compensations_paid"] += item["paid"]
        row["amount_paid"] += item["paid_amount"] or 0
        names[item["agency__code"]] = item["agency__name"]
        names["s:" + item["application__service__code"]] = item["application__service__name"]
    # A per-day compensation of an open application still grows: count what has accrued so
    # far rather than the one day owed when it fell late.
    growing = list(
        compensations.filter(
            status=Compensation.Status.OWED,
            kind="per_day",
            application__status__in=OPEN_STATUSES,
        ).select_related(
            "agency", "application__charter", "application__agency", "application__service"
        )
    )
    accrued = amounts_now(growing)
    for compensation in growing:
        month = timezone.localtime(compensation.owed_at)  # as TruncMonth groups them
        service = compensation.application.service.code
        row = rows[key(month, compensation.agency.code, service)]
        row["amount_owed"] += accrued[compensation.pk].amount - compensation.amount
    for item in (
        deemed.annotate(month=TruncMonth("ended_at"))
        .values("month", "agency__code", "agency__name", "service__code", "service__name")
        .annotate(n=Count("pk"))
    ):
        row = rows[key(item["month"], item["agency__code"], item["service__code"])]
        row["deemed_approved"] += item["n"]
        names[item["agency__code"]] = item["agency__name"]
        names["s:" + item["service__code"]] = item["service__name"]

    for item in (
        missed.annotate(month=TruncMonth("breached_at"))
        .values(
            "month",
            "agency__code",
            "agency__name",
            "complaint__service__code",
            "complaint__service__name",
        )
        .annotate(n=Count("pk"))
    ):
        service_code = item["complaint__service__code"] or ""
        row = rows[key(item["month"], item["agency__code"], service_code)]
        row["complaint_deadlines_missed"] += item["n"]
        names[item["agency__code"]] = item["agency__name"]
        if service_code:
            names["s:" + service_code] = item["complaint__service__name"]

    # Services by their name in the page's language (one query for the codes listed).
    for listed in Service.objects.filter(
        code__in={service_code for (_month, _agency, service_code) in rows}
    ):
        names["s:" + listed.code] = listed.display_name
    return [
        {
            "month": month,
            "agency": agency_code,
            "agency_name": names.get(agency_code, agency_code),
            "service": service_code,
            "service_name": names.get("s:" + service_code, service_code),
            **values,
        }
        for (month, agency_code, service_code), values in sorted(
            rows.items(), key=lambda item: (item[0][0], item[0][1], item[0][2]), reverse=True
        )
    ]
