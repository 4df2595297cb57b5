"""Tests of the NIK structure check; pure Python, no Django.

Every NIK here is made up: the structure is right, nobody is meant to hold the number.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.nik import (
    MESSAGES,
    PROVINCE_CODES,
    Nik,
    NikError,
    is_valid_nik,
    mask_nik,
    normalise_nik,
    parse_nik,
)

TODAY = date(2025, 6, 15)
# Kota Jakarta Selatan 31.71, kecamatan 01; a man born 15 June 1990; serial 0001.
BUDI = "3171011506900001"
# Kota Semarang 33.74, kecamatan 10; a woman born 15 September 1995 (day 15 + 40); serial 0002.
SITI = "3374105509950002"


def nik_with(
    *,
    province: str = "31",
    regency: str = "71",
    district: str = "01",
    ddmmyy: str = "150690",
    serial: str = "0001",
) -> str:
    return f"{province}{regency}{district}{ddmmyy}{serial}"


def error_code(text: str, *, today: date = TODAY) -> str:
    with pytest.raises(NikError) as caught:
        parse_nik(text, today=today)
    return caught.value.code


def outcome(text: str, *, today: date) -> Nik | NikError:
    """The parsed NIK or the NikError; any other exception propagates and fails the test."""
    try:
        return parse_nik(text, today=today)
    except NikError as error:
        return error


class TestKnownNiks:
    def test_a_man(self):
        nik = parse_nik(BUDI, today=TODAY)
        assert nik == Nik(
            number=BUDI,
            province="31",
            regency="71",
            district="01",
            birth_date=date(1990, 6, 15),
            sex="L",
            serial=1,
        )
        assert nik.region_code == "31.71.01"
        assert nik.is_kota

    def test_a_woman(self):
        nik = parse_nik(SITI, today=TODAY)
        assert (nik.region_code, nik.birth_date, nik.sex, nik.serial) == (
            "33.74.10",
            date(1995, 9, 15),
            "P",
            2,
        )

    def test_a_kabupaten(self):
        nik = parse_nik(nik_with(province="35", regency="07", district="22"), today=TODAY)
        assert nik.region_code == "35.07.22"
        assert not nik.is_kota

    @pytest.mark.parametrize(
        "typed",
        [
            "3374105509950002",
            "3374 1055 0995 0002",
            "33.74.10.550995.0002",
            "33-74-10-550995-0002",
            " 33.74.10 550995 0002\n",
            "3374\u20131055\u00a009950002",  # en dash and no-break space from a word processor
        ],
    )
    def test_separators_are_ignored(self, typed):
        assert parse_nik(typed, today=TODAY).number == SITI

    def test_is_valid_nik(self):
        assert is_valid_nik(BUDI, today=TODAY)
        assert is_valid_nik(SITI, today=TODAY)
        assert not is_valid_nik(BUDI[:-1], today=TODAY)
        assert not is_valid_nik("", today=TODAY)

    def test_repr_hides_the_birth_date(self):
        assert repr(parse_nik(BUDI, today=TODAY)) == "Nik('317101******0001')"


class TestErrors:
    @pytest.mark.parametrize(
        "text",
        ["", "337410550995000", "33741055099500021", "3374 1055 0995 000", "..--  "],
    )
    def test_length(self, text):
        assert error_code(text) == "length"

    @pytest.mark.parametrize(
        "text",
        [
            "33741055099500O2",  # letter O
            "3374105509950002a",
            "3374/1055/0995/0002",
            "+62 3374105509950002",
            "".join(chr(0x0660 + int(digit)) for digit in SITI),  # Arabic-Indic digits
            "３３７４１０５５０９９５０００２",  # full-width digits
            "337410550995000²",  # int() would read the superscript two
        ],
    )
    def test_digits(self, text):
        assert error_code(text) == "digits"

    @pytest.mark.parametrize("province", ["00", "01", "10", "20", "22", "37", "50", "66", "97"])
    def test_province(self, province):
        assert error_code(nik_with(province=province)) == "province"

    def test_every_listed_province_is_accepted(self):
        assert len(PROVINCE_CODES) == 38
        for province in PROVINCE_CODES:
            assert parse_nik(nik_with(province=province), today=TODAY).province == province

    @pytest.mark.parametrize("regency", ["00", "70"])
    def test_regency(self, regency):
        assert error_code(nik_with(regency=regency)) == "regency"

    @pytest.mark.parametrize("regency", ["01", "69", "71", "99"])
    def test_regency_boundaries(self, regency):
        assert parse_nik(nik_with(regency=regency), today=TODAY).regency == regency

    def test_district(self):
        assert error_code(nik_with(district="00")) == "district"
        assert parse_nik(nik_with(district="99"), today=TODAY).district == "99"

    @pytest.mark.parametrize(
        "ddmmyy",
        [
            "000690",  # day 0
            "320690",  # day 32
            "400690",  # a woman's day 0
            "720690",  # a woman's day 32
            "990690",
            "150090",  # month 0
            "151390",  # month 13
            "310490",  # 31 April
            "710490",  # a woman's 31 April
            "290290",  # 29 February 1990
            "690290",  # a woman's 29 February 1990
            "160625",  # 16 June 2025, the day after TODAY
            "010725",
        ],
    )
    def test_date(self, ddmmyy):
        assert error_code(nik_with(ddmmyy=ddmmyy)) == "date"

    def test_serial(self):
        assert error_code(nik_with(serial="0000")) == "serial"
        assert parse_nik(nik_with(serial="9999"), today=TODAY).serial == 9999

    def test_the_first_wrong_part_is_reported(self):
        assert error_code(nik_with(province="99", ddmmyy="999999", serial="0000")) == "province"
        assert error_code(nik_with(regency="70", district="00")) == "regency"
        assert error_code(nik_with(ddmmyy="320690", serial="0000")) == "date"

    def test_every_code_has_a_fixed_message(self):
        assert set(MESSAGES) == {
            "length",
            "digits",
            "province",
            "regency",
            "district",
            "date",
            "serial",
        }
        with pytest.raises(NikError) as caught:
            parse_nik(nik_with(ddmmyy="320690"), today=TODAY)
        assert isinstance(caught.value, ValueError)
        assert str(caught.value) == caught.value.message == MESSAGES["date"]
        assert "320690" not in str(caught.value)


class TestBirthDate:
    @pytest.mark.parametrize(
        ("ddmmyy", "today", "birth_date"),
        [
            ("150625", date(2025, 6, 15), date(2025, 6, 15)),  # born today
            ("140625", date(2025, 6, 15), date(2025, 6, 14)),
            ("160624", date(2025, 6, 15), date(2024, 6, 16)),
            ("160626", date(2025, 6, 15), date(1926, 6, 16)),  # 26 is not yet reached: 1926
            ("010100", date(2000, 1, 1), date(2000, 1, 1)),
            ("311299", date(2000, 1, 1), date(1999, 12, 31)),
            ("010101", date(2000, 12, 31), date(1901, 1, 1)),
            ("311299", date(2099, 12, 31), date(2099, 12, 31)),
            ("010100", date(2100, 1, 1), date(2100, 1, 1)),
            ("550995", date(2025, 6, 15), date(1995, 9, 15)),
        ],
    )
    def test_the_year_is_the_latest_not_after_today(self, ddmmyy, today, birth_date):
        assert parse_nik(nik_with(ddmmyy=ddmmyy), today=today).birth_date == birth_date

    @pytest.mark.parametrize(
        ("ddmmyy", "today"),
        [
            ("020100", date(2000, 1, 1)),  # tomorrow
            ("160625", date(2025, 6, 15)),
            ("010226", date(2026, 1, 31)),  # the same year, a later month
            ("420100", date(2000, 1, 1)),  # a woman born tomorrow
        ],
    )
    def test_a_birth_date_after_today_is_invalid(self, ddmmyy, today):
        assert error_code(nik_with(ddmmyy=ddmmyy), today=today) == "date"

    @pytest.mark.parametrize(
        ("ddmmyy", "today", "birth_date"),
        [
            ("290200", date(2025, 6, 15), date(2000, 2, 29)),  # divisible by 400: leap
            ("690200", date(2025, 6, 15), date(2000, 2, 29)),
            ("290224", date(2025, 6, 15), date(2024, 2, 29)),
            ("290296", date(2025, 6, 15), date(1996, 2, 29)),
            ("290204", date(2025, 6, 15), date(2004, 2, 29)),
        ],
    )
    def test_29_february_in_a_leap_year(self, ddmmyy, today, birth_date):
        assert parse_nik(nik_with(ddmmyy=ddmmyy), today=today).birth_date == birth_date

    @pytest.mark.parametrize(
        ("ddmmyy", "today"),
        [
            ("290225", date(2025, 6, 15)),
            ("690223", date(2025, 6, 15)),
            ("290200", date(1999, 12, 31)),  # 1900: divisible by 100, not by 400
            ("290200", date(2100, 6, 1)),  # 2100 likewise
            ("300224", date(2025, 6, 15)),
        ],
    )
    def test_29_february_in_a_common_year(self, ddmmyy, today):
        assert error_code(nik_with(ddmmyy=ddmmyy), today=today) == "date"

    def test_the_sex_comes_from_the_day(self):
        assert parse_nik(nik_with(ddmmyy="010190"), today=TODAY).sex == "L"
        assert parse_nik(nik_with(ddmmyy="310190"), today=TODAY).sex == "L"
        woman = parse_nik(nik_with(ddmmyy="410190"), today=TODAY)
        assert (woman.sex, woman.birth_date) == ("P", date(1990, 1, 1))
        woman = parse_nik(nik_with(ddmmyy="710190"), today=TODAY)
        assert (woman.sex, woman.birth_date) == ("P", date(1990, 1, 31))


class TestMask:
    def test_it_shows_the_region_and_the_serial(self):
        assert mask_nik("3371011506900001") == "337101******0001"
        assert mask_nik("33.71.01 150690 0001") == "337101******0001"

    def test_it_does_not_need_a_plausible_nik(self):
        assert mask_nik("9900000000000000") == "990000******0000"

    @pytest.mark.parametrize(
        ("text", "code"), [("337101150690001", "length"), ("3371O1", "digits")]
    )
    def test_it_refuses_what_is_not_16_digits(self, text, code):
        with pytest.raises(NikError) as caught:
            mask_nik(text)
        assert caught.value.code == code

    def test_normalise_nik(self):
        assert normalise_nik("33.74.10 550995-0002") == SITI


# Properties.

todays = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
regencies = st.integers(1, 99).filter(lambda code: code != 70).map("{:02d}".format)


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, date, dict[str, object]]:
    today = draw(todays)
    birth_date = draw(st.dates(min_value=date(today.year - 99, 1, 1), max_value=today))
    sex = draw(st.sampled_from(["L", "P"]))
    parts: dict[str, object] = {
        "province": draw(st.sampled_from(sorted(PROVINCE_CODES))),
        "regency": draw(regencies),
        "district": f"{draw(st.integers(1, 99)):02d}",
        "birth_date": birth_date,
        "sex": sex,
        "serial": draw(st.integers(1, 9999)),
    }
    day = birth_date.day + (40 if sex == "P" else 0)
    number = (
        f"{parts['province']}{parts['regency']}{parts['district']}"
        f"{day:02d}{birth_date:%m}{birth_date.year % 100:02d}{parts['serial']:04d}"
    )
    return number, today, parts


@given(valid_niks())
def test_any_valid_nik_parses_back_to_its_parts(case):
    number, today, parts = case
    nik = parse_nik(number, today=today)
    assert nik == Nik(number=number, **parts)
    assert is_valid_nik(number, today=today)
    assert nik.region_code == f"{number[0:2]}.{number[2:4]}.{number[4:6]}"
    assert mask_nik(number) == number[:6] + "******" + number[12:]


@given(valid_niks(), st.integers(6, 11), st.integers(0, 9))
def test_a_digit_changed_in_the_date_stays_valid_or_is_a_date_error(case, position, digit):
    number, today, _ = case
    original = parse_nik(number, today=today)
    changed = outcome(number[:position] + str(digit) + number[position + 1 :], today=today)
    if isinstance(changed, NikError):
        assert changed.code == "date"
    else:
        # Only the date and the sex can have changed; the sex through the day's tens digit.
        assert (changed.region_code, changed.serial) == (original.region_code, original.serial)


@given(st.text(), todays)
def test_any_text_is_a_nik_or_a_nik_error(text, today):
    result = outcome(text, today=today)
    assert is_valid_nik(text, today=today) == isinstance(result, Nik)
    if isinstance(result, NikError):
        assert result.code in MESSAGES


@given(st.text(alphabet="0123456789 .-", max_size=24), todays)
def test_any_digit_string_is_a_nik_or_a_nik_error(text, today):
    result = outcome(text, today=today)
    if isinstance(result, NikError):
        assert result.code in MESSAGES
    else:
        assert result.number == "".join(ch for ch in text if ch.isdigit())
