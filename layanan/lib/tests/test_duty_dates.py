"""When the maklumat, the yearly evaluation and the three-yearly review fall due, on a working
calendar; pure, no Django. Checked day by day against the calendar's own questions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.lib.duty_dates import (
    add_months,
    evaluation_due,
    maklumat_due,
    reminder_on,
    working_day_on_or_after,
)
from layanan.lib.workdays import WorkCalendar, build_calendar, national_calendar

NATIONAL = national_calendar(2015, 2036)
# an agency closed on two working days and open on a Saturday
AGENCY = build_calendar(
    closures={date(2026, 7, 8): "Rapat kerja", date(2027, 7, 6): "Pindah kantor"},
    extra_working_days={date(2026, 7, 11): "Pelayanan Sabtu"},
    first_year=2015,
    last_year=2036,
)
calendars = st.sampled_from([NATIONAL, AGENCY])
days = st.dates(min_value=date(2016, 1, 1), max_value=date(2031, 12, 31))
few = settings(max_examples=120, deadline=None)


def test_examples_on_the_agency_calendar() -> None:
    # set on Monday 6 July 2026: 7 working days on the national calendar end Wednesday 15;
    # the agency is closed on the 8th and open on Saturday the 11th, which cancel out
    assert maklumat_due(NATIONAL, date(2026, 7, 6), 7) == date(2026, 7, 15)
    assert maklumat_due(AGENCY, date(2026, 7, 6), 7) == date(2026, 7, 15)
    assert maklumat_due(AGENCY, date(2026, 7, 9), 3) == date(2026, 7, 13)  # 10, 11 (Sat), 13
    # a year after 6 July 2026 is Tuesday 6 July 2027, a closure at the agency: the 7th
    assert evaluation_due(NATIONAL, date(2026, 7, 6), 12) == date(2027, 7, 6)
    assert evaluation_due(AGENCY, date(2026, 7, 6), 12) == date(2027, 7, 7)
    # three years after 31 January: the month's last day, 31 January 2029 is a Wednesday
    assert evaluation_due(NATIONAL, date(2026, 1, 31), 36) == date(2029, 1, 31)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert reminder_on(NATIONAL, date(2026, 7, 6), date(2026, 7, 15), 2) == date(2026, 7, 13)
    assert reminder_on(NATIONAL, date(2026, 7, 14), date(2026, 7, 15), 5) == date(2026, 7, 14)


@few
@given(calendars, days, st.integers(min_value=1, max_value=30))
def test_the_maklumat_is_due_on_the_nth_working_day_after(
    calendar: WorkCalendar, start: date, n: int
) -> None:
    due = maklumat_due(calendar, start, n)
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(start, due) == n
    reference, counted = start, 0
    while counted < n:
        reference += timedelta(days=1)
        counted += int(calendar.is_working_day(reference))
    assert due == reference


@few
@given(calendars, days, st.sampled_from([12, 24, 36]))
def test_an_evaluation_is_due_on_the_first_working_day_from_the_anniversary(
    calendar: WorkCalendar, basis: date, months: int
) -> None:
    anniversary = add_months(basis, months)
    due = evaluation_due(calendar, basis, months)
    assert due >= anniversary
    assert calendar.is_working_day(due)
    day = anniversary
    while day < due:
        assert not calendar.is_working_day(day)
        day += timedelta(days=1)
    assert (anniversary.year - basis.year) * 12 + anniversary.month - basis.month == months
    assert anniversary.day == basis.day or anniversary.day < basis.day


@few
@given(calendars, days, st.integers(0, 40), st.integers(0, 25))
def test_the_reminder_comes_n_working_days_before_and_never_before_the_basis(
    calendar: WorkCalendar, basis: date, gap: int, n: int
) -> None:
    due = working_day_on_or_after(calendar, basis + timedelta(days=gap))
    remind = reminder_on(calendar, basis, due, n)
    assert basis <= remind <= due
    if remind > basis:
        assert calendar.working_days_between(remind, due) == n
    else:
        assert calendar.working_days_between(basis, due) <= n
