"""Tests of the percentiles and the expected-completion estimate; pure Python, no Django."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.lib.stats import median, percentile
from layanan.lib.throughput import RemainingStep, expected_completion
from layanan.lib.workdays import build_calendar, national_calendar

NATIONAL = national_calendar(2024, 2030)
# A Makassar office (WITA) open on Saturday mornings too: steps of one application may run
# on different calendars.
MAKASSAR = build_calendar(
    hours={d: (time(7, 30), time(15, 30)) for d in range(5)} | {5: (time(8), time(12))},
    tz=ZoneInfo("Asia/Makassar"),
    first_year=2024,
    last_year=2030,
)
CALENDARS = (NATIONAL, MAKASSAR)
few = settings(max_examples=80, deadline=None)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
minutes = st.integers(min_value=0, max_value=20 * 8 * 60)


@st.composite
def procedures(draw: st.DrawFn) -> list[RemainingStep]:
    """One to four stages of one to three pending steps each, on either calendar."""
    steps = []
    for stage in range(draw(st.integers(1, 4))):
        for position in range(draw(st.integers(1, 3))):
            steps.append(
                RemainingStep(
                    key=f"s{stage}_{position}",
                    stage=stage,
                    calendar=draw(st.sampled_from(CALENDARS)),
                    typical_minutes=draw(minutes),
                )
            )
    return steps


# -- percentiles ----------------------------------------------------------------------------


def test_nearest_rank_examples() -> None:
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2  # the lower middle value
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([7], 90) == 7
    with pytest.raises(ValueError, match="no values"):
        median([])
    with pytest.raises(ValueError, match="between"):
        percentile([1], 0)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=60), st.integers(1, 100))
def test_a_percentile_is_one_of_the_values_with_enough_below_it(values: list[int], p: int) -> None:
    value = percentile(values, p)
    assert value in values
    at_or_below = sum(1 for v in values if v <= value)
    below = sum(1 for v in values if v < value)
    assert at_or_below >= math.ceil(p * len(values) / 100)
    assert below < math.ceil(p * len(values) / 100)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=60))
def test_median_is_at_most_p90(values: list[int]) -> None:
    assert min(values) <= median(values) <= percentile(values, 90) <= max(values)


# -- the estimate ---------------------------------------------------------------------------


@few
@given(procedures(), instants)
def test_the_estimate_is_never_before_now(steps: list[RemainingStep], now: datetime) -> None:
    forecast = expected_completion(steps, now=now)
    assert forecast.at is not None
    assert forecast.at >= now


@few
@given(procedures(), instants, st.data())
def test_a_slower_step_never_makes_the_estimate_earlier(
    steps: list[RemainingStep], now: datetime, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(steps) - 1))
    extra = data.draw(st.integers(1, 8 * 60 * 5))
    slower = list(steps)
    step = slower[index]
    slower[index] = RemainingStep(
        step.key, step.stage, step.calendar, (step.typical_minutes or 0) + extra
    )
    before = expected_completion(steps, now=now).at
    after = expected_completion(slower, now=now).at
    assert before is not None
    assert after is not None
    assert after >= before


@few
@given(procedures(), instants, st.randoms())
def test_the_order_of_steps_within_a_stage_does_not_matter(
    steps: list[RemainingStep], now: datetime, random: Random
) -> None:
    shuffled = list(steps)
    random.shuffle(shuffled)
    assert expected_completion(shuffled, now=now) == expected_completion(steps, now=now)


@few
@given(procedures(), instants)
def test_a_stage_ends_with_its_slowest_step(steps: list[RemainingStep], now: datetime) -> None:
    """Parallel steps take the maximum: the estimate equals that of the procedure where each
    stage keeps only the step that ends last."""
    cursor = now
    for stage in sorted({s.stage for s in steps}):
        ends = [
            s.calendar.add_working_minutes(cursor, s.typical_minutes or 0)
            for s in steps
            if s.stage == stage
        ]
        cursor = max([cursor, *ends])
    assert expected_completion(steps, now=now).at == cursor


@few
@given(instants, minutes, minutes)
def test_stages_add_up_in_order(now: datetime, first: int, second: int) -> None:
    steps = [
        RemainingStep("periksa", 0, NATIONAL, first),
        RemainingStep("tetapkan", 1, NATIONAL, second),
    ]
    expected = NATIONAL.add_working_minutes(NATIONAL.add_working_minutes(now, first), second)
    assert expected_completion(steps, now=now).at == expected


@few
@given(instants, minutes, st.integers(0, 8 * 60 * 10))
def test_a_step_under_way_counts_from_its_start_and_never_ends_in_the_past(
    now: datetime, typical: int, elapsed_hours: int
) -> None:
    started = now - timedelta(minutes=elapsed_hours)
    forecast = expected_completion(
        [RemainingStep("periksa", 0, NATIONAL, typical, started_at=started)], now=now
    )
    assert forecast.at == max(now, NATIONAL.add_working_minutes(started, typical))


def test_one_step_without_history_makes_the_estimate_unknown() -> None:
    now = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    forecast = expected_completion(
        [
            RemainingStep("periksa", 0, NATIONAL, 60),
            RemainingStep("survei", 1, MAKASSAR, None),
            RemainingStep("tetapkan", 2, NATIONAL, 30),
        ],
        now=now,
    )
    assert forecast.at is None
    assert forecast.unknown == ("survei",)


def test_a_worked_example_across_a_weekend() -> None:
    """Friday 2026-11-06 14:00 WIB: two working hours of checking end at closing time, the
    Makassar survey (parallel, 3 hours) runs into its Saturday morning, and one more working
    hour of signing in Jakarta ends on Monday at 09:00 WIB."""
    wib = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 11, 6, 14, 0, tzinfo=wib)
    forecast = expected_completion(
        [
            RemainingStep("periksa", 0, NATIONAL, 120),
            RemainingStep("survei", 0, MAKASSAR, 180),
            RemainingStep("tetapkan", 1, NATIONAL, 60),
        ],
        now=now,
    )
    # 14:00 WIB is 15:00 WITA: 30 minutes left on Friday, 150 on Saturday 08:00-10:30 WITA
    survey_end = datetime(2026, 11, 7, 10, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    assert MAKASSAR.add_working_minutes(now, 180) == survey_end
    assert forecast.at == datetime(2026, 11, 9, 9, 0, tzinfo=wib)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        expected_completion([], now=datetime(2026, 11, 2, 9, 0))
