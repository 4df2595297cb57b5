"""How a completion compares with its due date, in working days; pure, no Django.

2026 around Christmas: 24 Dec (Thursday) is cuti bersama, 25 Dec (Friday) Christmas.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.lib.workdays import build_calendar, national_calendar, timeliness

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
NATIONAL = national_calendar(2015, 2036)
MAKASSAR = build_calendar(first_year=2015, last_year=2036, tz=WITA)
moments = st.datetimes(
    min_value=datetime(2016, 1, 1), max_value=datetime(2034, 12, 31), timezones=st.just(WIB)
)
working_days = st.integers(min_value=1, max_value=60)
few = settings(max_examples=80, deadline=None)


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(
    ("done", "due", "late", "days"),
    [
        # the example of issue 7: three working days early
        (wib(2026, 12, 2, 14, 5), wib(2026, 12, 7, 16), False, 3),
        (wib(2026, 12, 7, 9), wib(2026, 12, 7, 16), False, 0),  # on the due day
        (wib(2026, 12, 7, 16), wib(2026, 12, 7, 16), False, 0),  # at the very instant
        (wib(2026, 12, 7, 16, 1), wib(2026, 12, 7, 16), True, 0),  # after closing, same day
        (wib(2026, 12, 9, 10), wib(2026, 12, 7, 16), True, 2),
        # the weekend is not counted: due Friday, done Monday is one working day late
        (wib(2026, 12, 14, 8), wib(2026, 12, 11, 16), True, 1),
        # cuti bersama and Christmas skipped: due Wed 23 Dec, done Mon 28 Dec
        (wib(2026, 12, 28, 8), wib(2026, 12, 23, 16), True, 1),
    ],
)
def test_known_answers(done: datetime, due: datetime, late: bool, days: int) -> None:
    result = timeliness(NATIONAL, done, due)
    assert (result.late, result.working_days) == (late, days)


def test_the_dates_are_those_of_the_calendars_zone() -> None:
    # 23.30 WIB on Monday is already Tuesday 00.30 in Makassar
    done = wib(2026, 12, 7, 23, 30)
    due = datetime(2026, 12, 8, 16, tzinfo=WITA)
    assert timeliness(NATIONAL, done, due).working_days == 1
    assert timeliness(MAKASSAR, done, due).working_days == 0


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timeliness(NATIONAL, datetime(2026, 12, 7, 9), wib(2026, 12, 7, 16))


@few
@given(moments, moments)
def test_late_exactly_when_after_the_due_instant(done: datetime, due: datetime) -> None:
    result = timeliness(NATIONAL, done, due)
    assert result.late == (done > due)
    assert result.working_days >= 0
    first, last = sorted((done.date(), due.date()))
    assert result.working_days == NATIONAL.working_days_between(first, last)


@few
@given(moments, working_days)
def test_done_on_the_start_day_is_early_by_the_whole_limit(start: datetime, n: int) -> None:
    """Due n working days after a working day: finishing that same day is n days early."""
    while not NATIONAL.is_working_day(start.date()):
        start += timedelta(days=1)
    due = NATIONAL.add_working_days_at(start, n)
    result = timeliness(NATIONAL, start, due)
    assert (result.late, result.working_days) == (False, n)


@few
@given(moments, working_days)
def test_done_n_working_days_after_the_due_day_is_n_days_late(due: datetime, n: int) -> None:
    due_at = datetime.combine(due.date(), time(16), tzinfo=WIB)
    done = NATIONAL.add_working_days_at(due_at, n) - timedelta(hours=1)
    result = timeliness(NATIONAL, done, due_at)
    assert (result.late, result.working_days) == (True, n)


@few
@given(moments, moments, st.integers(min_value=0, max_value=20 * 24 * 60))
def test_finishing_later_never_looks_better(done: datetime, due: datetime, delay: int) -> None:
    earlier = timeliness(NATIONAL, done, due)
    later = timeliness(NATIONAL, done + timedelta(minutes=delay), due)
    assert (later.late, later.signed_days) >= (earlier.late, earlier.signed_days)


def test_signed_days() -> None:
    assert timeliness(NATIONAL, wib(2026, 12, 2), wib(2026, 12, 7, 16)).signed_days == -3
    assert timeliness(NATIONAL, wib(2026, 12, 9), wib(2026, 12, 7, 16)).signed_days == 2
    assert date(2026, 12, 7).weekday() == 0  # the examples' Monday
