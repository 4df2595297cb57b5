"""How Open311 GeoReport v2 answers are written: the same data as JSON or as XML.

The specification (wiki.open311.org/GeoReport_v2, frozen) defines the XML and derives the JSON
from it by the "Spark convention": a JSON array is an XML element whose children are its
items, each named by the singular of the array's name (`services` → `<service>`), and a JSON
object is an element whose children are its keys. So one structure of dicts and lists is
written both ways here, and every view builds only that structure.

XML is built with the standard library's ElementTree, which escapes `&`, `<` and `>` in text;
characters XML 1.0 cannot carry at all (control characters other than tab and line breaks, lone
surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD so that every answer parses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")

# The plural elements of the specification and the name of each of their items.
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """A value as XML element text: booleans as the specification writes them, nothing for
    null, and no character XML cannot hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, item_name), inner)
    else:
        element.text = xml_text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` as an XML document whose root element is `root`, with the declaration the
    specification asks for."""
    element = ET.Element(root)
    _fill(element, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """The answer in the format the address asked for; `root` names the XML root element
    (the JSON is `value` itself: an array for lists, an object for one definition)."""
    if fmt == "json":
        return HttpResponse(to_json(value), content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, value), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, problems: Iterable[tuple[int | str, str]]) -> HttpResponse:
    """The specification's error answer: `[{"code", "description"}]`, or
    `<errors><error><code/><description/></error></errors>`, one per problem."""
    body = [{"code": code, "description": description} for code, description in problems]
    return respond(fmt, "errors", body, status=status)


def w3c(moment: dt.datetime | None, zone: str) -> str | None:
    """An instant in the W3C profile of ISO 8601 with its offset, in the agency's zone:
    `2026-11-30T17:18:03+07:00`."""
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).isoformat(timespec="seconds")


# The W3C note's complete forms: a date, or a date and a time with a zone designator.
W3C_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$"
)


def parse_w3c(text: str, zone: str = "UTC") -> dt.datetime | None:
    """A W3C datetime (`2010-01-01T00:00:00Z`, `2026-11-30T08:00+07:00`) or date (midnight in
    `zone`) as an aware datetime; None when it is not one."""
    found = W3C_DATETIME.match(text.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    try:
        if hour is None:
            return dt.datetime(int(year), int(month), int(day), tzinfo=zoneinfo.ZoneInfo(zone))
        if offset == "Z":
            tz: dt.tzinfo = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                return None
            tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            micro,
            tzinfo=tz,
        )
    except ValueError:  # 2026-02-30, 25:00
        return None


ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def attributes_of(form: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The `attribute[code]=value` (and multi-valued `attribute[code][]=value`) fields of a
    form, by code; empty values dropped (an empty optional argument is an absent one)."""
    found: dict[str, list[str]] = {}
    for key, values in form.items():
        match = ATTRIBUTE_KEY.match(key)
        if match is None:
            continue
        kept = [value for value in values if value.strip()]
        if kept:
            found.setdefault(match.group(1), []).extend(kept)
    return found
