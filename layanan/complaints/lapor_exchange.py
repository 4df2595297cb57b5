"""The SP4N-LAPOR! exchange layout: one row per complaint, the same columns in CSV and JSON
(docs/lapor-exchange.md describes every column).

The rows hold the complainant's identity and contact even for *anonim* and *rahasia*
complaints: the export is the handling unit's own record for the exchange, downloaded only by
signed-in officers of the units that handle the complaints (`views_office.export_*`). It is
never a public file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from layanan.complaints.models import Complaint, Deadline
from layanan.complaints.presenters import complainant_name

FORMAT_VERSION = "1"

COLUMNS = (
    "number",
    "lapor_number",
    "lapor_link",
    "kind",
    "subject",
    "category_code",
    "category_name",
    "agency_code",
    "agency_name",
    "unit_code",
    "unit_name",
    "service_code",
    "application_number",
    "status",
    "privacy",
    "channel",
    "received_at",
    "complete_at",
    "due_at",
    "resolved_at",
    "ended_at",
    "description",
    "address",
    "address_id",
    "latitude",
    "longitude",
    "happened_on",
    "loss",
    "remedy",
    "compensation_claimed",
    "complainant_name",
    "complainant_email",
    "complainant_phone",
    "outcome",
    "compensation_amount",
    "compensation_due_on",
    "complainant_verdict",
    "rating",
    "times_reopened",
    "duplicate_of",
    "deadlines_missed",
)


def exchange_queryset(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The complaints with everything a row reads, in a fixed number of queries."""
    missed = Deadline.objects.filter(breached_at__isnull=False).order_by("due_at")
    return complaints.select_related(
        "category",
        "agency",
        "unit",
        "service",
        "application",
        "complainant",
        "duplicate_of",
    ).prefetch_related(Prefetch("deadlines", queryset=missed, to_attr="missed_deadlines"))


def instant(value: dt.datetime | None) -> str | None:
    """W3C/ISO 8601 in UTC with its zone: "2026-11-30T03:05:00+00:00"."""
    return value.astimezone(dt.UTC).isoformat() if value else None


def complainant_identity(complaint: Complaint) -> tuple[str, str, str]:
    """(name, email, phone), read as `presenters.full_view` reads them (the account's, else
    what was given with the complaint) without its per-complaint queries. Confidential data:
    callers are the handling unit's own pages and export."""
    person = complaint.complainant
    return (
        complainant_name(complaint),
        (person.email if person else "") or complaint.contact_email,
        (person.phone if person else "") or complaint.contact_phone,
    )


def exchange_row(complaint: Complaint) -> dict[str, Any]:
    name, email, phone = complainant_identity(complaint)
    missed = getattr(complaint, "missed_deadlines", None)
    if missed is None:
        missed = complaint.deadlines.filter(breached_at__isnull=False).order_by("due_at")
    return {
        "number": complaint.number,
        "lapor_number": complaint.lapor_number,
        "lapor_link": complaint.lapor_link,
        "kind": complaint.kind,
        "subject": complaint.subject,
        "category_code": complaint.category.service_code,
        "category_name": complaint.category.name,
        "agency_code": complaint.agency.code,
        "agency_name": complaint.agency.name,
        "unit_code": complaint.unit.code if complaint.unit else "",
        "unit_name": complaint.unit.name if complaint.unit else "",
        "service_code": complaint.service.code if complaint.service else "",
        "application_number": complaint.application.number if complaint.application else "",
        "status": complaint.status,
        "privacy": complaint.privacy,
        "channel": complaint.channel,
        "received_at": instant(complaint.created_at),
        "complete_at": instant(complaint.complete_at),
        "due_at": instant(complaint.due_at),
        "resolved_at": instant(complaint.resolved_at),
        "ended_at": instant(complaint.ended_at),
        "description": complaint.description,
        "address": complaint.address,
        "address_id": complaint.address_id,
        "latitude": str(complaint.latitude) if complaint.latitude is not None else None,
        "longitude": str(complaint.longitude) if complaint.longitude is not None else None,
        "happened_on": complaint.happened_on.isoformat() if complaint.happened_on else None,
        "loss": complaint.loss,
        "remedy": complaint.remedy,
        "compensation_claimed": complaint.compensation_claimed,
        "complainant_name": name,
        "complainant_email": email,
        "complainant_phone": phone,
        "outcome": complaint.outcome,
        "compensation_amount": complaint.compensation_amount,
        "compensation_due_on": (
            complaint.compensation_due_on.isoformat() if complaint.compensation_due_on else None
        ),
        "complainant_verdict": complaint.complainant_verdict,
        "rating": complaint.rating,
        "times_reopened": complaint.times_reopened,
        "duplicate_of": complaint.duplicate_of.number if complaint.duplicate_of else "",
        "deadlines_missed": ";".join(d.kind for d in missed),
    }


# Free text a complainant or officer wrote. A spreadsheet would run such a cell that begins with
# "=", "+", "-" or "@" as a formula; in the CSV it is preceded by an apostrophe (the JSON
# carries the text as written).
FREE_TEXT = frozenset(
    {
        "category_name",
        "agency_name",
        "unit_name",
        "description",
        "address",
        "address_id",
        "loss",
        "remedy",
        "complainant_name",
        "outcome",
        "lapor_number",
    }
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(column: str, value: Any) -> Any:
    """CSV has no null: an absent value is an empty cell."""
    if value is None:
        return ""
    if column in FREE_TEXT and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for row in rows:
        yield {column: csv_value(column, row[column]) for column in COLUMNS}
