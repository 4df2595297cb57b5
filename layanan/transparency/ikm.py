"""The satisfaction index (IKM) block of the dashboard.

The survey app (`layanan.surveys`, issue 10 S1) computes it with
`surveys.reports.ikm_summary(*, agency=None, service=None, unit=None, start, end) -> dict`
(respondents, nrr, ikm, mutu, kinerja, representative, sample_needed, lowest, population).
It is imported when the dashboard asks, so that this app works where the survey app is not
installed yet: then, as with a period nobody answered, the page says there is no survey yet.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from layanan.agencies.models import Agency
from layanan.charters.models import Service

REPORTS_MODULE = "layanan.surveys.reports"


def ikm_for(
    *, agency: Agency | None, service: Service | None, start: dt.date, end: dt.date
) -> dict[str, Any] | None:
    """The IKM of the scope over [start, end) or None when there is no answer to count."""
    try:
        reports = importlib.import_module(REPORTS_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name and REPORTS_MODULE.startswith(missing.name):
            return None  # the survey app is not part of this installation (yet)
        raise
    summary: dict[str, Any] = reports.ikm_summary(
        agency=agency, service=service, unit=None, start=start, end=end
    )
    if not summary or not summary.get("respondents"):
        return None
    return summary
