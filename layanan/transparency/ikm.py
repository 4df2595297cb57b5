"""The satisfaction index (IKM) block of the dashboard: `surveys.reports.ikm_summary` for the
scope and the days of the period (its `end` is the last day counted, the period's the first day
after it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from layanan.agencies.models import Agency
from layanan.charters.models import Service
from layanan.surveys.reports import ikm_summary


def ikm_for(
    *, agency: Agency | None, service: Service | None, start: dt.date, end: dt.date
) -> dict[str, Any] | None:
    """The IKM of the scope over [start, end) or None when there is no answer to count."""
    summary = ikm_summary(
        agency=agency, service=service, unit=None, start=start, end=end - dt.timedelta(days=1)
    )
    if not summary["respondents"]:
        return None
    return summary
