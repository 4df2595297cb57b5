"""Rules on a form field's answer, declared in the charter: read, resolve and check them.

Pure: no database, no clock (the day of filing is passed in). The charter reader calls
`read_rules` on each form field; the answers validator (`cases.answers`) calls `check_*`
with the stored rules; the API publishes `resolve` for today.

What each field type takes (YAML under the field's `rules:`):

- ``number``: ``min``, ``max`` (numbers) and ``integer`` (true: whole numbers only);
- ``text``, ``textarea``, ``email``: ``min_length``, ``max_length`` (characters) and
  ``pattern`` (a regular expression the whole answer must match) with ``message`` (what to
  tell the person whose answer does not match, in Indonesian and optionally English);
- ``phone``: ``min_length``, ``max_length``, counted in digits as written in Indonesia with
  the leading 0 (``0812-3456-7890`` has 12);
- ``date``: ``min``, ``max``, each ``today``, an offset from the day of filing (``+30d``,
  ``-6m``, ``+1y``, ``-120y``; d days, w weeks, m months, y years) or a date (``2026-01-31``).

The stored form holds only the rules declared, so a charter without rules reads as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from layanan.charters.reader import Reader, join
from layanan.lib.duty_dates import add_months

TEXT_RULES = ("min_length", "max_length", "pattern", "message")
RULES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "number": ("min", "max", "integer"),
    "text": TEXT_RULES,
    "textarea": TEXT_RULES,
    "email": TEXT_RULES,
    "phone": ("min_length", "max_length"),
    "date": ("min", "max"),
}
OFFSET_RE = re.compile(r"^([+-])(\d{1,4})([dwmy])$")
TODAY = "today"


# -- relative dates ------------------------------------------------------------------------


def parse_date_rule(value: Any) -> str | None:
    """The stored form of a date rule (``today``, ``+1y``, ``2026-01-31``), or None."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text == TODAY:
        return TODAY
    match = OFFSET_RE.match(text)
    if match:
        sign, amount, unit = match.groups()
        return f"{sign}{int(amount)}{unit}"
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def resolve_date(rule: str, today: dt.date) -> dt.date:
    """The date a stored date rule stands for on the day `today`."""
    if rule == TODAY:
        return today
    match = OFFSET_RE.match(rule)
    if not match:
        return dt.date.fromisoformat(rule)
    sign, amount, unit = match.groups()
    n = int(amount) * (1 if sign == "+" else -1)
    try:
        if unit == "d":
            return today + dt.timedelta(days=n)
        if unit == "w":
            return today + dt.timedelta(weeks=n)
        return add_months(today, n if unit == "m" else 12 * n)
    except OverflowError:
        return dt.date.max if n > 0 else dt.date.min


def is_relative(rule: str) -> bool:
    return rule == TODAY or bool(OFFSET_RE.match(rule))


# Days on which two relative rules are compared: every day of a leap year and of the year
# after, so that month ends and 29 February are all tried.
_PROBE_DAYS = [dt.date(2028, 1, 1) + dt.timedelta(days=i) for i in range(366 + 365)]


def dates_can_cross(low: str, high: str) -> bool:
    """Whether `low` can fall after `high` on some day of filing (then no date is valid)."""
    if not is_relative(low) and not is_relative(high):
        return dt.date.fromisoformat(low) > dt.date.fromisoformat(high)
    if is_relative(low) and is_relative(high):
        return any(resolve_date(low, d) > resolve_date(high, d) for d in _PROBE_DAYS)
    return False  # one fixed, one moving: valid for some days of filing, and that is the intent


# -- reading -------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_stored(value: Any) -> Any:
    """A declared value kept as it was written, in a form JSON can hold."""
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def read_rules(r: Reader, data: Any, path: str, *, kind: str) -> dict[str, Any]:
    """The rules declared for a field of type `kind`, normalised; problems go to `r`.

    A rule that is wrong is kept as written (not dropped), so that a draft saved with it
    reports the same problem when it is read again for adoption."""
    if data is None:
        return {}
    rules = r.mapping(data, path)
    if not rules:
        return {}
    allowed = RULES_BY_TYPE.get(kind, ())
    if not allowed:
        r.error(path, _("a %(type)s field takes no rules") % {"type": kind})
        return {str(k): as_stored(v) for k, v in rules.items()}
    result: dict[str, Any] = {}
    for key, value in rules.items():
        if key not in allowed:
            r.error(
                join(path, str(key)),
                _("a %(type)s field takes no rule '%(rule)s'; use one of: %(rules)s")
                % {"type": kind, "rule": key, "rules": ", ".join(allowed)},
            )
            result[str(key)] = as_stored(value)
    if kind == "number":
        read_number_rules(r, rules, path, result)
    elif kind == "date":
        read_date_rules(r, rules, path, result)
    else:
        read_text_rules(r, {k: v for k, v in rules.items() if k in allowed}, path, result)
    return result


def read_number_rules(
    r: Reader, rules: Mapping[str, Any], path: str, result: dict[str, Any]
) -> None:
    for key in ("min", "max"):
        if key in rules:
            result[key] = as_stored(rules[key])
            if not is_number(rules[key]):
                r.error(join(path, key), _("must be a number"))
    if "integer" in rules:
        result["integer"] = as_stored(rules["integer"])
        r.boolean(rules, "integer", path, default=False)
    low: Any = result.get("min")
    high: Any = result.get("max")
    if is_number(low) and is_number(high) and float(low) > float(high):
        r.error(join(path, "min"), _("the minimum is greater than the maximum"))
    if result.get("integer") is True:
        for key in ("min", "max"):
            if is_number(result.get(key)) and float(result[key]) != int(result[key]):
                r.error(join(path, key), _("must be a whole number for a whole-number field"))


def read_date_rules(r: Reader, rules: Mapping[str, Any], path: str, result: dict[str, Any]) -> None:
    for key in ("min", "max"):
        if key in rules:
            parsed = parse_date_rule(rules[key])
            result[key] = parsed if parsed is not None else as_stored(rules[key])
            if parsed is None:
                r.error(
                    join(path, key),
                    _(
                        "write 'today', an offset from the day of filing such as +30d, "
                        "-6m, +1y or -120y, or a date such as 2026-01-31"
                    ),
                )
    low, high = parse_date_rule(rules.get("min")), parse_date_rule(rules.get("max"))
    if low is not None and high is not None and dates_can_cross(low, high):
        r.error(join(path, "min"), _("the earliest date can fall after the latest date"))


def read_text_rules(r: Reader, rules: Mapping[str, Any], path: str, result: dict[str, Any]) -> None:
    for key in ("min_length", "max_length"):
        if key in rules:
            result[key] = as_stored(rules[key])
            r.integer(rules, key, path, minimum=1 if key == "max_length" else 0)
    low: Any = result.get("min_length")
    high: Any = result.get("max_length")
    if is_number(low) and is_number(high) and float(low) > float(high):
        r.error(join(path, "min_length"), _("the minimum length is greater than the maximum"))
    if "pattern" in rules:
        pattern = rules["pattern"]
        result["pattern"] = as_stored(pattern)
        if not isinstance(pattern, str) or not pattern:
            r.error(join(path, "pattern"), _("must be text; put it in quotes"))
        else:
            try:
                re.compile(pattern)
            except re.error as problem:
                r.error(
                    join(path, "pattern"),
                    _("is not a valid regular expression: %(problem)s") % {"problem": str(problem)},
                )
        result["message"] = r.bilingual(rules, "message", path)
        if not result["message"]["id"]:
            r.error(
                join(path, "message"),
                _("a pattern needs a message that tells people what to write"),
            )
    elif "message" in rules:
        result["message"] = as_stored(rules["message"])
        r.error(join(path, "message"), _("a message goes with a pattern"))


# -- checking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken rule: `rule` is its name, `limit` the value it set (a date resolved)."""

    rule: str
    limit: Any = None


def check_number(rules: Mapping[str, Any], value: Decimal) -> list[Violation]:
    found = []
    if rules.get("integer") and value != value.to_integral_value():
        found.append(Violation("integer"))
    if "min" in rules and value < Decimal(str(rules["min"])):
        found.append(Violation("min", rules["min"]))
    if "max" in rules and value > Decimal(str(rules["max"])):
        found.append(Violation("max", rules["max"]))
    return found


def check_text(
    rules: Mapping[str, Any], value: str, *, length: Callable[[str], int] = len
) -> list[Violation]:
    found = []
    size = length(value)
    if "min_length" in rules and size < rules["min_length"]:
        found.append(Violation("min_length", rules["min_length"]))
    if "max_length" in rules and size > rules["max_length"]:
        found.append(Violation("max_length", rules["max_length"]))
    if rules.get("pattern") and re.fullmatch(rules["pattern"], value) is None:
        found.append(Violation("pattern"))
    return found


def check_date(rules: Mapping[str, Any], value: dt.date, *, today: dt.date) -> list[Violation]:
    found = []
    if "min" in rules and value < (limit := resolve_date(rules["min"], today)):
        found.append(Violation("min", limit))
    if "max" in rules and value > (limit := resolve_date(rules["max"], today)):
        found.append(Violation("max", limit))
    return found


def resolve(rules: Mapping[str, Any], *, kind: str, today: dt.date) -> dict[str, Any]:
    """The rules as published: dates resolved to ISO dates for `today`; no message (the
    caller picks its language)."""
    result = {k: v for k, v in rules.items() if k != "message"}
    if kind == "date":
        for key in ("min", "max"):
            if key in result:
                result[key] = resolve_date(result[key], today).isoformat()
    return result
