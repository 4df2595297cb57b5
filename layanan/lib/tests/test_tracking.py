"""Tests of public tracking numbers; pure Python, no Django."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.tracking import (
    ALPHABET,
    MAX_PREFIX_LENGTH,
    RANDOM_LENGTH,
    check_symbol,
    format,
    is_valid,
    new_tracking_number,
    normalise,
)

PREFIXES = ["", "K", "SK", "KTP", "SKM", "2A9"]
GROUPED = re.compile(r"^(?:[2-9A-Y]{1,3}-)?[2-9A-Y]{4}-[2-9A-Y]{4}-[2-9A-Y]{2}$")
# "3" has value 1; weights from the right are 1 (check) then 2..10, so the sum is 54 + check,
# and 54 + 4 = 58 = 2 x 29: the check symbol is the one of value 4, "6".
HAND_CHECKED = "3333333336"


def with_check(payload: str) -> str:
    return payload + check_symbol(payload)


def sample_numbers(count: int, *, seed: int) -> list[str]:
    """Normalised numbers from a seeded generator, so that a failure can be reproduced."""
    rng = random.Random(seed)
    return [
        with_check(rng.choice(PREFIXES) + "".join(rng.choices(ALPHABET, k=RANDOM_LENGTH)))
        for _ in range(count)
    ]


class TestAlphabet:
    def test_it_has_29_distinct_symbols_and_29_is_prime(self):
        assert len(ALPHABET) == len(set(ALPHABET)) == 29
        assert all(29 % divisor for divisor in range(2, 29))

    def test_it_leaves_out_the_ambiguous_characters(self):
        assert not set("0O1ILUZ") & set(ALPHABET)
        assert set(ALPHABET) == set("23456789ABCDEFGHJKMNPQRSTVWXY")

    def test_randomness_is_at_least_40_bits(self):
        assert len(ALPHABET) ** RANDOM_LENGTH >= 2**40


class TestNewTrackingNumber:
    def test_display_form_without_prefix(self):
        number = new_tracking_number()
        assert GROUPED.match(number)
        assert len(number) == 12
        assert is_valid(number)

    @pytest.mark.parametrize("prefix", PREFIXES)
    def test_display_form_with_prefix(self, prefix):
        number = new_tracking_number(prefix=prefix)
        assert GROUPED.match(number)
        assert number.startswith(f"{prefix}-" if prefix else "")
        assert len(number) <= 16
        assert is_valid(number, prefix=prefix)

    def test_the_longest_is_16_characters(self):
        assert len(new_tracking_number(prefix="KTP")) == 16

    @pytest.mark.parametrize("prefix", ["LYN", "ADU", "ktp", "KTPX", "K-T", "0"])
    def test_a_prefix_outside_the_alphabet_or_too_long_is_refused(self, prefix):
        with pytest.raises(ValueError, match="prefix"):
            new_tracking_number(prefix=prefix)

    def test_numbers_are_not_sequential(self):
        numbers = [normalise(new_tracking_number()) for _ in range(3000)]
        assert len(set(numbers)) == len(numbers)
        # Every symbol turns up in every random position: nothing is counted or fixed.
        for position in range(RANDOM_LENGTH):
            symbols = Counter(number[position] for number in numbers if number)
            assert set(symbols) == set(ALPHABET)


class TestCheckSymbol:
    def test_a_hand_computed_example(self):
        assert check_symbol("333333333") == "6"
        assert is_valid(HAND_CHECKED)
        assert check_symbol("222222222") == "2"  # all values 0

    def test_every_weight_times_every_difference_is_nonzero_mod_29(self):
        # The algebra behind the detection, checked exhaustively for every weight a normalised
        # number uses (1-13) and every pair of distinct symbol values.
        for weight in range(1, MAX_PREFIX_LENGTH + RANDOM_LENGTH + 2):
            for a in range(29):
                for b in range(29):
                    if a != b:
                        assert weight * (a - b) % 29 != 0

    def test_it_catches_every_single_substitution(self):
        for number in sample_numbers(300, seed=20250615):
            assert is_valid(number)
            for position, original in enumerate(number):
                for symbol in ALPHABET:
                    if symbol != original:
                        typo = number[:position] + symbol + number[position + 1 :]
                        assert not is_valid(typo), (number, typo)

    def test_it_catches_every_adjacent_transposition(self):
        for number in sample_numbers(300, seed=17081945):
            for position in range(len(number) - 1):
                a, b = number[position], number[position + 1]
                if a != b:
                    typo = number[:position] + b + a + number[position + 2 :]
                    assert not is_valid(typo), (number, typo)

    def test_it_catches_every_transposition_at_any_distance(self):
        for number in sample_numbers(300, seed=28101928):
            for first in range(len(number)):
                for second in range(first + 1, len(number)):
                    if number[first] != number[second]:
                        typo = list(number)
                        typo[first], typo[second] = typo[second], typo[first]
                        assert not is_valid("".join(typo)), (number, typo)

    @pytest.mark.parametrize("payload", ["", "ABC0", "abc", "2" * 28])
    def test_it_refuses_a_payload_it_cannot_protect(self, payload):
        with pytest.raises(ValueError, match="payload"):
            check_symbol(payload)


class TestNormalise:
    @pytest.mark.parametrize(
        "typed",
        [
            "KTP-7KQ4-M9TX-4C",
            "KTP7KQ4M9TX4C",
            "ktp-7kq4-m9tx-4c",
            "  Ktp 7kq4 m9tx 4c\n",
            "KTP\u20137KQ4\u2014M9TX\u00a04C",  # dashes and a no-break space from a phone
            "K T P - 7 K Q 4 - M 9 T X - 4 C",
        ],
    )
    def test_case_spaces_and_hyphens(self, typed):
        assert normalise(typed) == "KTP7KQ4M9TX4C"

    def test_look_alikes(self):
        assert normalise("7KQ4-M9TX-4z") == "7KQ4M9TX42"
        assert normalise("7KQ4-M9TX-4Z") == "7KQ4M9TX42"
        assert normalise("7KQ4-M9TX-UV") == "7KQ4M9TXVV"
        assert normalise("7kq4-m9tx-uz") == "7KQ4M9TXV2"

    @pytest.mark.parametrize(
        "typed",
        [
            "",
            "   ",
            "7KQ4-M9TX-4",  # too short
            "KTPX-7KQ4-M9TX-4C",  # too long
            "7KQ4-M9TX-4O",
            "7KQ4-M9TX-40",
            "7KQ4-M9TX-41",
            "7KQ4-M9TX-4I",
            "7KQ4-M9TX-4L",
            "7kq4-m9tx-4l",
            "7KQ4/M9TX/4C",
            "7KQ4.M9TX.4C",
            "7KQ4-M9TX-4C!",
            "７KQ4-M9TX-4C",  # full-width seven
            "7KQ4-M9TX-4Cß",  # "ß".upper() is "SS"
        ],
    )
    def test_what_cannot_be_a_number(self, typed):
        assert normalise(typed) is None
        assert not is_valid(typed)


class TestIsValid:
    def test_lowercase_and_spacing_do_not_matter(self):
        number = new_tracking_number(prefix="KTP")
        assert is_valid(number.lower())
        assert is_valid(number.replace("-", " "))

    def test_with_prefix(self):
        number = with_check("KTP" + "7KQ4M9TX4")
        assert is_valid(number, prefix="KTP")
        assert not is_valid(number, prefix="SKM")
        assert not is_valid(number, prefix="")
        plain = with_check("7KQ4M9TX4")
        assert is_valid(plain, prefix="")
        assert not is_valid(plain, prefix="KTP")

    def test_with_prefix_a_symbol_left_out_or_typed_twice_is_caught(self):
        number = with_check("SKM" + "7KQ4M9TX4")
        assert not is_valid(number[:5] + number[6:], prefix="SKM")
        assert not is_valid(number[:6] + number[5:], prefix="SKM")

    def test_a_bad_prefix_argument_is_a_programming_error(self):
        with pytest.raises(ValueError, match="prefix"):
            is_valid(HAND_CHECKED, prefix="LYN")


class TestFormat:
    @pytest.mark.parametrize(
        ("number", "display"),
        [
            ("7KQ4M9TX4C", "7KQ4-M9TX-4C"),
            ("K7KQ4M9TX4C", "K-7KQ4-M9TX-4C"),
            ("KTP7KQ4M9TX4C", "KTP-7KQ4-M9TX-4C"),
            ("ktp 7kq4 m9tx 4c", "KTP-7KQ4-M9TX-4C"),
            ("KTP-7KQ4-M9TX-4C", "KTP-7KQ4-M9TX-4C"),
        ],
    )
    def test_groups(self, number, display):
        assert format(number) == display

    @pytest.mark.parametrize("number", ["", "7KQ4M9TX4", "7KQ4M9TXOC", "KTPX7KQ4M9TX4C"])
    def test_what_cannot_be_a_number(self, number):
        with pytest.raises(ValueError, match="tracking number"):
            format(number)


# Properties.

prefixes = st.text(alphabet=ALPHABET, max_size=MAX_PREFIX_LENGTH)
random_parts = st.text(alphabet=ALPHABET, min_size=RANDOM_LENGTH, max_size=RANDOM_LENGTH)


@given(prefixes)
def test_new_numbers_are_valid_and_round_trip(prefix):
    number = new_tracking_number(prefix=prefix)
    normalised = normalise(number)
    assert normalised is not None
    assert len(number) <= 16
    assert is_valid(number, prefix=prefix)
    assert format(normalised) == number
    assert normalise(format(normalised)) == normalised


@given(prefixes, random_parts)
def test_any_number_round_trips_through_format_and_normalise(prefix, random_part):
    number = with_check(prefix + random_part)
    display = format(number)
    assert normalise(display) == normalise(display.lower()) == number
    assert is_valid(display, prefix=prefix)
    assert is_valid(display.lower().replace("-", " "))


@given(st.text())
def test_normalise_returns_a_candidate_number_or_none(text):
    normalised = normalise(text)
    if normalised is None:
        assert not is_valid(text)
    else:
        assert set(normalised) <= set(ALPHABET)
        assert 10 <= len(normalised) <= 13
        assert format(normalised).replace("-", "") == normalised
