"""Structure check of the NIK (Nomor Induk Kependudukan), the 16-digit population number.

A NIK reads PP KK CC DDMMYY SSSS (REGULATION.md, "Identity numbers"):

- PP: province code (kode wilayah Kemendagri), one of `PROVINCE_CODES`;
- KK: kabupaten 01-69 or kota 71-99 within the province;
- CC: kecamatan 01-99;
- DDMMYY: date of birth, with 40 added to the day for women (so 41-71 is a woman's day 1-31);
- SSSS: serial 0001-9999.

The check is structural only. A NIK that passes is *well formed*: its region code is plausible
and its date of birth exists. It is **not** a verified identity: the number may belong to nobody,
or to somebody else than the person who typed it. Only Dukcapil can verify a NIK, and nothing
here talks to Dukcapil. Region codes are checked for plausibility (the code ranges), not against
the list of regencies and districts that exist.

The two-digit year is read as the most recent year with those last two digits that is not after
`today`, a date the caller passes in (there is no hidden clock). A date of birth after `today`
is then invalid. Consequences: everybody is read as 0-99 years old, so a person of 100 or more
gets a birth date a century too late, and somebody born exactly 100 years ago on a day later in
the year than `today` is rejected. Both are rare enough to leave to a manual check.

Error messages are English and fixed (no personal data in them); they are marked with a local
`gettext_noop` so that `makemessages` collects them, and callers translate them with
`gettext(MESSAGES[error.code])` or `gettext(error.message)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "MESSAGES",
    "PROVINCE_CODES",
    "Nik",
    "NikError",
    "is_valid_nik",
    "looks_like_nik",
    "mask_nik",
    "normalise_nik",
    "parse_nik",
]


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (same idea as Django's)."""
    return message


ErrorCode = Literal["length", "digits", "province", "regency", "district", "date", "serial"]
Sex = Literal["L", "P"]

MESSAGES: dict[str, str] = {
    "length": gettext_noop("A NIK has exactly 16 digits."),
    "digits": gettext_noop("A NIK contains only digits."),
    "province": gettext_noop("The first two digits of the NIK are not a province code."),
    "regency": gettext_noop(
        "Digits 3-4 of the NIK are not a regency or city code (01-69 or 71-99)."
    ),
    "district": gettext_noop("Digits 5-6 of the NIK are not a district code (01-99)."),
    "date": gettext_noop(
        "Digits 7-12 of the NIK are not a valid date of birth (DDMMYY, with 40 added to the day"
        " for women)."
    ),
    "serial": gettext_noop("The last four digits of the NIK cannot be 0000."),
}

# Kemendagri province codes after the 2022 Papua split: 38 provinces. Codes are never reused,
# and a NIK keeps the code of the province that issued it, so every code ever issued is listed.
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "11",  # Aceh
        "12",  # Sumatera Utara
        "13",  # Sumatera Barat
        "14",  # Riau
        "15",  # Jambi
        "16",  # Sumatera Selatan
        "17",  # Bengkulu
        "18",  # Lampung
        "19",  # Kepulauan Bangka Belitung
        "21",  # Kepulauan Riau
        "31",  # DKI Jakarta
        "32",  # Jawa Barat
        "33",  # Jawa Tengah
        "34",  # DI Yogyakarta
        "35",  # Jawa Timur
        "36",  # Banten
        "51",  # Bali
        "52",  # Nusa Tenggara Barat
        "53",  # Nusa Tenggara Timur
        "61",  # Kalimantan Barat
        "62",  # Kalimantan Tengah
        "63",  # Kalimantan Selatan
        "64",  # Kalimantan Timur
        "65",  # Kalimantan Utara
        "71",  # Sulawesi Utara
        "72",  # Sulawesi Tengah
        "73",  # Sulawesi Selatan
        "74",  # Sulawesi Tenggara
        "75",  # Gorontalo
        "76",  # Sulawesi Barat
        "81",  # Maluku
        "82",  # Maluku Utara
        "91",  # Papua
        "92",  # Papua Barat
        "93",  # Papua Selatan (2022)
        "94",  # Papua Tengah (2022)
        "95",  # Papua Pegunungan (2022)
        "96",  # Papua Barat Daya (2022)
    }
)

_DIGITS = frozenset("0123456789")
# Separators people type inside a NIK: whitespace (checked separately), dots, and dashes,
# including the typographic ones that word processors and phones substitute for "-".
_SEPARATORS = frozenset(".-\u2010\u2011\u2012\u2013\u2014\u2212")
_WOMAN_DAY_OFFSET = 40


class NikError(ValueError):
    """The text is not a well-formed NIK; `code` says which part is wrong."""

    def __init__(self, code: ErrorCode) -> None:
        self.code: ErrorCode = code
        self.message: str = MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class Nik:
    """The parts of a well-formed NIK. Well formed is not verified: see the module docstring."""

    number: str  # the 16 digits, without separators
    province: str
    regency: str
    district: str
    birth_date: date
    sex: Sex  # "L" laki-laki, "P" perempuan
    serial: int

    def __repr__(self) -> str:
        # A NIK is personal data (UU 27/2022): keep it out of logs and tracebacks.
        return f"Nik({mask_nik(self.number)!r})"

    @property
    def region_code(self) -> str:
        """The kecamatan's Kemendagri code, "PP.KK.CC"."""
        return f"{self.province}.{self.regency}.{self.district}"

    @property
    def is_kota(self) -> bool:
        """True when the regency code is a kota (city, 71-99) rather than a kabupaten."""
        return int(self.regency) >= 71


def normalise_nik(text: str) -> str:
    """Return the 16 digits of `text` without separators, or raise `NikError` ("digits", "length").

    Whitespace, dots and dashes are removed; any other character that is not an ASCII digit is
    an error (also other scripts' digits, which `int()` would accept).
    """
    digits = "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)
    if not _DIGITS.issuperset(digits):
        raise NikError("digits")
    if len(digits) != 16:
        raise NikError("length")
    return digits


def parse_nik(text: str, *, today: date) -> Nik:
    """Split a NIK into its parts, checking its structure; raise `NikError` when it is malformed.

    `today` is the reference date that resolves the two-digit year of birth (the most recent year
    not after it) and that no birth date may follow. A parsed NIK is well formed, not verified.
    """
    number = normalise_nik(text)
    province, regency, district = number[0:2], number[2:4], number[4:6]
    if province not in PROVINCE_CODES:
        raise NikError("province")
    if regency in ("00", "70"):
        raise NikError("regency")
    if district == "00":
        raise NikError("district")
    birth_date, sex = _birth_date_and_sex(number[6:12], today=today)
    serial = int(number[12:16])
    if serial == 0:
        raise NikError("serial")
    return Nik(
        number=number,
        province=province,
        regency=regency,
        district=district,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def looks_like_nik(text: str) -> bool:
    """True when `text` is 16 digits once separators are removed: meant as a NIK, not as a
    phone number (E.164 numbers have at most 15 digits) or a name. Whether it is a
    well-formed NIK is `parse_nik`'s question."""
    try:
        normalise_nik(text)
    except NikError:
        return False
    return True


def is_valid_nik(text: str, *, today: date) -> bool:
    """True when `text` is a well-formed NIK (see `parse_nik`); says nothing about identity."""
    try:
        parse_nik(text, today=today)
    except NikError:
        return False
    return True


def mask_nik(text: str) -> str:
    """Show only the region (first 6) and serial (last 4) digits: "337101******0001".

    For back-office display. Only the separators and the length are checked (raising `NikError`
    "digits" or "length"), so a stored NIK can be masked without a reference date.
    """
    number = normalise_nik(text)
    return f"{number[:6]}{'*' * 6}{number[12:]}"


def _birth_date_and_sex(ddmmyy: str, *, today: date) -> tuple[date, Sex]:
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex: Sex = "L"
    if day > _WOMAN_DAY_OFFSET:
        day -= _WOMAN_DAY_OFFSET
        sex = "P"
    # Days 32-40 and 72-99 fall through to the calendar check below as invalid days.
    year = today.year - (today.year - yy) % 100
    try:
        birth_date = date(year, month, day)
    except ValueError:  # day 0, day 32+, month 0 or 13+, 29 Feb in a common year
        raise NikError("date") from None
    if birth_date > today:
        raise NikError("date")
    return birth_date, sex
