"""Verification codes and initials (pure functions), with properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from layanan.documents import codes


@given(st.text(alphabet=codes.ALPHABET, min_size=12, max_size=12))
def test_a_code_reads_back_however_it_is_typed(raw):
    code = codes.grouped(raw)
    assert codes.canonical(code) == code
    assert codes.canonical(code.lower().replace("-", " ")) == code


@given(st.text(max_size=60))
def test_anything_typed_is_a_code_or_none_never_an_error(text):
    result = codes.canonical(text)
    assert result is None or (len(result) == 14 and result.count("-") == 2)


def test_new_codes_are_canonical_and_differ():
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    assert all(codes.canonical(code) == code for code in made)


@given(st.text(max_size=80))
def test_initials_never_show_more_than_a_letter_per_name(name):
    result = codes.initials(name)
    assert all(len(part) == 2 and part.endswith(".") for part in result.split())


def test_initials():
    assert codes.initials("Siti Rahayu") == "S. R."
    assert codes.initials("  ni   made  ayu ") == "N. M. A."
    assert codes.initials("") == ""
    assert codes.initials("ßeta") == "S."  # one letter even where its capital is two
