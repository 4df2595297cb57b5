"""Tests of the Indonesian phone-number normaliser; pure Python, no Django."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.phone import PhoneError, national, normalise, try_normalise

WARGA = "+6281200000001"


class TestOneNumberManyWritings:
    @pytest.mark.parametrize(
        "written",
        [
            "081200000001",
            "0812 0000 0001",
            "0812-0000-0001",
            "0812.0000.0001",
            "(0812) 0000 0001",
            "+62 812 0000 0001",
            "+62812-0000-0001",
            "+62 (0)812 0000 0001",
            "62812 0000 0001",
            "0062 812 0000 0001",
            "812 0000 0001",
            "  0812 0000 0001 ",
        ],
    )
    def test_every_usual_writing_gives_the_same_e164(self, written):
        assert normalise(written) == WARGA

    def test_a_jakarta_landline(self):
        assert normalise("(021) 555-1234") == "+62215551234"


class TestRefused:
    @pytest.mark.parametrize(
        ("written", "code"),
        [
            ("", "empty"),
            ("   ", "empty"),
            ("0812 abcd 0001", "characters"),
            ("٠٨١٢٣٤٥٦٧٨٩٠", "characters"),  # Arabic-Indic digits are digits, but not ours
            ("+1 202 555 0100", "country"),
            ("0044 20 7946 0000", "country"),
            ("12345678", "prefix"),
            ("08123456", "length"),  # 7 digits after the trunk 0
            ("0812345678901234", "length"),
            ("+62 0812 3456 7890", "length"),  # the trunk 0 after the country code
        ],
    )
    def test_it_says_why(self, written, code):
        with pytest.raises(PhoneError) as raised:
            normalise(written)
        assert raised.value.code == code
        assert try_normalise(written) is None


class TestNationalDisplay:
    def test_mobile_numbers_in_groups_of_four(self):
        assert national(WARGA) == "0812-0000-0001"
        assert national("+628123456789") == "0812-3456-789"

    def test_landline_with_the_trunk_zero(self):
        assert national("+62215551234") == "0215551234"

    def test_other_text_unchanged(self):
        assert national("warga@example.org") == "warga@example.org"
        # typed, not yet normalised: shown back as typed
        assert national("+62 812 0000 0001") == "+62 812 0000 0001"
        assert national("+62812") == "+62812"
        assert national("+1 202 555 0100") == "+1 202 555 0100"


mobile = st.builds(
    lambda rest: "8" + rest,
    st.text(alphabet="0123456789", min_size=8, max_size=11),
)
separator = st.sampled_from(["", " ", "-", "."])


@given(mobile, separator, st.sampled_from(["0", "+62", "62", "+62 ", "0062"]))
def test_writings_of_one_mobile_number_agree(number, sep, prefix):
    grouped = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    assert normalise(prefix + grouped) == "+62" + number


@given(mobile)
def test_normal_form_is_a_fixed_point_and_display_reads_back(number):
    e164 = normalise("0" + number)
    assert normalise(e164) == e164
    assert normalise(national(e164)) == e164
