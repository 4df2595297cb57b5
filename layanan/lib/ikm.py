"""The satisfaction index (IKM) of PermenPAN-RB 14/2017, computed exactly.

The rules (REGULATION.md, "Satisfaction survey (SKM) and IKM"):

- nine elements (unsur) u1 … u9, each answered 1–4 by every valid respondent;
- NRR of an unsur = sum of its answers ÷ number of respondents (kept as an exact fraction);
- IKM unit value = mean of the nine NRR, i.e. weights of exactly 1/9 each. The regulation's
  annex writes the weight as 0.111, which turns all-4 answers into 99.9; we use 1/9 and say so
  wherever the result is shown (`surveys.reports.method_note`);
- converted IKM = unit value × 25, rounded half-up to two decimals; it lies in 25.00 … 100.00;
- grade (mutu) and performance (kinerja) from the rounded value: A from 88.31, B from 76.61,
  C from 65.00, D below;
- the minimum sample for a population N (Krejcie & Morgan), rounded half-up to an integer.

Everything is computed with `Fraction` and turned into `Decimal` only when rounded, so no
binary floating point ever decides a grade. No Django here: the CLI, the import and the reports
call these functions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

UNSUR = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
# The regulation's names, in its order (u8 and u9 are printed the other way round on some
# paper forms: answers are always keyed by unsur, never by position).
UNSUR_NAMES = {
    "u1": "Persyaratan",
    "u2": "Sistem, Mekanisme, dan Prosedur",
    "u3": "Waktu Penyelesaian",
    "u4": "Biaya/Tarif",
    "u5": "Produk Spesifikasi Jenis Pelayanan",
    "u6": "Kompetensi Pelaksana",
    "u7": "Perilaku Pelaksana",
    "u8": "Penanganan Pengaduan, Saran dan Masukan",
    "u9": "Sarana dan Prasarana",
}
ANSWERS = (1, 2, 3, 4)
CONVERSION = 25
# (lowest rounded IKM, mutu, kinerja), best first.
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)
# Krejcie & Morgan: chi-square for 1 degree of freedom at 95 % (3.841), P = 0.5, d = 0.05.
CHI_SQUARE = Fraction(3841, 1000)
PROPORTION = Fraction(1, 4)  # P (1 − P)
MARGIN_SQUARED = Fraction(1, 400)

Respondent = Sequence[int]  # nine answers, in UNSUR order


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """`value` rounded half-up (away from zero on a tie) to `places` decimals, exactly."""
    scale = 10**places
    scaled = abs(value) * scale
    rounded = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    sign = -1 if value < 0 else 1
    return Decimal(sign * rounded).scaleb(-places).quantize(Decimal(1).scaleb(-places))


@dataclass(frozen=True)
class Grade:
    mutu: str
    kinerja: str


def grade_of(ikm: Decimal) -> Grade:
    """Mutu and kinerja of a converted IKM already rounded to two decimals."""
    for lowest, mutu, kinerja in GRADES:
        if ikm >= lowest:
            return Grade(mutu, kinerja)
    return Grade(GRADES[-1][1], GRADES[-1][2])


@dataclass(frozen=True)
class Result:
    """What the regulation asks for, for one set of respondents."""

    respondents: int
    totals: dict[str, int]  # sum of answers per unsur
    nrr: dict[str, Fraction]  # exact
    value: Fraction  # IKM unit value, exact (1 … 4)
    ikm: Decimal  # converted, rounded half-up to two decimals
    grade: Grade
    lowest: tuple[str, ...]  # the unsur with the lowest NRR (ties all listed): fix these first

    def nrr_rounded(self, places: int = 2) -> dict[str, Decimal]:
        return {code: round_half_up(value, places) for code, value in self.nrr.items()}

    def ikm_per_unsur(self) -> dict[str, Decimal]:
        """NRR × 25 per unsur, rounded half-up to two decimals."""
        return {code: round_half_up(value * CONVERSION) for code, value in self.nrr.items()}


class NoRespondents(ValueError):
    pass


def compute(respondents: Iterable[Respondent]) -> Result:
    """The IKM of complete, valid respondents (nine answers 1–4 each, in UNSUR order)."""
    totals = [0] * len(UNSUR)
    count = 0
    for answers in respondents:
        if len(answers) != len(UNSUR) or any(a not in ANSWERS for a in answers):
            raise ValueError(f"a respondent needs nine answers from 1 to 4, got {answers!r}")
        for index, answer in enumerate(answers):
            totals[index] += answer
        count += 1
    return compute_from_totals(dict(zip(UNSUR, totals, strict=True)), count)


def compute_from_totals(totals: dict[str, int], respondents: int) -> Result:
    """The IKM from the sum of answers per unsur and the number of respondents (what a
    database aggregate gives)."""
    if respondents <= 0:
        raise NoRespondents("no respondents")
    nrr = {code: Fraction(totals[code], respondents) for code in UNSUR}
    value = sum(nrr.values(), Fraction(0)) / len(UNSUR)
    ikm = round_half_up(value * CONVERSION)
    lowest_nrr = min(nrr.values())
    return Result(
        respondents=respondents,
        totals={code: totals[code] for code in UNSUR},
        nrr=nrr,
        value=value,
        ikm=ikm,
        grade=grade_of(ikm),
        lowest=tuple(code for code in UNSUR if nrr[code] == lowest_nrr),
    )


def sample_size(population: int) -> int:
    """Krejcie & Morgan's minimum sample for a population of `population`, rounded half-up:
    s = χ²·N·P(1−P) / (d²·(N−1) + χ²·P(1−P))."""
    if population <= 0:
        return 0
    numerator = CHI_SQUARE * population * PROPORTION
    denominator = MARGIN_SQUARED * (population - 1) + CHI_SQUARE * PROPORTION
    return int(round_half_up(numerator / denominator, 0))


def as_json(result: Result) -> dict[str, object]:
    """The CLI's line: respondents, NRR per unsur (as exactly as a JSON number allows), the
    rounded IKM, mutu and kinerja."""
    return {
        "respondents": result.respondents,
        "nrr": {code: float(value) for code, value in result.nrr.items()},
        "ikm": float(result.ikm),
        "mutu": result.grade.mutu,
        "kinerja": result.grade.kinerja,
    }


# -- reading answers from a CSV ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong in a CSV: `row` is the data row number (1 = the first row under the
    header; 0 = the header itself), `column` the column's name."""

    row: int
    column: str
    kind: str  # "missing", "invalid", "no_column", "duplicate_column", "no_rows"
    value: str = ""


@dataclass(frozen=True)
class Table:
    """A CSV read as text: its header (names stripped and lowercased) and data rows, each with
    its data row number. Entirely blank rows are kept out but still counted."""

    header: list[str]
    rows: list[tuple[int, list[str]]]

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None

    def cell(self, cells: list[str], name: str) -> str:
        index = self.column(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""


def read_table(text: str) -> Table:
    """Split CSV text into a header and rows. The delimiter is a comma, or a semicolon or tab
    when the header uses one (spreadsheets set to Indonesian write semicolons)."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not records:
        return Table([], [])
    header = [name.strip().lower() for name in records[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=1)
        if any(cell.strip() for cell in cells)
    ]
    return Table(header, rows)


def parse_answer(text: str) -> int | None:
    """1–4 written as a whole number ("3", " 3 ", "3.0"); None for anything else."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    value = int(number)
    return value if value in ANSWERS else None


def header_problems(table: Table) -> list[Problem]:
    problems = [Problem(0, code, "no_column") for code in UNSUR if code not in table.header]
    problems += [
        Problem(0, code, "duplicate_column") for code in UNSUR if table.header.count(code) > 1
    ]
    return problems


def read_answers(table: Table) -> tuple[list[tuple[int, list[int]]], list[Problem]]:
    """Every data row's nine answers (with its row number), and every problem: a missing
    answer or one outside 1–4, each named by data row and column. A caller computes nothing
    when there is any problem."""
    problems = header_problems(table)
    if problems:
        return [], problems
    answered: list[tuple[int, list[int]]] = []
    for number, cells in table.rows:
        answers: list[int] = []
        for code in UNSUR:
            text = table.cell(cells, code)
            value = parse_answer(text)
            if value is None:
                problems.append(Problem(number, code, "missing" if not text else "invalid", text))
            else:
                answers.append(value)
        if len(answers) == len(UNSUR):
            answered.append((number, answers))
    if not table.rows and not problems:
        problems.append(Problem(0, "", "no_rows"))
    return answered, problems
