"""Tests of the working-day calendar; pure Python, no Django.

Known answers come from the SKB dates as the `holidays` package (0.109) gives them:
2025: Idul Fitri 31 Mar-1 Apr with cuti bersama 2, 3, 4 and 7 Apr; 28 Mar is the cuti bersama
of Nyepi (29 Mar, a Saturday); Independence Day 17 Aug is a Sunday with cuti bersama 18 Aug;
Christmas 25 Dec with cuti bersama 26 Dec.
2026: Nyepi 19 Mar (cuti bersama 18 Mar); Idul Fitri 21-22 Mar (a weekend) with cuti bersama 20,
23 and 24 Mar; Independence Day 17 Aug (Monday); Christmas 25 Dec with cuti bersama 24 Dec.
"""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.lib.workdays import (
    CalendarRangeError,
    DayOff,
    WorkCalendar,
    build_calendar,
    national_calendar,
    national_holidays,
)

WIB = ZoneInfo("Asia/Jakarta")
UTC = ZoneInfo("UTC")
NATIONAL = national_calendar(2015, 2036)
# An MPP that also opens on Saturday mornings.
MPP = build_calendar(
    hours={**{weekday: (time(8), time(16)) for weekday in range(5)}, 5: (time(8), time(12))},
    first_year=2015,
    last_year=2036,
)

some_days = st.dates(min_value=date(2015, 1, 2), max_value=date(2034, 12, 31))
some_moments = st.datetimes(
    min_value=datetime(2015, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(WIB)
)
whole_minutes = some_moments.map(lambda moment: moment.replace(second=0, microsecond=0))
few = settings(max_examples=60, deadline=None)


def wib(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=WIB)


def reference_is_working(day: date) -> bool:
    """The national rule written the slow, obvious way."""
    return day.weekday() < 5 and day not in national_holidays(2015, 2036)


def reference_add(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        n -= reference_is_working(day)
    return day


def reference_minutes(calendar: WorkCalendar, a: datetime, b: datetime) -> int:
    """Minutes of [a, b) within service hours, walking day by day (whole-minute inputs)."""
    total = timedelta()
    day = a.astimezone(WIB).date()
    while day <= b.astimezone(WIB).date():
        hours = calendar.service_hours(day)
        if hours:
            opens = datetime.combine(day, hours[0], tzinfo=WIB)
            closes = datetime.combine(day, hours[1], tzinfo=WIB)
            total += max(timedelta(), min(closes, b) - max(opens, a))
        day += timedelta(days=1)
    return total // timedelta(minutes=1)


def in_service_hours(calendar: WorkCalendar, moment: datetime) -> bool:
    local = moment.astimezone(calendar.tz)
    hours = calendar.service_hours(local.date())
    return hours is not None and hours[0] <= local.time() <= hours[1]


# Known answers


def test_2026_has_240_working_days() -> None:
    assert NATIONAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 240


def test_2026_has_17_holidays_and_8_cuti_bersama() -> None:
    names = [name for day, name in national_holidays(2015, 2036).items() if day.year == 2026]
    cuti_bersama = [name for name in names if name.startswith("Cuti Bersama")]
    assert (len(names) - len(cuti_bersama), len(cuti_bersama)) == (17, 8)


def test_2026_days_off_by_kind() -> None:
    days_off = NATIONAL.days_off_between(date(2025, 12, 31), date(2026, 12, 31))
    kinds = [day_off.kind for day_off in days_off]
    # Four holidays fall on a weekend (21, 22 Mar, 5 Apr, 31 May) and count as holidays.
    assert (kinds.count("holiday"), kinds.count("weekend"), len(days_off)) == (25, 100, 125)


def test_2025_has_237_working_days() -> None:
    assert NATIONAL.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 237


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 3, 16), 5, date(2026, 3, 30)),  # Nyepi and Idul Fitri 2026
        (date(2026, 3, 17), 1, date(2026, 3, 25)),
        (date(2026, 3, 19), 1, date(2026, 3, 25)),  # starting on a holiday
        (date(2025, 3, 27), 1, date(2025, 4, 8)),  # Nyepi and Idul Fitri 2025: 28 Mar-7 Apr off
        (date(2025, 3, 26), 5, date(2025, 4, 11)),
        (date(2025, 3, 29), 1, date(2025, 4, 8)),  # starting on Nyepi, a Saturday
        (date(2025, 8, 15), 1, date(2025, 8, 19)),  # 17 Aug 2025 is a Sunday, 18 Aug cuti bersama
        (date(2026, 8, 14), 1, date(2026, 8, 18)),  # 17 Aug 2026 is a Monday
        (date(2025, 12, 24), 1, date(2025, 12, 29)),  # Christmas and cuti bersama 26 Dec
        (date(2025, 12, 24), 4, date(2026, 1, 2)),  # across the year: 1 Jan 2026 off
        (date(2026, 12, 23), 1, date(2026, 12, 28)),  # cuti bersama 24 Dec, Christmas 25 Dec
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 3, 21), 0, date(2026, 3, 21)),  # n == 0 returns start, even a day off
    ],
)
def test_add_working_days_known_answers(start: date, n: int, due: date) -> None:
    assert NATIONAL.add_working_days(start, n) == due
    assert NATIONAL.working_days_between(start, due) == n


def test_idul_fitri_2025_is_off_with_its_names() -> None:
    days_off = NATIONAL.days_off_between(date(2025, 3, 27), date(2025, 4, 7))
    assert [(day_off.day.day, day_off.reason) for day_off in days_off] == [
        (28, "Cuti Bersama Hari Suci Nyepi"),
        (29, "Hari Suci Nyepi"),
        (30, "Minggu"),
        (31, "Hari Raya Idul Fitri"),
        (1, "Hari kedua dari Hari Raya Idul Fitri"),
        (2, "Cuti Bersama Hari Raya Idul Fitri"),
        (3, "Cuti Bersama Hari Raya Idul Fitri"),
        (4, "Cuti Bersama Hari Raya Idul Fitri"),
        (5, "Sabtu"),
        (6, "Minggu"),
        (7, "Cuti Bersama Hari Raya Idul Fitri"),
    ]


def test_day_off() -> None:
    assert NATIONAL.day_off(date(2026, 3, 16)) is None
    assert NATIONAL.day_off(date(2026, 3, 19)) == DayOff(
        day=date(2026, 3, 19), reason="Hari Suci Nyepi", kind="holiday"
    )
    assert NATIONAL.day_off(date(2026, 3, 28)) == DayOff(
        day=date(2026, 3, 28), reason="Sabtu", kind="weekend"
    )
    assert not NATIONAL.is_working_day(date(2025, 12, 26))
    assert NATIONAL.is_working_day(date(2025, 12, 29))


def test_explain_names_the_skipped_days_in_indonesian() -> None:
    explanation = NATIONAL.explain(date(2026, 3, 16), 5)
    assert (explanation.start, explanation.n, explanation.due) == (
        date(2026, 3, 16),
        5,
        date(2026, 3, 30),
    )
    assert [(day_off.day.day, day_off.reason) for day_off in explanation.skipped] == [
        (18, "Cuti Bersama Hari Suci Nyepi"),
        (19, "Hari Suci Nyepi"),
        (20, "Cuti Bersama Hari Raya Idul Fitri"),
        (21, "Hari Raya Idul Fitri"),
        (22, "Hari kedua dari Hari Raya Idul Fitri"),
        (23, "Cuti Bersama Hari Raya Idul Fitri"),
        (24, "Cuti Bersama Hari Raya Idul Fitri"),
        (28, "Sabtu"),
        (29, "Minggu"),
    ]
    assert NATIONAL.explain(date(2026, 3, 16), 0).skipped == []


def test_between_is_zero_or_empty_when_end_is_not_after_start() -> None:
    assert NATIONAL.working_days_between(date(2026, 3, 30), date(2026, 3, 16)) == 0
    assert NATIONAL.working_days_between(date(2026, 3, 30), date(2026, 3, 30)) == 0
    assert NATIONAL.days_off_between(date(2026, 3, 30), date(2026, 3, 16)) == []


# Service time


def test_minutes_within_a_day_and_over_closing_time() -> None:
    assert NATIONAL.add_working_minutes(wib(2026, 3, 16, 15), 60) == wib(2026, 3, 16, 16)
    assert NATIONAL.add_working_minutes(wib(2026, 3, 16, 15), 61) == wib(2026, 3, 17, 8, 1)
    # Over Nyepi and Idul Fitri 2026.
    assert NATIONAL.add_working_minutes(wib(2026, 3, 17, 15), 120) == wib(2026, 3, 25, 9)
    assert NATIONAL.working_minutes_between(wib(2026, 3, 17, 15), wib(2026, 3, 25, 9)) == 120


def test_minutes_start_at_the_next_opening() -> None:
    assert NATIONAL.add_working_minutes(wib(2026, 3, 13, 17), 1) == wib(2026, 3, 16, 8, 1)
    assert NATIONAL.add_working_minutes(wib(2026, 3, 16, 6), 30) == wib(2026, 3, 16, 8, 30)
    assert NATIONAL.add_working_minutes(wib(2026, 3, 14, 10), 480) == wib(2026, 3, 16, 16)


def test_minutes_keep_seconds_and_answer_in_the_calendar_zone() -> None:
    start = datetime(2026, 3, 16, 1, 0, 30, tzinfo=UTC)  # 08:00:30 WIB
    due = NATIONAL.add_working_minutes(start, 480)
    assert due == wib(2026, 3, 17, 8, 0, 30)
    assert due.tzinfo == WIB
    assert NATIONAL.add_working_minutes(start, 0) is start


def test_minutes_between_counts_whole_minutes() -> None:
    assert NATIONAL.working_minutes_between(wib(2026, 3, 16, 8), wib(2026, 3, 16, 8, 0, 59)) == 0
    assert NATIONAL.working_minutes_between(wib(2026, 3, 16, 18), wib(2026, 3, 16, 8)) == 0
    assert NATIONAL.working_minutes_between(wib(2026, 3, 13, 16), wib(2026, 3, 16, 8)) == 0
    assert NATIONAL.working_minutes_between(wib(2026, 3, 13, 0), wib(2026, 3, 17, 0)) == 960


def test_saturday_service_hours() -> None:
    assert MPP.is_working_day(date(2026, 3, 14))
    assert MPP.service_hours(date(2026, 3, 14)) == (time(8), time(12))
    assert MPP.add_working_minutes(wib(2026, 3, 13, 15), 120) == wib(2026, 3, 14, 9)
    assert MPP.add_working_days(date(2026, 3, 12), 2) == date(2026, 3, 14)
    # A holiday on a Saturday closes the MPP too (Idul Fitri 2026).
    assert MPP.day_off(date(2026, 3, 21)) == DayOff(
        day=date(2026, 3, 21), reason="Hari Raya Idul Fitri", kind="holiday"
    )


def test_add_working_days_at_is_closing_time_of_the_nth_day() -> None:
    for hour in (0, 10, 20):
        assert NATIONAL.add_working_days_at(wib(2026, 3, 16, hour), 5) == wib(2026, 3, 30, 16)
    # 23:30 UTC on 15 Mar is already 16 Mar in Jakarta.
    late = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    assert NATIONAL.add_working_days_at(late, 5) == wib(2026, 3, 30, 16)
    assert MPP.add_working_days_at(wib(2026, 3, 13, 9), 1) == wib(2026, 3, 14, 12)
    start = wib(2026, 3, 16, 10)
    assert NATIONAL.add_working_days_at(start, 0) is start


# Agency calendars


def test_closure_makes_a_day_non_working() -> None:
    calendar = build_calendar(closures={date(2026, 3, 25): "Banjir"}, last_year=2036)
    assert calendar.day_off(date(2026, 3, 25)) == DayOff(
        day=date(2026, 3, 25), reason="Banjir", kind="closure"
    )
    assert calendar.add_working_days(date(2026, 3, 16), 5) == date(2026, 3, 31)


def test_closure_name_wins_over_a_holiday_name() -> None:
    calendar = build_calendar(closures={date(2026, 3, 19): "Kantor tutup"}, last_year=2036)
    day_off = calendar.day_off(date(2026, 3, 19))
    assert day_off is not None
    assert (day_off.reason, day_off.kind) == ("Kantor tutup", "closure")


def test_extra_working_days_and_their_hours() -> None:
    saturday, nyepi = date(2026, 3, 14), date(2026, 3, 19)
    calendar = build_calendar(
        extra_working_days={saturday: "Pelayanan Sabtu", nyepi: "Hari pengganti"}, last_year=2036
    )
    assert calendar.is_working_day(saturday)
    assert calendar.is_working_day(nyepi)
    # A weekend extra day gets a regular day's hours; a weekday extra day keeps its own.
    assert calendar.service_hours(saturday) == (time(8), time(16))
    assert calendar.service_hours(nyepi) == (time(8), time(16))
    assert calendar.add_working_days(date(2026, 3, 13), 1) == saturday
    half_day = build_calendar(
        extra_working_days={saturday: "Pelayanan Sabtu"},
        extra_day_hours=(time(8), time(12)),
        last_year=2036,
    )
    assert half_day.service_hours(saturday) == (time(8), time(12))
    friday_afternoon = wib(2026, 3, 13, 15, 30)
    assert half_day.add_working_minutes(friday_afternoon, 31) == wib(2026, 3, 14, 8, 1)
    assert half_day.add_working_minutes(friday_afternoon, 270) == wib(2026, 3, 14, 12)
    assert half_day.add_working_minutes(friday_afternoon, 271) == wib(2026, 3, 16, 8, 1)


def test_holiday_overrides_remove_add_and_rename() -> None:
    calendar = build_calendar(
        holiday_overrides={
            date(2026, 5, 27): None,  # Idul Adha moved
            date(2026, 5, 26): "Hari Raya Idul Adha",
            date(2026, 5, 28): "Cuti Bersama Idul Adha (koreksi)",
            date(2026, 3, 10): None,  # not a holiday: nothing to remove
        },
        last_year=2036,
    )
    assert calendar.is_working_day(date(2026, 5, 27))
    assert calendar.day_off(date(2026, 5, 26)) == DayOff(
        day=date(2026, 5, 26), reason="Hari Raya Idul Adha", kind="holiday"
    )
    day_off = calendar.day_off(date(2026, 5, 28))
    assert day_off is not None
    assert day_off.reason == "Cuti Bersama Idul Adha (koreksi)"
    assert calendar.is_working_day(date(2026, 3, 10))
    # The national calendar is untouched by an agency's overrides.
    assert not NATIONAL.is_working_day(date(2026, 5, 27))


def test_national_calendar_is_cached() -> None:
    assert national_calendar() is national_calendar()
    assert national_calendar(2015, 2036) is NATIONAL


def test_a_century_calendar_builds_quickly() -> None:
    national_holidays(2000, 2100)
    began = clock.perf_counter()
    calendar = build_calendar(first_year=2000, last_year=2100)
    assert clock.perf_counter() - began < 0.5
    assert calendar.add_working_days(date(2026, 3, 16), 5) == date(2026, 3, 30)


# Errors


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="n must not be negative"):
        NATIONAL.add_working_days(date(2026, 3, 16), -1)
    with pytest.raises(ValueError, match="n must not be negative"):
        NATIONAL.add_working_days_at(wib(2026, 3, 16, 9), -1)
    with pytest.raises(ValueError, match="minutes must not be negative"):
        NATIONAL.add_working_minutes(wib(2026, 3, 16, 9), -1)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 16, 9)
    with pytest.raises(ValueError, match="start must be a timezone-aware datetime"):
        NATIONAL.add_working_minutes(naive, 10)
    with pytest.raises(ValueError, match="b must be a timezone-aware datetime"):
        NATIONAL.working_minutes_between(wib(2026, 3, 16, 9), naive)
    with pytest.raises(ValueError, match="start must be a timezone-aware datetime"):
        NATIONAL.add_working_days_at(naive, 1)


def test_dates_outside_the_calendar_are_refused() -> None:
    message = "2014-12-31 is outside the calendar, which covers 2015-01-01 to 2036-12-31"
    with pytest.raises(CalendarRangeError, match=message):
        NATIONAL.is_working_day(date(2014, 12, 31))
    with pytest.raises(CalendarRangeError, match="outside the calendar"):
        NATIONAL.working_days_between(date(2026, 1, 1), date(2037, 1, 1))
    with pytest.raises(CalendarRangeError, match="outside the calendar"):
        NATIONAL.add_working_minutes(wib(2037, 1, 1, 9), 10)
    with pytest.raises(CalendarRangeError, match="falls after 2036-12-31"):
        NATIONAL.add_working_days(date(2036, 12, 20), 30)
    with pytest.raises(CalendarRangeError, match="falls after 2036-12-31"):
        NATIONAL.add_working_minutes(wib(2036, 12, 31, 9), 480)
    with pytest.raises(CalendarRangeError, match="knows Indonesian holidays for 1946 to 2100"):
        national_holidays(2090, 2110)
    assert issubclass(CalendarRangeError, ValueError)


def test_inconsistent_configuration_is_refused() -> None:
    day = date(2026, 3, 14)
    with pytest.raises(ValueError, match="both a closure and an extra working day: 2026-03-14"):
        build_calendar(closures={day: "Tutup"}, extra_working_days={day: "Buka"}, last_year=2036)
    with pytest.raises(ValueError, match="must open before it closes"):
        build_calendar(hours={0: (time(16), time(8))}, last_year=2036)
    with pytest.raises(ValueError, match="must be whole minutes"):
        build_calendar(hours={0: (time(8, 0, 30), time(16))}, last_year=2036)
    with pytest.raises(ValueError, match="must be 0 \\(Monday\\) to 6"):
        build_calendar(hours={7: (time(8), time(16))}, last_year=2036)
    with pytest.raises(ValueError, match="must not be after last_year"):
        WorkCalendar(holidays={}, first_year=2030, last_year=2020)


def test_days_late_count_the_agency_own_service_days() -> None:
    due = wib(2026, 3, 13, 16)  # Friday closing time
    assert NATIONAL.working_days_late(due, due) == 0
    assert NATIONAL.working_days_late(due, wib(2026, 3, 13, 17)) == 1  # after closing, same day
    assert NATIONAL.working_days_late(due, wib(2026, 3, 14, 10)) == 1  # Saturday: still one
    assert NATIONAL.working_days_late(due, wib(2026, 3, 16, 9)) == 1  # Monday
    assert NATIONAL.working_days_late(due, wib(2026, 3, 17, 9)) == 2  # Tuesday
    # Nyepi and cuti bersama (18-24 March) are not days of lateness
    assert NATIONAL.working_days_late(due, wib(2026, 3, 25, 9)) == 3
    # an MPP that opens on Saturday mornings counts its Saturday as a day
    assert MPP.working_days_late(due, wib(2026, 3, 14, 10)) == 1
    assert MPP.working_days_late(due, wib(2026, 3, 16, 9)) == 2


# Properties


@few
@given(start=some_days, n=st.integers(min_value=0, max_value=60))
def test_add_working_days_matches_a_day_by_day_walk(start: date, n: int) -> None:
    assert NATIONAL.add_working_days(start, n) == reference_add(start, n)


@few
@given(start=some_days, n=st.integers(min_value=1, max_value=400))
def test_add_working_days_lands_on_a_working_day(start: date, n: int) -> None:
    due = NATIONAL.add_working_days(start, n)
    assert NATIONAL.is_working_day(due)
    assert MPP.is_working_day(MPP.add_working_days(start, n))


@few
@given(start=some_days, n=st.integers(min_value=0, max_value=400))
def test_between_inverts_add(start: date, n: int) -> None:
    due = NATIONAL.add_working_days(start, n)
    assert NATIONAL.working_days_between(start, due) == n
    explanation = NATIONAL.explain(start, n)
    assert explanation.due == due
    assert len(explanation.skipped) == (due - start).days - n


@few
@given(start=some_days, n=st.integers(min_value=0, max_value=400))
def test_add_working_days_is_strictly_increasing(start: date, n: int) -> None:
    assert NATIONAL.add_working_days(start, n + 1) > NATIONAL.add_working_days(start, n)


@few
@given(start=some_days, end=some_days)
def test_days_split_into_working_and_off(start: date, end: date) -> None:
    days_off = NATIONAL.days_off_between(start, end)
    assert all(not NATIONAL.is_working_day(day_off.day) for day_off in days_off)
    assert NATIONAL.working_days_between(start, end) + len(days_off) == max(0, (end - start).days)


@few
@given(start=some_moments, minutes=st.integers(min_value=0, max_value=30_000))
def test_minutes_add_and_between_agree(start: datetime, minutes: int) -> None:
    for calendar in (NATIONAL, MPP):
        due = calendar.add_working_minutes(start, minutes)
        assert calendar.working_minutes_between(start, due) == minutes
        assert due >= start
        if minutes:
            assert in_service_hours(calendar, due)


@few
@given(start=some_moments, minutes=st.integers(min_value=0, max_value=30_000))
def test_minutes_accept_any_zone(start: datetime, minutes: int) -> None:
    assert NATIONAL.add_working_minutes(start.astimezone(UTC), minutes) == (
        NATIONAL.add_working_minutes(start, minutes)
    )


@few
@given(a=whole_minutes, hours=st.integers(min_value=0, max_value=24 * 20))
def test_minutes_between_matches_a_day_by_day_walk(a: datetime, hours: int) -> None:
    b = a + timedelta(hours=hours, minutes=a.minute * 7 % 60)
    for calendar in (NATIONAL, MPP):
        assert calendar.working_minutes_between(a, b) == reference_minutes(calendar, a, b)


@few
@given(moments=st.lists(whole_minutes, min_size=3, max_size=3))
def test_minutes_between_adds_up(moments: list[datetime]) -> None:
    a, b, c = sorted(moments)
    assert NATIONAL.working_minutes_between(a, b) + NATIONAL.working_minutes_between(b, c) == (
        NATIONAL.working_minutes_between(a, c)
    )


@few
@given(start=some_moments, n=st.integers(min_value=1, max_value=100))
def test_add_working_days_at_closes_the_due_day(start: datetime, n: int) -> None:
    due = NATIONAL.add_working_days_at(start, n)
    assert due.date() == NATIONAL.add_working_days(start.date(), n)
    assert due.timetz() == time(16, tzinfo=WIB)


@few
@given(day=some_days, name=st.text(min_size=1, max_size=20))
def test_overrides_change_exactly_their_day(day: date, name: str) -> None:
    closed = build_calendar(closures={day: name}, last_year=2036)
    assert closed.day_off(day) == DayOff(day=day, reason=name, kind="closure")
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    opened = build_calendar(extra_working_days={saturday: name}, last_year=2036)
    assert opened.is_working_day(saturday)
    for other in (day - timedelta(days=1), saturday + timedelta(days=1)):
        assert closed.is_working_day(other) == NATIONAL.is_working_day(other)
        assert opened.is_working_day(other) == NATIONAL.is_working_day(other)


@few
@given(index=st.integers(min_value=0, max_value=10_000))
def test_removing_a_holiday_makes_a_weekday_work(index: int) -> None:
    holidays = sorted(day for day in national_holidays(2015, 2036) if day.year <= 2035)
    holiday = holidays[index % len(holidays)]
    calendar = build_calendar(holiday_overrides={holiday: None}, last_year=2036)
    if holiday.weekday() < 5:
        assert calendar.day_off(holiday) is None
    else:
        reason = {5: "Sabtu", 6: "Minggu"}[holiday.weekday()]
        assert calendar.day_off(holiday) == DayOff(day=holiday, reason=reason, kind="weekend")


@few
@given(due=whole_minutes, minutes=st.integers(min_value=1, max_value=60 * 24 * 30))
def test_days_late_match_a_day_by_day_walk(due: datetime, minutes: int) -> None:
    at = due + timedelta(minutes=minutes)
    expected = 0
    day = due.date()
    while day < at.date():
        day += timedelta(days=1)
        expected += MPP.is_working_day(day)
    assert MPP.working_days_late(due, at) == max(1, expected)


@few
@given(
    start=some_moments,
    n=st.integers(min_value=1, max_value=100),
    k=st.integers(min_value=1, max_value=60),
    earlier=st.integers(min_value=1, max_value=60 * 24 * 10),
)
def test_closing_time_k_working_days_after_the_due_date_is_k_days_late(
    start: datetime, n: int, k: int, earlier: int
) -> None:
    """Whatever each day's length, and never fewer days for a later moment."""
    due = MPP.add_working_days_at(start, n)
    at = MPP.add_working_days_at(due, k)
    assert MPP.working_days_late(due, at) == k
    before = at - timedelta(minutes=earlier)
    assert MPP.working_days_late(due, before) <= k
