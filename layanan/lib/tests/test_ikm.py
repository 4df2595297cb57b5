"""Tests of the IKM computation; pure Python, no Django.

The reference used by the properties is written differently from the code under test: plain
integer arithmetic on the grand total (IKM = 25·T / 9n, half-up to hundredths), and the
grade table read as ranges.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.ikm import (
    UNSUR,
    Problem,
    compute,
    compute_from_totals,
    grade_of,
    read_answers,
    read_table,
    round_half_up,
    sample_size,
)

EXAMPLE_TOTALS = (33, 31, 28, 40, 32, 33, 35, 28, 31)  # the issue's ten respondents


def respondents_with_totals(totals: tuple[int, ...], n: int) -> list[list[int]]:
    """`n` respondents whose answers add up to `totals` per unsur (each total in n … 4n)."""
    rows = [[0] * 9 for _ in range(n)]
    for column, total in enumerate(totals):
        base, extra = divmod(total, n)
        for index, row in enumerate(rows):
            row[column] = base + (1 if index < extra else 0)
    return rows


def respondents_with_grand_total(n: int, total: int) -> list[list[int]]:
    """`n` respondents whose 9n answers add up to `total` (9n … 36n)."""
    per_unsur = [total // 9 + (1 if i < total % 9 else 0) for i in range(9)]
    return respondents_with_totals(tuple(per_unsur), n)


def reference_ikm(n: int, total: int) -> Decimal:
    """25·total / (9n), half-up to hundredths, with integers only."""
    hundredths = (2 * 100 * 25 * total + 9 * n) // (2 * 9 * n)
    return Decimal(hundredths) / 100


def reference_mutu(ikm: Decimal) -> str:
    if Decimal("88.31") <= ikm <= Decimal("100.00"):
        return "A"
    if Decimal("76.61") <= ikm <= Decimal("88.30"):
        return "B"
    if Decimal("65.00") <= ikm <= Decimal("76.60"):
        return "C"
    assert Decimal("25.00") <= ikm <= Decimal("64.99")
    return "D"


respondent = st.lists(st.integers(1, 4), min_size=9, max_size=9)
respondents = st.lists(respondent, min_size=1, max_size=60)


class TestTheIssuesExample:
    def test_ten_respondents_give_80_83_grade_b(self) -> None:
        rows = respondents_with_totals(EXAMPLE_TOTALS, 10)
        result = compute(rows)
        assert result.respondents == 10
        assert result.ikm == Decimal("80.83")
        assert (result.grade.mutu, result.grade.kinerja) == ("B", "Baik")
        assert result.nrr["u1"] == Fraction(33, 10)
        assert result.nrr_rounded()["u4"] == Decimal("4.00")
        assert result.lowest == ("u3", "u8")
        assert result.ikm_per_unsur()["u3"] == Decimal("70.00")

    def test_totals_give_the_same_as_rows(self) -> None:
        totals = dict(zip(UNSUR, EXAMPLE_TOTALS, strict=True))
        assert compute_from_totals(totals, 10) == compute(
            respondents_with_totals(EXAMPLE_TOTALS, 10)
        )


class TestGrades:
    @pytest.mark.parametrize(
        ("ikm", "mutu", "kinerja"),
        [
            ("100.00", "A", "Sangat Baik"),
            ("88.31", "A", "Sangat Baik"),
            ("88.30", "B", "Baik"),
            ("76.61", "B", "Baik"),
            ("76.60", "C", "Kurang Baik"),
            ("65.00", "C", "Kurang Baik"),
            ("64.99", "D", "Tidak Baik"),
            ("25.00", "D", "Tidak Baik"),
        ],
    )
    def test_the_table(self, ikm: str, mutu: str, kinerja: str) -> None:
        grade = grade_of(Decimal(ikm))
        assert (grade.mutu, grade.kinerja) == (mutu, kinerja)

    # Respondents whose converted IKM lands on each side of each boundary (found by search):
    # the grade is taken from the rounded value, so 88.304… is B and 88.310… is A.
    @pytest.mark.parametrize(
        ("n", "total", "ikm", "mutu"),
        [
            (24, 763, "88.31", "A"),  # 88.3101…
            (19, 604, "88.30", "B"),  # 88.3040…
            (19, 524, "76.61", "B"),  # 76.6081…
            (26, 717, "76.60", "C"),  # 76.6025…
            (5, 117, "65.00", "C"),  # exactly 65
            (38, 889, "64.99", "D"),  # 64.9853…
        ],
    )
    def test_respondents_at_the_boundaries(self, n: int, total: int, ikm: str, mutu: str) -> None:
        result = compute(respondents_with_grand_total(n, total))
        assert (str(result.ikm), result.grade.mutu) == (ikm, mutu)


class TestRounding:
    def test_a_tie_rounds_up_not_to_even(self) -> None:
        # 8 respondents answering 81 in all: 25·81/72 = 28.125 exactly
        assert compute(respondents_with_grand_total(8, 81)).ikm == Decimal("28.13")
        assert compute(respondents_with_grand_total(8, 279)).ikm == Decimal("96.88")  # 96.875

    def test_all_fours_give_100_not_99_9(self) -> None:
        assert compute([[4] * 9] * 7).ikm == Decimal("100.00")
        assert compute([[1] * 9] * 3).ikm == Decimal("25.00")

    @given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6))
    def test_half_up_matches_decimal_on_exact_values(self, value: Fraction) -> None:
        exact = Decimal(value.numerator) / Decimal(value.denominator)  # may be inexact ...
        if exact * value.denominator == value.numerator:  # ... so compare only exact ones
            assert round_half_up(value) == exact.quantize(Decimal("0.01"), "ROUND_HALF_UP")

    @given(st.integers(1, 500), st.data())
    def test_ikm_is_25_t_over_9n_half_up(self, n: int, data: st.DataObject) -> None:
        total = data.draw(st.integers(9 * n, 36 * n))
        result = compute(respondents_with_grand_total(n, total))
        assert result.ikm == reference_ikm(n, total)
        assert result.grade.mutu == reference_mutu(result.ikm)


class TestProperties:
    @given(respondents)
    def test_ikm_is_the_mean_of_the_nrr_times_25(self, rows: list[list[int]]) -> None:
        result = compute(rows)
        n = len(rows)
        assert result.nrr == {
            code: Fraction(sum(row[i] for row in rows), n) for i, code in enumerate(UNSUR)
        }
        assert result.ikm == reference_ikm(n, sum(map(sum, rows)))
        assert Decimal("25.00") <= result.ikm <= Decimal("100.00")
        assert result.grade.mutu == reference_mutu(result.ikm)

    @given(respondents, st.randoms())
    def test_order_of_respondents_does_not_matter(self, rows: list[list[int]], rnd) -> None:
        shuffled = list(rows)
        rnd.shuffle(shuffled)
        assert compute(shuffled) == compute(rows)

    @given(respondents, st.integers(0, 8))
    def test_a_better_answer_never_lowers_the_ikm(self, rows: list[list[int]], column: int):
        better = [list(row) for row in rows]
        better[0][column] = min(4, better[0][column] + 1)
        assert compute(better).ikm >= compute(rows).ikm

    @given(respondents)
    def test_the_lowest_unsur_has_the_lowest_nrr(self, rows: list[list[int]]) -> None:
        result = compute(rows)
        assert result.lowest
        assert all(result.nrr[code] == min(result.nrr.values()) for code in result.lowest)
        assert all(
            result.nrr[code] > min(result.nrr.values())
            for code in UNSUR
            if code not in result.lowest
        )

    def test_no_respondents_computes_nothing(self) -> None:
        with pytest.raises(ValueError, match="no respondents"):
            compute([])

    @pytest.mark.parametrize("bad", [[4] * 8, [4] * 8 + [5], [0] + [4] * 8])
    def test_an_invalid_respondent_is_refused(self, bad: list[int]) -> None:
        with pytest.raises(ValueError, match="nine answers"):
            compute([bad])


class TestSampleSize:
    # REGULATION.md's table, and more rows of Krejcie & Morgan's published table.
    @pytest.mark.parametrize(
        ("population", "sample"),
        [
            (50, 44),
            (100, 80),
            (500, 217),
            (1_000, 278),
            (2_000, 322),
            (10_000, 370),
            (1_000_000, 384),
            (10, 10),
            (20, 19),
            (30, 28),
            (200, 132),
            (300, 169),
            (1_500, 306),
            (3_000, 341),
            (5_000, 357),
            (20_000, 377),
            (50_000, 381),
        ],
    )
    def test_the_published_table(self, population: int, sample: int) -> None:
        assert sample_size(population) == sample

    def test_nobody_served_needs_nobody(self) -> None:
        assert sample_size(0) == 0
        assert sample_size(1) == 1

    @given(st.integers(1, 10**7))
    def test_never_more_than_the_population_nor_384(self, population: int) -> None:
        assert 1 <= sample_size(population) <= min(population, 384)
        assert sample_size(population) <= sample_size(population + 1)


class TestReadingCsv:
    def test_columns_in_any_order_other_columns_ignored(self) -> None:
        text = "nama;u9;u8;u7;u6;u5;u4;u3;u2;U1\nA;1;2;3;4;4;3;2;1;4\n"
        answers, problems = read_answers(read_table(text))
        assert problems == []
        assert answers == [(1, [4, 1, 2, 3, 4, 4, 3, 2, 1])]

    def test_every_bad_row_and_column_is_named(self) -> None:
        header = ",".join(UNSUR)
        text = f"{header}\n4,4,4,4,4,4,4,4,4\n4,,4,4,4,4,4,4,5\n\n4,4,4,x,4,4,4,4,4\n4,4,4\n"
        answers, problems = read_answers(read_table(text))
        assert [(p.row, p.column, p.kind) for p in problems] == [
            (2, "u2", "missing"),
            (2, "u9", "invalid"),
            (4, "u4", "invalid"),
            (5, "u4", "missing"),
            (5, "u5", "missing"),
            (5, "u6", "missing"),
            (5, "u7", "missing"),
            (5, "u8", "missing"),
            (5, "u9", "missing"),
        ]
        assert [row for row, _answers in answers] == [1]

    def test_a_missing_column_is_a_header_problem(self) -> None:
        _answers, problems = read_answers(read_table("u1,u2,u3,u4,u5,u6,u7,u8\n1,1,1,1,1,1,1,1\n"))
        assert problems == [Problem(0, "u9", "no_column")]

    @pytest.mark.parametrize("value", ["3.0", " 3 ", "3"])
    def test_whole_numbers_written_otherwise_are_answers(self, value: str) -> None:
        text = ",".join(UNSUR) + "\n" + ",".join([value] * 9)
        answers, problems = read_answers(read_table(text))
        assert (answers, problems) == ([(1, [3] * 9)], [])

    @pytest.mark.parametrize("value", ["0", "5", "2.5", "-1", "NaN", "Infinity", "tiga"])
    def test_anything_else_is_invalid(self, value: str) -> None:
        text = ",".join(UNSUR) + "\n" + ",".join(["3"] * 8 + [value])
        _answers, problems = read_answers(read_table(text))
        assert problems == [Problem(1, "u9", "invalid", value)]

    def test_a_file_without_rows(self) -> None:
        _answers, problems = read_answers(read_table(",".join(UNSUR) + "\n"))
        assert problems == [Problem(0, "", "no_rows")]
