"""Structure check of a family card (Kartu Keluarga, KK) number and of a Kemendagri region code.

A KK number has 16 digits, PP KK CC DDMMYY SSSS (REGULATION.md, "Identity numbers"): the
kecamatan of issue (province, kabupaten/kota, kecamatan, as in a NIK), the date the card was
first issued (no 40 added: a card has no sex), and a serial from 0001. As with the NIK, a number
that passes is *well formed*, never verified: only Dukcapil knows whether a card exists.

A region code (kode wilayah Kemendagri) of a village or urban ward reads PP.KK.CC.DDDD:
province, kabupaten (01-69) or kota (71-99), kecamatan (01-99), and the village: 1001-1999 for
a kelurahan (urban ward), 2001-2999 for a desa (village). It is accepted with or without the
dots ("3374011001") and kept in one form, with them ("33.74.01.1001"). Only the structure is
checked, not that the place exists.

`today` is passed in by the caller (no hidden clock). Messages are English and fixed, without
the number in them; callers translate them with `gettext(error.message)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from layanan.lib.nik import PROVINCE_CODES

__all__ = [
    "KK_MESSAGES",
    "REGION_MESSAGES",
    "Kk",
    "KkError",
    "RegionCodeError",
    "normalise_region_code",
    "parse_kk",
]


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (same idea as Django's)."""
    return message


KkErrorCode = Literal["length", "digits", "province", "regency", "district", "date", "serial"]
RegionErrorCode = Literal["form", "province", "regency", "district", "village"]

KK_MESSAGES: dict[str, str] = {
    "length": gettext_noop("A family card number has exactly 16 digits."),
    "digits": gettext_noop("A family card number contains only digits."),
    "province": gettext_noop(
        "The first two digits of the family card number are not a province code."
    ),
    "regency": gettext_noop(
        "Digits 3-4 of the family card number are not a regency or city code (01-69 or 71-99)."
    ),
    "district": gettext_noop(
        "Digits 5-6 of the family card number are not a district code (01-99)."
    ),
    "date": gettext_noop(
        "Digits 7-12 of the family card number are not a valid date of issue (DDMMYY, not in the"
        " future)."
    ),
    "serial": gettext_noop("The last four digits of the family card number cannot be 0000."),
}

REGION_MESSAGES: dict[str, str] = {
    "form": gettext_noop(
        "A region code has 10 digits, written like 33.74.01.1001 (province, regency or city,"
        " district, village)."
    ),
    "province": gettext_noop("The first part of the region code is not a province code."),
    "regency": gettext_noop(
        "The second part of the region code is not a regency (01-69) or city (71-99) code."
    ),
    "district": gettext_noop("The third part of the region code is not a district code (01-99)."),
    "village": gettext_noop(
        "The last part of the region code is not a village code (1001-1999 for an urban ward,"
        " 2001-2999 for a village)."
    ),
}

_DIGITS = frozenset("0123456789")
# What people type between the digits of a long number: spaces, dots and dashes.
_SEPARATORS = frozenset(" .-\u2010\u2011\u2012\u2013\u2014\u2212\t")


class KkError(ValueError):
    """The text is not a well-formed family card number; `code` says which part is wrong."""

    def __init__(self, code: KkErrorCode) -> None:
        self.code: KkErrorCode = code
        self.message: str = KK_MESSAGES[code]
        super().__init__(self.message)


class RegionCodeError(ValueError):
    """The text is not a well-formed region code; `code` says which part is wrong."""

    def __init__(self, code: RegionErrorCode) -> None:
        self.code: RegionErrorCode = code
        self.message: str = REGION_MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class Kk:
    """The parts of a well-formed family card number (well formed, not verified)."""

    number: str  # the 16 digits
    region: str  # "PP.KK.CC", the kecamatan of issue
    issued_on: date
    serial: int

    def __repr__(self) -> str:
        # A KK number names a household: keep it out of logs and tracebacks.
        return f"Kk({self.number[:6]}******{self.number[12:]!r})"


def _digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch not in _SEPARATORS)


def _region_problem(province: str, regency: str, district: str) -> str | None:
    if province not in PROVINCE_CODES:
        return "province"
    if regency in ("00", "70"):
        return "regency"
    if district == "00":
        return "district"
    return None


def parse_kk(text: str, *, today: date) -> Kk:
    """Check a family card number's structure; raise `KkError` when it is malformed.

    The two-digit year of issue is the most recent year with those digits not after `today`;
    a date of issue after `today` is refused."""
    number = _digits_of(text)
    if not _DIGITS.issuperset(number):
        raise KkError("digits")
    if len(number) != 16:
        raise KkError("length")
    problem = _region_problem(number[0:2], number[2:4], number[4:6])
    if problem is not None:
        raise KkError(problem)  # type: ignore[arg-type]
    day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    year = today.year - (today.year - yy) % 100
    try:
        issued_on = date(year, month, day)
    except ValueError:
        raise KkError("date") from None
    if issued_on > today:
        raise KkError("date")
    serial = int(number[12:16])
    if serial == 0:
        raise KkError("serial")
    return Kk(
        number=number,
        region=f"{number[0:2]}.{number[2:4]}.{number[4:6]}",
        issued_on=issued_on,
        serial=serial,
    )


def normalise_region_code(text: str) -> str:
    """The region code in its one stored form, "33.74.01.1001"; raise `RegionCodeError`.

    Dots, spaces and dashes are ignored wherever they are, so "3374011001" and
    "33 74 01 1001" are the same code."""
    digits = _digits_of(text)
    if len(digits) != 10 or not _DIGITS.issuperset(digits):
        raise RegionCodeError("form")
    province, regency, district, village = digits[0:2], digits[2:4], digits[4:6], digits[6:10]
    problem = _region_problem(province, regency, district)
    if problem is not None:
        raise RegionCodeError(problem)  # type: ignore[arg-type]
    if village[0] not in "12" or village[1:] == "000":
        raise RegionCodeError("village")
    return f"{province}.{regency}.{district}.{village}"
