"""Wilson interval and histogram percentiles: known answers and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.stats import percentile_of_counts, wilson_interval

trials_and_successes = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


def test_known_answers() -> None:
    # 8 of 10 at 95 %: (0.4902, 0.9433), the textbook example.
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(0, 10)
    assert (low, round(high, 4)) == (0.0, 0.2775)
    low, high = wilson_interval(10, 10)
    assert (round(low, 4), high) == (0.7225, 1.0)


@pytest.mark.parametrize(("successes", "trials"), [(-1, 3), (4, 3), (0, -1)])
def test_impossible_counts_are_refused(successes: int, trials: int) -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(successes, trials)


@given(trials_and_successes)
def test_the_interval_holds_the_rate_and_stays_in_zero_one(pair: tuple[int, int]) -> None:
    successes, trials = pair
    low, high = wilson_interval(successes, trials)
    assert 0.0 <= low <= successes / trials <= high <= 1.0


@given(trials_and_successes)
def test_more_evidence_for_the_same_rate_narrows_the_interval(pair: tuple[int, int]) -> None:
    successes, trials = pair
    low, high = wilson_interval(successes, trials)
    low10, high10 = wilson_interval(successes * 10, trials * 10)
    assert high10 - low10 <= high - low + 1e-12
    if successes > 0:
        assert low10 >= low - 1e-12  # a proven rate earns a higher lower bound


@given(trials_and_successes)
def test_one_more_success_never_lowers_the_bound(pair: tuple[int, int]) -> None:
    successes, trials = pair
    low, _high = wilson_interval(successes, trials)
    if successes < trials:
        assert wilson_interval(successes + 1, trials)[0] >= low - 1e-12
    assert wilson_interval(successes + 1, trials + 1)[0] >= low - 1e-12


@given(trials_and_successes)
def test_the_interval_mirrors_around_one_half(pair: tuple[int, int]) -> None:
    successes, trials = pair
    low, high = wilson_interval(successes, trials)
    mirror_low, mirror_high = wilson_interval(trials - successes, trials)
    assert math.isclose(low, 1 - mirror_high, abs_tol=1e-9)
    assert math.isclose(high, 1 - mirror_low, abs_tol=1e-9)


def test_a_perfect_small_unit_does_not_outrank_a_large_excellent_one() -> None:
    assert wilson_interval(3, 3)[0] < wilson_interval(950, 1000)[0]


histograms = st.dictionaries(
    st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=50), max_size=30
)


@given(histograms, st.floats(min_value=0.5, max_value=100))
def test_percentile_agrees_with_sorting_every_observation(counts: dict[int, int], q: float) -> None:
    observations = sorted(v for v, n in counts.items() for _ in range(n))
    answer = percentile_of_counts(counts, q)
    if not observations:
        assert answer is None
        return
    rank = math.ceil(q / 100 * len(observations))
    assert answer == observations[max(rank, 1) - 1]


@given(histograms)
def test_median_never_above_the_90th_percentile(counts: dict[int, int]) -> None:
    median, p90 = percentile_of_counts(counts, 50), percentile_of_counts(counts, 90)
    assert (median is None) == (p90 is None)
    if median is not None and p90 is not None:
        assert median <= p90


def test_percentile_known_answers_and_bad_q() -> None:
    assert percentile_of_counts({1: 1, 2: 1, 3: 1, 10: 1}, 50) == 2
    assert percentile_of_counts({1: 9, 30: 1}, 90) == 1
    assert percentile_of_counts({1: 9, 30: 1}, 100) == 30
    assert percentile_of_counts({}, 50) is None
    with pytest.raises(ValueError, match="q must be"):
        percentile_of_counts({1: 1}, 0)
