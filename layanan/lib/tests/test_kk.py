"""Tests of the family card (KK) number and region code checks; pure Python, no Django.

The numbers are made up: right in structure, held by nobody.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.kk import (
    KK_MESSAGES,
    REGION_MESSAGES,
    Kk,
    KkError,
    RegionCodeError,
    normalise_region_code,
    parse_kk,
)
from layanan.lib.nik import PROVINCE_CODES

TODAY = date(2025, 6, 15)
# Kota Semarang 33.74, kecamatan 01, first issued 12 March 2018, serial 0042.
KK = "3374011203180042"

provinces = st.sampled_from(sorted(PROVINCE_CODES))
regencies = st.integers(1, 99).filter(lambda n: n != 70).map(lambda n: f"{n:02d}")
districts = st.integers(1, 99).map(lambda n: f"{n:02d}")
days = st.dates(min_value=date(1926, 6, 16), max_value=TODAY)
serials = st.integers(1, 9999).map(lambda n: f"{n:04d}")
villages = st.one_of(st.integers(1001, 1999), st.integers(2001, 2999)).map(str)


def kk_outcome(text: str) -> Kk | KkError:
    try:
        return parse_kk(text, today=TODAY)
    except KkError as error:
        return error


def region_outcome(text: str) -> str | RegionCodeError:
    try:
        return normalise_region_code(text)
    except RegionCodeError as error:
        return error


class TestKk:
    def test_a_family_card_number(self):
        assert parse_kk(KK, today=TODAY) == Kk(
            number=KK, region="33.74.01", issued_on=date(2018, 3, 12), serial=42
        )

    def test_it_may_be_written_in_groups(self):
        assert parse_kk("3374 0112 0318 0042", today=TODAY).number == KK
        assert parse_kk("33.74.01.120318.0042", today=TODAY).number == KK

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("337401120318004", "length"),
            ("33740112031800421", "length"),
            ("33740112031800x2", "digits"),
            ("3374011203180042".replace("3", "٣", 1), "digits"),
            ("9974011203180042", "province"),
            ("3300011203180042", "regency"),
            ("3370011203180042", "regency"),
            ("3374001203180042", "district"),
            ("3374013203180042", "date"),  # day 32
            ("3374015203180042", "date"),  # no 40 added on a card
            ("3374011213180042", "date"),  # month 13
            ("3374011606250042", "date"),  # 16 June 2025: tomorrow
            ("3374011203180000", "serial"),
        ],
    )
    def test_each_part_is_checked(self, text, code):
        outcome = kk_outcome(text)
        assert isinstance(outcome, KkError)
        assert outcome.code == code
        assert outcome.message == KK_MESSAGES[code]

    def test_the_number_is_not_in_its_repr(self):
        assert KK not in repr(parse_kk(KK, today=TODAY))

    @given(provinces, regencies, districts, days, serials)
    def test_every_well_formed_number_is_read_back_into_its_parts(
        self, province, regency, district, day, serial
    ):
        number = f"{province}{regency}{district}{day:%d%m%y}{serial}"
        kk = parse_kk(number, today=TODAY)
        assert kk.number == number
        assert kk.region == f"{province}.{regency}.{district}"
        assert kk.issued_on == day
        assert kk.serial == int(serial)

    @given(st.text(max_size=24))
    def test_any_text_is_a_number_or_a_known_refusal(self, text):
        outcome = kk_outcome(text)
        if isinstance(outcome, KkError):
            assert outcome.code in KK_MESSAGES
        else:
            assert len(outcome.number) == 16
            assert outcome.number.isascii()
            assert outcome.number.isdigit()
            assert outcome.issued_on <= TODAY

    @given(st.text(alphabet="0123456789", min_size=16, max_size=16))
    def test_the_outcome_does_not_depend_on_separators(self, digits):
        grouped = " ".join(digits[i : i + 4] for i in range(0, 16, 4))
        assert repr(kk_outcome(digits)) == repr(kk_outcome(grouped))


class TestRegionCode:
    def test_with_or_without_dots_it_is_kept_with_them(self):
        assert normalise_region_code("33.74.01.1001") == "33.74.01.1001"
        assert normalise_region_code("3374011001") == "33.74.01.1001"
        assert normalise_region_code(" 33 74 01 2005 ") == "33.74.01.2005"

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("33.74.01", "form"),
            ("33.74.01.10011", "form"),
            ("33.74.0a.1001", "form"),
            ("", "form"),
            ("99.74.01.1001", "province"),
            ("33.00.01.1001", "regency"),
            ("33.70.01.1001", "regency"),
            ("33.74.00.1001", "district"),
            ("33.74.01.3001", "village"),
            ("33.74.01.0001", "village"),
            ("33.74.01.1000", "village"),
            ("33.74.01.2000", "village"),
        ],
    )
    def test_each_part_is_checked(self, text, code):
        outcome = region_outcome(text)
        assert isinstance(outcome, RegionCodeError)
        assert (outcome.code, outcome.message) == (code, REGION_MESSAGES[code])

    @given(provinces, regencies, districts, villages, st.sampled_from(["", ".", " ", "-"]))
    def test_every_well_formed_code_has_one_stored_form(
        self, province, regency, district, village, separator
    ):
        written = separator.join([province, regency, district, village])
        stored = normalise_region_code(written)
        assert stored == f"{province}.{regency}.{district}.{village}"
        assert normalise_region_code(stored) == stored  # reading it again changes nothing
        assert len(stored) == 13  # fits the column

    @given(st.text(max_size=20))
    def test_any_text_is_a_code_or_a_known_refusal(self, text):
        outcome = region_outcome(text)
        if isinstance(outcome, RegionCodeError):
            assert outcome.code in REGION_MESSAGES
        else:
            assert normalise_region_code(outcome) == outcome
