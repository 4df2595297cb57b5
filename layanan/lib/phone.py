"""Indonesian telephone numbers: one normal form (E.164, ``+628123456789``) for every way
people write them.

Pure: no Django. The rules, as numbers are written on forms, cards and letterheads:

- separators are spaces, hyphens, dots and parentheses: ``0812 3456 7890``, ``0812-3456-7890``,
  ``(0812) 3456 7890``, ``(021) 555.1234``;
- the country is Indonesia (+62) and may be written ``+62``, ``62``, ``0062`` or as the trunk
  prefix ``0``; ``+62 (0)812 …`` (the trunk 0 kept in brackets) is read too;
- the national significant number (after +62) has 9 to 12 digits and does not start with 0:
  mobile numbers start with 8 (``812 3456 7890``), fixed lines with an area code
  (``21 555 1234``).

Anything else (letters, another country's code, too few or too many digits) is refused with a
code that says why, so that forms can say it in the user's language.
"""

from __future__ import annotations

import re

COUNTRY_CODE = "62"
MIN_DIGITS = 9  # national significant number, without the trunk 0
MAX_DIGITS = 12

_SEPARATORS = re.compile(r"[\s\-.()/]")
_E164 = re.compile(rf"\+{COUNTRY_CODE}[1-9][0-9]{{{MIN_DIGITS - 1},{MAX_DIGITS - 1}}}")


class PhoneError(ValueError):
    """`code` is one of: empty, characters, country, prefix (no 0 or +62 before a number
    that is not a mobile one), length."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise(text: str) -> str:
    """The E.164 form of an Indonesian number written in any usual way; raises PhoneError."""
    raw = (text or "").strip()
    if not raw:
        raise PhoneError("empty")
    # "+62 (0)812…": the trunk prefix in brackets after the country code is not dialled.
    raw = re.sub(r"^(\+?62)\s*\(0\)", r"\1", raw)
    compact = _SEPARATORS.sub("", raw)
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits.isdigit() or not digits.isascii():
        raise PhoneError("characters")
    if plus:
        if not digits.startswith(COUNTRY_CODE):
            raise PhoneError("country")
        national = digits[len(COUNTRY_CODE) :]
    elif digits.startswith("00"):
        if not digits.startswith("00" + COUNTRY_CODE):
            raise PhoneError("country")
        national = digits[2 + len(COUNTRY_CODE) :]
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith(COUNTRY_CODE):
        national = digits[len(COUNTRY_CODE) :]
    elif digits.startswith("8"):
        # Bare "812…" is how some people type a mobile number after a printed +62.
        national = digits
    else:
        raise PhoneError("prefix")
    if national.startswith("0") or not MIN_DIGITS <= len(national) <= MAX_DIGITS:
        raise PhoneError("length")
    return f"+{COUNTRY_CODE}{national}"


def try_normalise(text: str) -> str | None:
    """The E.164 form, or None when the text is not an Indonesian number."""
    try:
        return normalise(text)
    except PhoneError:
        return None


def national(e164: str) -> str:
    """How Indonesians write a stored number: ``+6281234567890`` → ``0812-3456-7890``.

    Mobile numbers are grouped in fours after the 4-digit prefix; other numbers are shown as
    the trunk 0 followed by the digits. Text that is not in E.164 form is returned unchanged.
    """
    if not _E164.fullmatch(e164):
        return e164  # what somebody typed, or a number stored before E.164: shown as it is
    digits = "0" + e164[1 + len(COUNTRY_CODE) :]
    if digits.startswith("08"):
        head, rest = digits[:4], digits[4:]
        groups = [rest[i : i + 4] for i in range(0, len(rest), 4)]
        return "-".join([head, *groups])
    return digits
