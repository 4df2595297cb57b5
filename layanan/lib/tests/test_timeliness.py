"""How a completion compares with its due instant, in working days or minutes; pure, no Django.

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
    ("done", "due", "late", "days", "minutes"),
    [
        # the example of issue 7: three working days early
        (wib(2026, 12, 2, 14, 5), wib(2026, 12, 7, 16), False, 3, 3 * 480 + 115),
        # the walkthrough's defect: 1 h 18 min early on the due day is not "on time"
        (wib(2026, 11, 19, 10, 50), wib(2026, 11, 19, 12, 8), False, 0, 78),
        (wib(2026, 12, 7, 9), wib(2026, 12, 7, 16), False, 0, 7 * 60),  # on the due day
        (wib(2026, 12, 7, 18), wib(2026, 12, 7, 16), True, 0, 0),  # after closing, same day
        (wib(2026, 12, 8, 10), wib(2026, 12, 7, 16), True, 0, 120),  # next morning: 2 h
        (wib(2026, 12, 8, 16), wib(2026, 12, 7, 16), True, 1, 480),  # a whole day
        (wib(2026, 12, 9, 10), wib(2026, 12, 7, 16), True, 2, 480 + 120),
        # the weekend is not counted: due Friday 16.00, done Tuesday 9.00 is one day late
        (wib(2026, 12, 15, 9), wib(2026, 12, 11, 16), True, 2, 480 + 60),
        (wib(2026, 12, 14, 9), wib(2026, 12, 11, 16), True, 0, 60),
        # cuti bersama and Christmas skipped: due Wed 23 Dec, done Tue 29 Dec 8.30
        (wib(2026, 12, 29, 8, 30), wib(2026, 12, 23, 16), True, 2, 480 + 30),
    ],
)
def test_known_answers(done: datetime, due: datetime, late: bool, days: int, minutes: int) -> None:
    result = timeliness(NATIONAL, done, due)
    assert (result.late, result.on_time, result.working_days, result.working_minutes) == (
        late,
        False,
        days,
        minutes,
    )


@pytest.mark.parametrize(
    "done",
    [wib(2026, 12, 7, 16), wib(2026, 12, 7, 16) + timedelta(seconds=59)],
)
def test_on_time_only_within_the_due_minute(done: datetime) -> None:
    result = timeliness(NATIONAL, done, wib(2026, 12, 7, 16))
    assert (result.on_time, result.late, result.working_days, result.working_minutes) == (
        True,
        False,
        0,
        0,
    )
    assert not timeliness(NATIONAL, wib(2026, 12, 7, 15, 59), wib(2026, 12, 7, 16)).on_time


def test_the_hours_are_those_of_the_calendars_zone() -> None:
    # Tuesday 14.00 WITA is 13.00 WIB, and the due time 16.00 WIB is 17.00 WITA, after
    # closing in Makassar: 3 working hours early in Jakarta, 2 in Makassar
    done = datetime(2026, 12, 8, 14, tzinfo=WITA)
    due = wib(2026, 12, 8, 16)
    assert timeliness(NATIONAL, done, due).working_minutes == 180
    assert timeliness(MAKASSAR, done, due).working_minutes == 120


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timeliness(NATIONAL, datetime(2026, 12, 7, 9), wib(2026, 12, 7, 16))


@few
@given(moments, moments)
def test_late_exactly_when_after_the_due_minute(done: datetime, due: datetime) -> None:
    result = timeliness(NATIONAL, done, due)
    same_minute = done.replace(second=0, microsecond=0) == due.replace(second=0, microsecond=0)
    assert result.on_time == same_minute
    assert result.late == (done > due and not same_minute)
    first, last = sorted((done, due))
    assert result.working_minutes == (
        0 if same_minute else NATIONAL.working_minutes_between(first, last)
    )
    if result.working_days:
        assert result.working_days == NATIONAL.working_days_between(first.date(), last.date())
        # at least one whole working day of service lies between the two instants
        assert result.working_minutes >= 7 * 60


@few
@given(moments, st.integers(min_value=1, max_value=479))
def test_less_than_a_working_day_is_told_in_minutes(due: datetime, minutes: int) -> None:
    """Finishing `minutes` of service time before a closing time is that many minutes early and
    0 working days; as many minutes after an opening, late by them."""
    closing = datetime.combine(NATIONAL.add_working_days(due.date(), 1), time(16), tzinfo=WIB)
    early = timeliness(NATIONAL, closing - timedelta(minutes=minutes), closing)
    assert (early.late, early.working_days, early.working_minutes) == (False, 0, minutes)
    late = timeliness(NATIONAL, NATIONAL.add_working_minutes(closing, minutes), closing)
    assert (late.late, late.working_days, late.working_minutes) == (True, 0, minutes)


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
    done = NATIONAL.add_working_days_at(due_at, n)  # the n-th working day's closing
    result = timeliness(NATIONAL, done, due_at)
    assert (result.late, result.working_days) == (True, n)
    # an hour less: n - 1 whole working days and 7 hours late, still the n-th day started
    almost = timeliness(NATIONAL, done - timedelta(hours=1), due_at)
    assert (almost.late, almost.working_days) == (True, n if n > 1 else 0)


@few
@given(moments, moments, st.integers(min_value=0, max_value=20 * 24 * 60))
def test_finishing_later_never_looks_better(done: datetime, due: datetime, delay: int) -> None:
    earlier = timeliness(NATIONAL, done, due)
    later = timeliness(NATIONAL, done + timedelta(minutes=delay), due)
    assert later.signed_days >= earlier.signed_days
    assert later.signed_minutes >= earlier.signed_minutes
    assert later.late >= earlier.late


def test_signed_days() -> None:
    assert timeliness(NATIONAL, wib(2026, 12, 2), wib(2026, 12, 7, 16)).signed_days == -3
    assert timeliness(NATIONAL, wib(2026, 12, 9, 16), wib(2026, 12, 7, 16)).signed_days == 2
    assert date(2026, 12, 7).weekday() == 0  # the examples' Monday
