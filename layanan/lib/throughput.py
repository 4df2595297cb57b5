"""How long steps take, and when an open application may expect to be done.

Pure: no database. The caller gives, for each step still to run, the typical working time of
that step (for example the median of its recent completions) and the calendar of the agency
that does it; `expected_completion` adds them up in the order of the procedure.

Rules:

- Percentiles are nearest-rank (`lib.stats.percentile`): the p-th percentile of n values is
  the value at rank ceil(p / 100 * n) in ascending order, so it is always one of the values
  (a median of working minutes stays a whole number of minutes; p90 of ten values is the 9th).
- Stages run one after another; the steps of a stage run in parallel, so a stage ends when
  its slowest step ends (the maximum). Each step's time is counted on its own agency's
  calendar (`WorkCalendar.add_working_minutes`: counting starts at the next opening).
- A step already under way is expected to end its typical time after it started; if that
  moment has passed, it is expected to end now (it may end any moment), never in the past.
  A step not started yet starts when the stage before it ends (or now, for the first).
- When one remaining step has no typical time (too few completions to know), the whole
  estimate is unknown: a date built on a guess for one step would look as sure as the others.
- The estimate is never earlier than `now`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from layanan.lib.workdays import CalendarRangeError, WorkCalendar

__all__ = ["Forecast", "RemainingStep", "expected_completion"]


@dataclass(frozen=True)
class RemainingStep:
    """A step that has not ended: its stage (order of the procedure), the calendar of the
    agency that does it, its typical working minutes (None: unknown) and when it started
    (None: it waits for an earlier stage)."""

    key: str
    stage: int
    calendar: WorkCalendar
    typical_minutes: int | None
    started_at: datetime | None = None


@dataclass(frozen=True)
class Forecast:
    at: datetime | None  # None when unknown
    unknown: tuple[str, ...]  # keys of the steps without a typical time


def expected_completion(steps: Iterable[RemainingStep], *, now: datetime) -> Forecast:
    """When the last of `steps` is expected to end (see the rules above)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    remaining = list(steps)
    unknown = tuple(s.key for s in remaining if s.typical_minutes is None)
    if unknown:
        return Forecast(None, unknown)
    cursor = now
    for stage in sorted({s.stage for s in remaining}):
        stage_end = cursor
        for step in (s for s in remaining if s.stage == stage):
            minutes = step.typical_minutes or 0
            start = step.started_at if step.started_at is not None else cursor
            try:
                end = step.calendar.add_working_minutes(start, minutes)
            except CalendarRangeError:
                return Forecast(None, (step.key,))
            stage_end = max(stage_end, end)
        cursor = stage_end
    return Forecast(cursor, ())
