"""How dates, times and money are written for people, in the page's language.

One format everywhere (pages, emails, the API's text fields):

- a date in words: "2 Desember 2026" / "2 December 2026";
- an instant in the zone of the agency that owns it, with the Indonesian zone abbreviation:
  "2 Desember 2026 14.05 WIB" / "2 December 2026 14:05 WIB" (WITA, WIT elsewhere), never an
  offset such as "+07";
- money: `layanan.lib.money.rupiah` ("Rp50.000" in both languages).

No models here; the month names come from Django's translations of the active language.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import get_language

# The three Indonesian zones (Keppres 41/1987) by their own names; the tz database's
# abbreviation for them can be "+07" on some systems.
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
DEFAULT_ZONE = "Asia/Jakarta"


def zone_abbreviation(zone: str) -> str:
    """ "Asia/Makassar" → "WITA"; another zone → "UTC+8" style, never "+08"."""
    if zone in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[zone]
    offset = dt.datetime.now(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _english() -> bool:
    return (get_language() or "id").split("-")[0] == "en"


def date_in_words(value: dt.date | dt.datetime | None, zone: str | None = None) -> str:
    """A date with its month in words; an instant is first moved into `zone`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(ZoneInfo(zone or DEFAULT_ZONE)).date()
    return formats.date_format(value, "j F Y")


def time_of_day(moment: dt.datetime, zone: str | None = None) -> str:
    """ "14.05 WIB" (Indonesian writes the time with a full stop) / "14:05 WIB"."""
    zone = zone or DEFAULT_ZONE
    local = moment.astimezone(ZoneInfo(zone))
    separator = ":" if _english() else "."
    return f"{local:%H}{separator}{local:%M} {zone_abbreviation(zone)}"


def datetime_in_words(moment: dt.datetime | None, zone: str | None = None) -> str:
    """ "2 Desember 2026 14.05 WIB": the instant in `zone`, with the zone's abbreviation."""
    if moment is None:
        return ""
    return f"{date_in_words(moment, zone)} {time_of_day(moment, zone)}"


def month_in_words(value: str | dt.date) -> str:
    """ "2026-12" (or a date) → "Desember 2026" / "December 2026"."""
    if isinstance(value, str):
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            value = dt.date(year, month, 1)
        except ValueError:
            return str(value)
    return formats.date_format(value, "F Y")
