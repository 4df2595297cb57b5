"""IKM results per agency, service, unit and period, read from the responses with one aggregate
query (indexed on the scope and the day answered); the arithmetic is `lib.ikm`'s.

`ikm_summary` is what the public dashboard shows; `report` adds what the printable report
and its CSV need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from layanan.agencies.models import Agency, Unit
from layanan.charters.models import Service
from layanan.lib import ikm
from layanan.surveys.models import Invitation, Response
from layanan.surveys.questionnaire import PROFILE_CHOICES


def method_note(*, with_sample: bool = True) -> str:
    """The method, in the reader's language (the report, its CSV and `layanan ikm` state it)."""
    note = _(
        "IKM = (NRR u1 + … + NRR u9) ÷ 9 × 25, rounded half-up to two decimals; NRR = sum of "
        "the answers to an unsur ÷ number of respondents. Each unsur weighs exactly 1/9: the "
        "annex of PermenPAN-RB 14/2017 writes the weight as 0.111, which would give 99.90 "
        "instead of 100.00 when every answer is 4. Grades: A 88.31–100, B 76.61–88.30, "
        "C 65.00–76.60, D 25.00–64.99."
    )
    if not with_sample:
        return note
    return (
        note
        + " "
        + _(
            "Minimum sample: Krejcie & Morgan for the number of applications that ended in the "
            "period."
        )
    )


def scoped(
    queryset: QuerySet[Any],
    *,
    agency: Agency | None,
    service: Service | None,
    unit: Unit | None,
) -> QuerySet[Any]:
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    if service is not None:
        queryset = queryset.filter(service=service)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return queryset


def responses_in(
    *,
    agency: Agency | None = None,
    service: Service | None = None,
    unit: Unit | None = None,
    start: dt.date,
    end: dt.date,
) -> QuerySet[Response]:
    """The responses answered from `start` to `end` (both included) in the scope."""
    return scoped(
        Response.objects.filter(answered_on__gte=start, answered_on__lte=end),
        agency=agency,
        service=service,
        unit=unit,
    )


def ended_applications(
    *,
    agency: Agency | None = None,
    service: Service | None = None,
    unit: Unit | None = None,
    start: dt.date,
    end: dt.date,
) -> int:
    """Applications that ended (completed, rejected, deemed approved) in the period: the
    population the sample is measured against (one invitation each)."""
    return scoped(
        Invitation.objects.filter(ended_on__gte=start, ended_on__lte=end),
        agency=agency,
        service=service,
        unit=unit,
    ).count()


def ikm_summary(
    *,
    agency: Agency | None = None,
    service: Service | None = None,
    unit: Unit | None = None,
    start: dt.date,
    end: dt.date,
    population: int | None = None,
) -> dict[str, Any]:
    """The IKM of a scope and period, for the dashboard and the report.

    Keys: respondents; population (applications ended in the period unless given);
    sample_needed (Krejcie & Morgan); representative; nrr (per unsur, Decimal, two places),
    ikm_per_unsur, ikm (Decimal), mutu, kinerja (None without respondents); lowest (the unsur
    codes with the lowest NRR, usually one: the priority for improvement).
    """
    totals = responses_in(agency=agency, service=service, unit=unit, start=start, end=end)
    row = totals.aggregate(n=Count("pk"), **{code: Sum(code) for code in ikm.UNSUR})
    respondents = row["n"] or 0
    if population is None:
        population = ended_applications(
            agency=agency, service=service, unit=unit, start=start, end=end
        )
    needed = ikm.sample_size(population)
    summary: dict[str, Any] = {
        "respondents": respondents,
        "population": population,
        "sample_needed": needed,
        "representative": population > 0 and respondents >= needed,
        "nrr": None,
        "ikm_per_unsur": None,
        "ikm": None,
        "mutu": None,
        "kinerja": None,
        "lowest": [],
    }
    if respondents:
        result = ikm.compute_from_totals({c: row[c] for c in ikm.UNSUR}, respondents)
        summary.update(
            nrr=result.nrr_rounded(),
            ikm_per_unsur=result.ikm_per_unsur(),
            ikm=result.ikm,
            mutu=result.grade.mutu,
            kinerja=result.grade.kinerja,
            lowest=list(result.lowest),
        )
    return summary


@dataclass(frozen=True)
class UnsurRow:
    code: str
    name: str
    nrr: Decimal
    converted: Decimal
    lowest: bool


def unsur_rows(summary: dict[str, Any]) -> list[UnsurRow]:
    if not summary["respondents"]:
        return []
    return [
        UnsurRow(
            code,
            ikm.UNSUR_NAMES[code],
            summary["nrr"][code],
            summary["ikm_per_unsur"][code],
            code in summary["lowest"],
        )
        for code in ikm.UNSUR
    ]


def breakdown(responses: QuerySet[Response]) -> dict[str, list[tuple[str, int]]]:
    """How many respondents answered each channel and profile option (labels, counts)."""
    counted = responses.aggregate(
        **{
            f"channel_{value}": Count("pk", filter=Q(channel=value))
            for value in Response.Channel.values
        },
        **{
            f"{name}_{value}": Count("pk", filter=Q(**{name: value}))
            for name, choices in PROFILE_CHOICES.items()
            for value in [*choices.values, ""]
        },
    )
    result = {
        "channel": [
            (str(label), counted[f"channel_{value}"]) for value, label in Response.Channel.choices
        ]
    }
    for name, choices in PROFILE_CHOICES.items():
        result[name] = [
            (str(label), counted[f"{name}_{value}"]) for value, label in choices.choices
        ] + [(_("Not given"), counted[f"{name}_"])]
    return result


def csv_rows(
    summary: dict[str, Any],
    *,
    agency: Agency | None,
    service: Service | None,
    unit: Unit | None,
    start: dt.date,
    end: dt.date,
) -> list[tuple[str, str, str]]:
    """The report as (measure, unsur, value) rows: long format, one value a row."""
    rows: list[tuple[str, str, str]] = [
        ("agency", "", agency.code if agency else ""),
        ("service", "", service.code if service else ""),
        ("unit", "", unit.code if unit else ""),
        ("start", "", start.isoformat()),
        ("end", "", end.isoformat()),
        ("respondents", "", str(summary["respondents"])),
        ("population", "", str(summary["population"])),
        ("sample_needed", "", str(summary["sample_needed"])),
        ("representative", "", "yes" if summary["representative"] else "no"),
    ]
    for row in unsur_rows(summary):
        rows.append(("nrr", row.code, str(row.nrr)))
        rows.append(("ikm_unsur", row.code, str(row.converted)))
    rows += [
        ("ikm", "", str(summary["ikm"] or "")),
        ("mutu", "", summary["mutu"] or ""),
        ("kinerja", "", summary["kinerja"] or ""),
        ("lowest", "", " ".join(summary["lowest"])),
        ("method", "", method_note()),
    ]
    return rows
