"""What the evaluation pages show of an evidence snapshot and of open duties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from layanan.cases.presenters import working_time_text
from layanan.charters import components
from layanan.charters.models import Duty
from layanan.transparency.evaluation import COMPONENT_EVIDENCE


def component_rows(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """Per component that evidence speaks about: its SKM unsur and its measured figures."""
    unsur = {row["code"]: row for row in (evidence.get("ikm") or {}).get("unsur", [])}
    steps = [
        {
            **row,
            "median_text": working_time_text(int(row["median_minutes"])),
            "p90_text": working_time_text(int(row["p90_minutes"])),
        }
        for row in evidence.get("steps", [])
    ]
    rows = []
    for key, codes, blocks in COMPONENT_EVIDENCE:
        component = components.BY_KEY[key]
        rows.append(
            {
                "key": key,
                "letter": component.letter,
                "label": component.label,
                "unsur": [unsur[c] for c in codes if c in unsur],
                "codes": codes,
                "blocks": blocks,
                "steps": steps,
            }
        )
    return rows


def duty_rows(duties: Iterable[Duty], *, now: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "duty": duty,
            "overdue": duty.is_overdue(duty.agency.local_day(now)),
        }
        for duty in duties
    ]
