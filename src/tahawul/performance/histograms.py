"""Exact order statistics of a histogram of whole working days: no sampling, no interpolation
beyond the two middle values of an even-sized median."""

from __future__ import annotations

from collections.abc import Mapping


def _value_at_rank(histogram: list[tuple[int, int]], rank: int) -> int:
    """The ``rank``-th smallest value (1-based) of the sorted (value, count) pairs."""
    seen = 0
    for value, count in histogram:
        seen += count
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} beyond {seen} values")


def _sorted(histogram: Mapping[int, int]) -> tuple[list[tuple[int, int]], int]:
    pairs = sorted((value, count) for value, count in histogram.items() if count > 0)
    if any(count < 0 for count in histogram.values()):
        raise ValueError("a histogram cannot hold a negative count")
    return pairs, sum(count for _value, count in pairs)


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of the values the histogram counts: the middle value, or the mean of the two
    middle values when their number is even. None for an empty histogram."""
    pairs, total = _sorted(histogram)
    if not total:
        return None
    low = _value_at_rank(pairs, (total + 1) // 2)
    high = _value_at_rank(pairs, total // 2 + 1)
    return (low + high) / 2


def percentile(histogram: Mapping[int, int], percent: int) -> int | None:
    """The nearest-rank ``percent``-th percentile: the smallest value with at least ``percent`` %
    of all values at or below it (always one of the values). None for an empty histogram."""
    if not 0 < percent <= 100:
        raise ValueError(f"percent out of range 1-100: {percent}")
    pairs, total = _sorted(histogram)
    if not total:
        return None
    rank = -(-percent * total // 100)  # ceil(percent × total / 100), in integers
    return _value_at_rank(pairs, rank)
