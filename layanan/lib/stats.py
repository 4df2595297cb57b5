"""Small statistics for the public dashboard: pure functions, no Django.

- `wilson_interval`: the Wilson score interval of a proportion (successes out of trials) at a
  given normal quantile (1.96 for 95 %). Unlike the plain "successes / trials ± 1.96·SE" it stays
  inside [0, 1], and with few trials it is wide, so a unit with 3 of 3 on time does not outrank
  one with 950 of 1000: ranking by the lower bound rewards a rate that is both high and proven.
- `percentile_of_counts`: a percentile read from a histogram {value: count} (how the rollups
  keep durations), by the nearest-rank rule: the smallest value v such that at least q % of the
  observations are ≤ v. The same answer as sorting every observation, without keeping them.
- `percentile` and `median`: the same rule over a list of observations (the process analytics
  and the forecast keep those), so that every percentile Layanan publishes is defined once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (low, high) for successes/trials; (0.0, 1.0) with no trials."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError("need 0 <= successes <= trials")
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    low = (centre - spread) / denominator
    high = (centre + spread) / denominator
    # Rounding can leave -1e-17 or 1 + 1e-16; the bounds are proportions.
    low = 0.0 if successes == 0 else min(max(low, 0.0), p)
    high = 1.0 if successes == trials else max(min(high, 1.0), p)
    return (low, high)


def percentile_of_counts(counts: Mapping[int, int], q: float) -> int | None:
    """The q-th percentile (0 < q <= 100, nearest rank) of the observations a histogram holds;
    None when it holds none."""
    if not 0 < q <= 100:
        raise ValueError("q must be between 0 (excluded) and 100")
    total = sum(count for count in counts.values() if count > 0)
    if total == 0:
        return None
    rank = math.ceil(q / 100 * total)  # 1-based rank of the observation wanted
    seen = 0
    for value in sorted(counts):
        if counts[value] <= 0:
            continue
        seen += counts[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


def percentile(values: Sequence[int], q: float) -> int:
    """The q-th percentile (0 < q <= 100, nearest rank) of a non-empty sequence: always one of
    the values."""
    found = percentile_of_counts(Counter(values), q)
    if found is None:
        raise ValueError("percentile of no values")
    return found


def median(values: Sequence[int]) -> int:
    """The nearest-rank median: the lower middle value of an even number of values."""
    return percentile(values, 50)
