"""When an agency's duties about its standards fall due, on its working-day calendar.

- The maklumat pelayanan is published (or re-confirmed) within `days` working days after a
  standard is set (UU 25/2009 Pasal 22: seven): due on the `days`-th working day after it.
- The yearly evaluation and the three-yearly review (PP 96/2012) are due `months` after their
  basis (the day the standard in force was set, or the last evaluation); when that day is not
  a working day, on the next working day. A 29, 30 or 31 that the month lacks becomes the
  month's last day.
- The reminder goes `days` working days before the due day, never before the basis.

Pure: a `WorkCalendar` in, dates out.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt

from layanan.lib.workdays import WorkCalendar


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); the 31st becomes the month's last day, and
    the year stays within what a date can hold. (Also the date rules' `+6m`, `charters.rules`.)"""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    year = min(max(year, dt.MINYEAR), dt.MAXYEAR)
    last = gregorian.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def working_day_on_or_after(calendar: WorkCalendar, day: dt.date) -> dt.date:
    return calendar.add_working_days(day - dt.timedelta(days=1), 1)


def maklumat_due(calendar: WorkCalendar, set_on: dt.date, days: int) -> dt.date:
    """The last day to publish or re-confirm the maklumat after a standard set on `set_on`."""
    return calendar.add_working_days(set_on, days)


def evaluation_due(calendar: WorkCalendar, basis: dt.date, months: int) -> dt.date:
    """The last day for an evaluation `months` after `basis`."""
    return working_day_on_or_after(calendar, add_months(basis, months))


def reminder_on(calendar: WorkCalendar, basis: dt.date, due: dt.date, days: int) -> dt.date:
    """The day to remind: `days` working days before `due`, or `basis` when that is later."""
    day = due
    counted = 0
    while counted < days and day > basis:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return max(day, basis)
