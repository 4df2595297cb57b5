"""The public guarantee register: breaches, very late cases, compensations and deemed
approvals by agency, service and month, and the complaints' legal time limits missed.
Counts and amounts only: no personal data.

Read from the rollups at the service scope (one row per month, agency and service), plus the
events the worker has not counted yet, plus the per-day compensations still owed: those grow
day by day while their application is open, and are settled when it ends, without an event,
so they are summed from their own rows (the few owed now, never the history).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from layanan.agencies.models import Agency
from layanan.cases.models import OPEN_STATUSES
from layanan.charters.models import Service
from layanan.guarantees.amounts import amounts_now
from layanan.guarantees.models import Compensation
from layanan.transparency.models import Rollup, Scope
from layanan.transparency.rollups import month_of, pending

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
# The register's columns and the rollup counters they are read from.
FROM_ROLLUP = {
    "late": "breaches_late",
    "very_late": "breaches_very_late",
    "compensations_owed": "compensations_owed",
    "amount_owed": "amount_owed",
    "compensations_paid": "compensations_paid",
    "amount_paid": "amount_paid",
    "deemed_approved": "deemed_approved",
    "complaint_deadlines_missed": "complaint_deadlines_missed",
}


def register_rows(*, agency: str = "", year: int | None = None) -> list[dict[str, Any]]:
    """One row per (month, agency, service) with anything to report, newest month first."""
    agency_pk: int | None = None
    if agency:
        agency_pk = Agency.objects.filter(code=agency).values_list("pk", flat=True).first()
        if agency_pk is None:
            return []
    rows: dict[tuple[str, int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COLUMNS[5:], 0)
    )

    def wanted(month: str, agency_of_row: int) -> bool:
        return (agency_pk is None or agency_of_row == agency_pk) and (
            year is None or month.startswith(f"{year:04d}-")
        )

    stored = Rollup.objects.filter(scope=Scope.SERVICE).filter(
        Q(breaches_late__gt=0)
        | Q(breaches_very_late__gt=0)
        | Q(compensations_owed__gt=0)
        | Q(amount_owed__gt=0)
        | Q(compensations_paid__gt=0)
        | Q(deemed_approved__gt=0)
        | Q(complaint_deadlines_missed__gt=0)
    )
    if agency_pk is not None:
        stored = stored.filter(agency_pk=agency_pk)
    if year is not None:
        stored = stored.filter(month__startswith=f"{year:04d}-")
    for item in stored.values("month", "agency_pk", "service_pk", *FROM_ROLLUP.values()):
        row = rows[(item["month"], item["agency_pk"], item["service_pk"])]
        for column, counter in FROM_ROLLUP.items():
            row[column] += item[counter]
    changes, _more = pending()
    for (scope, month, agency_of_row, service), amounts, _histograms in changes.by_key():
        if scope == Scope.SERVICE and wanted(month, agency_of_row):
            row = rows[(month, agency_of_row, service)]
            for column, counter in FROM_ROLLUP.items():
                row[column] += amounts.get(counter, 0)
    add_per_day_owed(rows, agency_pk=agency_pk, year=year)

    reported = {key: values for key, values in rows.items() if any(values.values())}
    agencies = Agency.objects.in_bulk({agency_of_row for _m, agency_of_row, _s in reported})
    services = Service.objects.in_bulk({service for _m, _a, service in reported if service})

    def code_of(pk: int, found: dict[int, Any]) -> str:
        return found[pk].code if pk in found else ""

    listed = [
        {
            "month": month,
            "agency": code_of(agency_of_row, agencies),
            "agency_name": agencies[agency_of_row].name if agency_of_row in agencies else "",
            "service": code_of(service, services),
            # Services by their name in the page's language.
            "service_name": services[service].display_name if service in services else "",
            **values,
        }
        for (month, agency_of_row, service), values in reported.items()
    ]
    listed.sort(key=lambda row: (row["month"], row["agency"], row["service"]), reverse=True)
    return listed


def add_per_day_owed(
    rows: dict[tuple[str, int, int], dict[str, int]], *, agency_pk: int | None, year: int | None
) -> None:
    """Per-day compensations still owed: what has accrued so far while the application is
    open, the settled amount once it has ended."""
    owed = Compensation.objects.filter(
        status=Compensation.Status.OWED, kind="per_day"
    ).select_related("application__charter", "application__agency")
    if agency_pk is not None:
        owed = owed.filter(agency_id=agency_pk)
    if year is not None:
        owed = owed.filter(owed_at__year=year)
    owed_now = list(owed)
    growing = [c for c in owed_now if c.application.status in OPEN_STATUSES]
    accrued = amounts_now(growing)
    for compensation in owed_now:
        amount = (
            accrued[compensation.pk].amount if compensation.pk in accrued else compensation.amount
        )
        key = (
            month_of(compensation.owed_at),
            compensation.agency_id,
            compensation.application.service_id,
        )
        rows[key]["amount_owed"] += amount
