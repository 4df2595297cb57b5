"""Working-day calendar for legal time limits ("5 hari kerja") and service hours.

A `WorkCalendar` knows, for every date of the years it covers, whether the office works and
during which hours. Everything is precomputed at construction into sorted tuples of date
ordinals (working days, days off) and a cumulative array of service minutes per working day, so
every query is a `bisect` away: no operation walks day by day over a range, except those that
return one item per day (`days_off_between`, `explain`).

Rules (REGULATION.md, "Working days"):

- A date is a working day when its weekday has service hours (`hours`, Monday-Friday 08:00-16:00
  by default) and it is neither a holiday nor a closure.
- National non-working days are the `holidays` package's Indonesian holidays in the categories
  "public" (libur nasional) and "government" (cuti bersama), named in Indonesian. Future Islamic
  holidays are estimates ("perkiraan"); agencies correct them with `holiday_overrides`.
- Precedence, strongest first: an extra working day (a Saturday service day, a make-up day)
  works even on a weekend or holiday; a closure (an agency closure or correction) makes a date
  non-working; a holiday makes a date non-working; otherwise the weekly hours decide. A date may
  not be both an extra working day and a closure: the calendar refuses to guess which one the
  agency meant. A day off that is both a closure and a holiday is reported as the closure.
  Holidays, closures and extra days outside the calendar's years are ignored.
- Hours of an extra working day: its weekday's hours when that weekday has any; otherwise
  `extra_day_hours` when given; otherwise the hours of a regular day of the same calendar (the
  first weekday, counting from Monday, that has hours), because a make-up day is a full normal
  working day. A half-day Saturday service belongs in `hours[5]` or `extra_day_hours`.
- Service time is counted in wall-clock minutes of the calendar's time zone (Asia/Jakarta by
  default; Indonesian zones have no daylight saving time).
- "n working days" as an instant (`add_working_days_at`): the closing time of the n-th working
  day after the local date of the start, whatever the time of day of the start. An application
  filed on Monday at 10:00 or at 20:00 with a limit of 1 working day is due on Tuesday at
  closing time.

Dates given to an operation, and the dates it would compute, must fall in the years the calendar
covers; otherwise `CalendarRangeError` (a `ValueError`) is raised.

Speed, measured on the development machine (Python 3.11): building a `WorkCalendar` for 2000-2100
takes about 9-12 ms, besides about 12-15 ms for the `holidays` package to produce the holidays of
those years (cached per year range by `national_holidays`).
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from types import MappingProxyType
from zoneinfo import ZoneInfo

from holidays.countries.indonesia import Indonesia

__all__ = [
    "DEFAULT_HOURS",
    "DEFAULT_TZ",
    "NATIONAL_CATEGORIES",
    "WEEKDAY_NAMES",
    "CalendarRangeError",
    "DayOff",
    "Explanation",
    "Timeliness",
    "WorkCalendar",
    "build_calendar",
    "national_calendar",
    "national_holidays",
    "timeliness",
]

WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DEFAULT_TZ = ZoneInfo("Asia/Jakarta")
DEFAULT_HOURS: Mapping[int, tuple[time, time]] = MappingProxyType(
    {weekday: (time(8, 0), time(16, 0)) for weekday in range(5)}
)
NATIONAL_CATEGORIES = ("public", "government")
DEFAULT_FIRST_YEAR = 2015
# Used for extra working days only when the calendar has no weekly hours at all.
_FALLBACK_DAY_MINUTES = (8 * 60, 16 * 60)
_US_PER_MINUTE = 60_000_000
_NO_DATES: Mapping[date, str] = MappingProxyType({})
_NO_OVERRIDES: Mapping[date, str | None] = MappingProxyType({})


class CalendarRangeError(ValueError):
    """A date, or the result of an operation, falls outside the years a calendar covers."""


@dataclass(frozen=True)
class DayOff:
    """Why a date is not a working day."""

    day: date
    reason: str  # holiday or closure name, or the Indonesian weekday name ("Sabtu", "Minggu")
    kind: str  # "weekend" | "holiday" | "closure"


@dataclass(frozen=True)
class Explanation:
    """A due date with the non-working days that were skipped to reach it."""

    start: date
    n: int
    due: date
    skipped: list[DayOff]


def _weekday(ordinal: int) -> int:
    return (ordinal - 1) % 7  # date.fromordinal(1) is a Monday


def _span_minutes(span: tuple[time, time], label: str) -> tuple[int, int]:
    opens, closes = span
    for moment in (opens, closes):
        if moment.tzinfo is not None:
            raise ValueError(f"{label} must be naive local times, not {moment.isoformat()}.")
        if moment.second or moment.microsecond:
            raise ValueError(f"{label} must be whole minutes, not {moment.isoformat()}.")
    if opens >= closes:
        raise ValueError(f"{label} must open before it closes ({opens:%H:%M}-{closes:%H:%M}).")
    return opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute


def _wall_us(moment: datetime) -> int:
    """Microseconds since local midnight."""
    seconds = (moment.hour * 60 + moment.minute) * 60 + moment.second
    return seconds * 1_000_000 + moment.microsecond


class WorkCalendar:
    """Working days and service hours of one office over the years [first_year, last_year]."""

    __slots__ = (
        "_closes",
        "_closure_names",
        "_cum",
        "_first",
        "_holiday_names",
        "_last",
        "_off",
        "_opens",
        "_tz",
        "_work",
    )

    def __init__(
        self,
        *,
        holidays: Mapping[date, str],
        closures: Mapping[date, str] = _NO_DATES,
        extra_working_days: Mapping[date, str] = _NO_DATES,
        hours: Mapping[int, tuple[time, time]] = DEFAULT_HOURS,
        extra_day_hours: tuple[time, time] | None = None,
        first_year: int,
        last_year: int,
        tz: ZoneInfo = DEFAULT_TZ,
    ) -> None:
        if first_year > last_year:
            raise ValueError(
                f"first_year ({first_year}) must not be after last_year ({last_year})."
            )
        try:
            first = date(first_year, 1, 1).toordinal()
            last = date(last_year, 12, 31).toordinal()
        except ValueError:
            raise ValueError(
                f"Years {first_year}-{last_year} are not valid calendar years."
            ) from None
        weekly: dict[int, tuple[int, int]] = {}
        for weekday, span in hours.items():
            if weekday not in range(7):
                raise ValueError(f"Weekday {weekday!r} in hours must be 0 (Monday) to 6 (Sunday).")
            weekly[weekday] = _span_minutes(span, f"The hours of {WEEKDAY_NAMES[weekday]}")
        if extra_day_hours is not None:
            extra_span = _span_minutes(extra_day_hours, "extra_day_hours")
        else:
            extra_span = weekly[min(weekly)] if weekly else _FALLBACK_DAY_MINUTES

        def by_ordinal(days: Mapping[date, str]) -> dict[int, str]:
            ordinals = ((day.toordinal(), name) for day, name in days.items())
            return {ordinal: name for ordinal, name in ordinals if first <= ordinal <= last}

        holiday_names = by_ordinal(holidays)
        closure_names = by_ordinal(closures)
        extra_names = by_ordinal(extra_working_days)
        conflicts = sorted(closure_names.keys() & extra_names.keys())
        if conflicts:
            listed = ", ".join(date.fromordinal(ordinal).isoformat() for ordinal in conflicts)
            raise ValueError(f"Dates cannot be both a closure and an extra working day: {listed}.")

        working: set[int] = set()
        for weekday in weekly:
            working.update(range(first + (weekday - _weekday(first)) % 7, last + 1, 7))
        working.difference_update(holiday_names, closure_names)
        working.update(extra_names)
        work = tuple(sorted(working))
        # Regular working days always have weekly hours; only extra days can fall back.
        spans = [weekly.get(_weekday(ordinal), extra_span) for ordinal in work]

        self._first = first
        self._last = last
        self._tz = tz
        self._holiday_names = holiday_names
        self._closure_names = closure_names
        self._work = work
        self._off = tuple(sorted(set(range(first, last + 1)).difference(working)))
        self._opens = tuple(opens for opens, _ in spans)
        self._closes = tuple(closes for _, closes in spans)
        # _cum[i]: service minutes of the working days before work[i]; _cum[-1]: the total.
        self._cum = tuple(accumulate((closes - opens for opens, closes in spans), initial=0))

    def __repr__(self) -> str:
        return f"<WorkCalendar {self.first_year}-{self.last_year} {self._tz.key}>"

    @property
    def first_year(self) -> int:
        return self.first_day.year

    @property
    def last_year(self) -> int:
        return self.last_day.year

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def first_day(self) -> date:
        return date.fromordinal(self._first)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self._last)

    # Days

    def is_working_day(self, d: date) -> bool:
        return self._work_index(self._ordinal(d)) is not None

    def day_off(self, d: date) -> DayOff | None:
        """Why `d` is not a working day, or None when it is one."""
        ordinal = self._ordinal(d)
        if self._work_index(ordinal) is not None:
            return None
        return self._day_off(ordinal)

    def service_hours(self, d: date) -> tuple[time, time] | None:
        """Opening and closing time on `d`, or None when it is not a working day."""
        index = self._work_index(self._ordinal(d))
        if index is None:
            return None
        opens, closes = self._opens[index], self._closes[index]
        return time(opens // 60, opens % 60), time(closes // 60, closes % 60)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`; `start` is day zero and may be a day off."""
        ordinal = self._ordinal(start)
        if n < 0:
            raise ValueError("n must not be negative.")
        if n == 0:
            return start
        return date.fromordinal(self._work[self._nth_index(ordinal, n)])

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days d with start < d <= end (0 when end <= start)."""
        first, last = self._ordinal(start), self._ordinal(end)
        if last <= first:
            return 0
        return bisect_right(self._work, last) - bisect_right(self._work, first)

    def days_off_between(self, start: date, end: date) -> list[DayOff]:
        """The non-working days d with start < d <= end, in order, weekends included."""
        first, last = self._ordinal(start), self._ordinal(end)
        lo, hi = bisect_right(self._off, first), bisect_right(self._off, last)
        return [self._day_off(ordinal) for ordinal in self._off[lo:hi]]

    def explain(self, start: date, n: int) -> Explanation:
        """The due date of `n` working days after `start`, with the days off skipped on the way."""
        due = self.add_working_days(start, n)
        return Explanation(start=start, n=n, due=due, skipped=self.days_off_between(start, due))

    # Service time

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """The instant when `minutes` of service time after `start` have elapsed.

        Counting begins at the next opening when `start` is outside service hours. When the
        minutes run out exactly at closing time, the closing time is returned.
        """
        position = self._position_us(start, "start")
        if minutes < 0:
            raise ValueError("minutes must not be negative.")
        if minutes == 0:
            return start
        target = position + minutes * _US_PER_MINUTE
        # The working day whose service time (cum[i], cum[i + 1]] holds the target.
        index = bisect_left(self._cum, -(-target // _US_PER_MINUTE)) - 1
        if index >= len(self._work):
            raise CalendarRangeError(self._beyond_message())
        offset = target - self._cum[index] * _US_PER_MINUTE
        return self._instant(index, self._opens[index] * _US_PER_MINUTE + offset)

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Whole minutes of service time in [a, b) (0 when b <= a)."""
        start = self._position_us(a, "a")
        end = self._position_us(b, "b")
        if b <= a:
            return 0
        return (end - start) // _US_PER_MINUTE

    def whole_working_days_between(self, a: datetime, b: datetime) -> int:
        """The working days whose service hours lie wholly within [a, b] (0 when b <= a)."""
        start = self._position_us(a, "a")
        end = self._position_us(b, "b")
        if b <= a:
            return 0
        # Working day i is [cum[i], cum[i + 1]] in service minutes: count the i with
        # cum[i] >= start and cum[i + 1] <= end.
        first = bisect_left(self._cum, -(-start // _US_PER_MINUTE))
        after_last = bisect_right(self._cum, end // _US_PER_MINUTE) - 1
        return max(0, after_last - first)

    def working_days_late(self, due: datetime, at: datetime) -> int:
        """How many of this calendar's working days `at` is late for something due at `due`.

        0 when `at` is not after `due`. Otherwise the working days after the local date of the
        due date, up to and including the local date of `at`, and at least 1: later on the due
        day itself is one day late, the next working day is still one, the one after that two.
        A day is the agency's own service day, whatever its hours (a Saturday morning counts
        as a day, as does a Ramadan day of shorter hours).
        """
        if at <= due:
            return 0
        local_due = self._local(due, "due").date()
        local_at = self._local(at, "at").date()
        return max(1, self.working_days_between(local_due, local_at))

    def add_working_days_at(self, start: datetime, n: int) -> datetime:
        """Closing time of the n-th working day after the local date of `start`.

        The time of day of `start` does not matter; n == 0 returns `start` unchanged.
        """
        local = self._local(start, "start")
        due = self.add_working_days(local.date(), n)
        if n == 0:
            return start
        index = bisect_left(self._work, due.toordinal())
        return self._instant(index, self._closes[index] * _US_PER_MINUTE)

    # Internals

    def _ordinal(self, d: date) -> int:
        ordinal = d.toordinal()
        if not self._first <= ordinal <= self._last:
            raise CalendarRangeError(
                f"{d.isoformat()} is outside the calendar, which covers "
                f"{self.first_day.isoformat()} to {self.last_day.isoformat()}."
            )
        return ordinal

    def _beyond_message(self) -> str:
        return (
            f"The result falls after {self.last_day.isoformat()}, the last day the calendar "
            f"covers; use a calendar with a later last_year."
        )

    def _work_index(self, ordinal: int) -> int | None:
        index = bisect_left(self._work, ordinal)
        if index < len(self._work) and self._work[index] == ordinal:
            return index
        return None

    def _nth_index(self, ordinal: int, n: int) -> int:
        index = bisect_right(self._work, ordinal) + n - 1
        if index >= len(self._work):
            raise CalendarRangeError(self._beyond_message())
        return index

    def _day_off(self, ordinal: int) -> DayOff:
        day = date.fromordinal(ordinal)
        if ordinal in self._closure_names:
            return DayOff(day=day, reason=self._closure_names[ordinal], kind="closure")
        if ordinal in self._holiday_names:
            return DayOff(day=day, reason=self._holiday_names[ordinal], kind="holiday")
        return DayOff(day=day, reason=WEEKDAY_NAMES[day.weekday()], kind="weekend")

    def _local(self, moment: datetime, label: str) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"{label} must be a timezone-aware datetime, not {moment.isoformat()}."
            )
        local = moment.astimezone(self._tz)
        self._ordinal(local.date())
        return local

    def _position_us(self, moment: datetime, label: str) -> int:
        """Service time from the calendar's first day up to `moment`, in microseconds."""
        local = self._local(moment, label)
        ordinal = local.toordinal()
        index = bisect_left(self._work, ordinal)
        if index == len(self._work) or self._work[index] != ordinal:
            return self._cum[index] * _US_PER_MINUTE  # a day off: the next opening
        opens = self._opens[index] * _US_PER_MINUTE
        closes = self._closes[index] * _US_PER_MINUTE
        within = min(max(_wall_us(local), opens), closes) - opens
        return self._cum[index] * _US_PER_MINUTE + within

    def _instant(self, index: int, wall_us: int) -> datetime:
        midnight = datetime.combine(date.fromordinal(self._work[index]), time(), tzinfo=self._tz)
        return midnight + timedelta(microseconds=wall_us)


@functools.lru_cache(maxsize=16)
def national_holidays(first_year: int, last_year: int) -> Mapping[date, str]:
    """Indonesian national holidays and cuti bersama of [first_year, last_year], by date."""
    supported_first, supported_last = Indonesia.start_year, Indonesia.end_year
    if first_year < supported_first or last_year > supported_last:
        raise CalendarRangeError(
            f"The holidays package knows Indonesian holidays for {supported_first} to "
            f"{supported_last} only, not {first_year} to {last_year}."
        )
    national = Indonesia(
        years=range(first_year, last_year + 1), categories=NATIONAL_CATEGORIES, language="id"
    )
    return MappingProxyType(dict(national.items()))


def _default_last_year() -> int:
    return datetime.now(tz=DEFAULT_TZ).year + 10


def national_calendar(
    first_year: int = DEFAULT_FIRST_YEAR, last_year: int | None = None
) -> WorkCalendar:
    """The national calendar: Monday-Friday 08:00-16:00 without national holidays.

    `last_year` defaults to ten years after the current year.
    """
    return _national_calendar(first_year, _default_last_year() if last_year is None else last_year)


@functools.lru_cache(maxsize=8)
def _national_calendar(first_year: int, last_year: int) -> WorkCalendar:
    return WorkCalendar(
        holidays=national_holidays(first_year, last_year),
        first_year=first_year,
        last_year=last_year,
    )


def build_calendar(
    *,
    closures: Mapping[date, str] = _NO_DATES,
    extra_working_days: Mapping[date, str] = _NO_DATES,
    hours: Mapping[int, tuple[time, time]] = DEFAULT_HOURS,
    extra_day_hours: tuple[time, time] | None = None,
    holiday_overrides: Mapping[date, str | None] = _NO_OVERRIDES,
    first_year: int = DEFAULT_FIRST_YEAR,
    last_year: int | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> WorkCalendar:
    """An agency's calendar: the national holidays with its own corrections and opening days.

    `holiday_overrides` maps a date to a holiday name (adding a holiday or renaming one) or to
    None (removing a national holiday, e.g. when the government moves Idul Adha). Removing a date
    that is not a holiday does nothing, so a correction stays valid once the `holidays` package
    catches up with it.
    """
    if last_year is None:
        last_year = _default_last_year()
    holiday_names = dict(national_holidays(first_year, last_year))
    for day, name in holiday_overrides.items():
        if name is None:
            holiday_names.pop(day, None)
        else:
            holiday_names[day] = name
    return WorkCalendar(
        holidays=holiday_names,
        closures=closures,
        extra_working_days=extra_working_days,
        hours=hours,
        extra_day_hours=extra_day_hours,
        first_year=first_year,
        last_year=last_year,
        tz=tz,
    )


@dataclass(frozen=True)
class Timeliness:
    """How an instant (a completion) compares with a due instant, on a working calendar."""

    late: bool  # after the due minute
    on_time: bool  # within the due minute (neither early nor late)
    working_days: int  # working days apart, 0 when less than one whole working day apart
    working_minutes: int  # service minutes between the two instants

    @property
    def signed_days(self) -> int:
        """Negative when early, positive when late (0 when less than a working day apart)."""
        return self.working_days if self.late else -self.working_days

    @property
    def signed_minutes(self) -> int:
        """Negative when early, positive when late: service minutes from the due instant."""
        return self.working_minutes if self.late else -self.working_minutes


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def timeliness(calendar: WorkCalendar, done: datetime, due: datetime) -> Timeliness:
    """Compare the instant `done` with the instant `due` on `calendar`.

    On time when both fall within the same minute; otherwise early or late by the service time
    between them. `working_minutes` is the service minutes between the two instants. When the
    working days whose whole service hours lie between them number at least one, the distance
    in `working_days` is the count of working days d with min(date) < d <= max(date), the local
    dates in the calendar's zone, as the guarantee counts days late (finishing on Wednesday at
    14.05 for a due time of Monday's closing is 3 working days early; on Tuesday at 10.00 for
    a due time of Thursday's closing, 3 working days late); otherwise `working_days` is 0 and
    only the minutes tell (finishing at 10.50 for a due time of 12.08 the same day is 78
    working minutes early). Time outside service hours is not counted, so a completion on the
    due day after closing time is late by 0 working minutes.
    """
    for label, moment in (("done", done), ("due", due)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"{label} must be a timezone-aware datetime, not {moment.isoformat()}."
            )
    if _minute(done) == _minute(due):
        return Timeliness(late=False, on_time=True, working_days=0, working_minutes=0)
    first, last = sorted((done, due))
    days = 0
    if calendar.whole_working_days_between(first, last):
        days = calendar.working_days_between(
            first.astimezone(calendar.tz).date(), last.astimezone(calendar.tz).date()
        )
    return Timeliness(
        late=done > due,
        on_time=False,
        working_days=days,
        working_minutes=calendar.working_minutes_between(first, last),
    )
