"""Medians and percentiles from a histogram equal those of the values it counts."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tahawul.performance.histograms import median, percentile

histograms = st.dictionaries(st.integers(0, 60), st.integers(0, 40), max_size=12)


def values_of(histogram: dict[int, int]) -> list[int]:
    return sorted(value for value, count in histogram.items() for _ in range(count))


@given(histograms)
def test_the_median_is_the_median_of_the_values(histogram: dict[int, int]) -> None:
    values = values_of(histogram)

    assert median(histogram) == (statistics.median(values) if values else None)


@given(histograms, st.integers(1, 100))
def test_a_percentile_is_the_nearest_rank_value(histogram: dict[int, int], percent: int) -> None:
    values = values_of(histogram)

    expected = values[math.ceil(percent * len(values) / 100) - 1] if values else None
    assert percentile(histogram, percent) == expected


def test_an_even_count_takes_the_mean_of_the_two_middle_values() -> None:
    assert median({1: 1, 4: 1}) == 2.5
    assert percentile({1: 9, 30: 1}, 90) == 1  # 9 of 10 took a day: the 90th percentile is 1
    assert percentile({1: 8, 30: 2}, 90) == 30


def test_a_percentile_outside_1_to_100_is_refused() -> None:
    with pytest.raises(ValueError, match="percent"):
        percentile({1: 1}, 0)
