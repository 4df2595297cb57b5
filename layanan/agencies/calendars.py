"""The working-day calendar of an agency, from the national one and the agency's own rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q

from layanan.agencies.models import Agency, CalendarDay, ServiceHours
from layanan.lib.workdays import DEFAULT_HOURS, WorkCalendar, build_calendar

_cache: dict[tuple[object, ...], WorkCalendar] = {}
_CACHE_SIZE = 64


def calendar_for(agency: Agency | None) -> WorkCalendar:
    """The calendar that governs an agency's deadlines (the national one for None).

    National corrections (calendar days without an agency) apply to every agency. The result
    is cached by the content of the rows it was built from, so an edit takes effect at once.
    """
    days = list(
        CalendarDay.objects.filter(
            Q(agency__isnull=True) | Q(agency=agency) if agency else Q(agency__isnull=True)
        ).values_list("agency_id", "date", "kind", "name")
    )
    hours_rows = (
        list(ServiceHours.objects.filter(agency=agency).values_list("weekday", "opens", "closes"))
        if agency
        else []
    )
    zone = agency.time_zone if agency else "Asia/Jakarta"
    # national rows have no agency (None), which does not compare with an id: sort by -1
    rows = tuple(sorted(days, key=lambda row: (-1 if row[0] is None else row[0], *row[1:])))
    key = (agency.pk if agency else None, zone, rows, tuple(sorted(hours_rows)))
    if (cached := _cache.get(key)) is not None:
        return cached

    overrides: dict[dt.date, str | None] = {}
    closures: dict[dt.date, str] = {}
    extra: dict[dt.date, str] = {}
    for agency_id, day, kind, name in days:
        if agency_id is None:
            overrides[day] = name if kind == CalendarDay.Kind.CLOSED else None
        elif kind == CalendarDay.Kind.CLOSED:
            closures[day] = name
        else:
            extra[day] = name
    hours = {weekday: (opens, closes) for weekday, opens, closes in hours_rows} or DEFAULT_HOURS
    calendar = build_calendar(
        closures=closures,
        extra_working_days=extra,
        hours=hours,
        holiday_overrides=overrides,
        tz=ZoneInfo(zone),
    )
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[key] = calendar
    return calendar
