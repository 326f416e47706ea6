"""The mathematics of the satisfaction index, with no database: moods, Wilson intervals, the
small-sample rules, empirical-Bayes shrinkage, roll-ups, period-over-period change and the EWMA
alert on dissatisfaction. ``docs/satisfaction-index.md`` defines every figure computed here.

Selectors read the per-cell-per-day aggregates and hand their counts to these functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, Protocol, TypeVar

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution

MIN_RESPONSES_SHOWN = 30  # below this a cell shows "not enough responses (n = …)"
MIN_RESPONSES_RANKED = 100  # from this a cell enters rankings; between the two it is indicative

# Empirical-Bayes prior: alpha + beta never exceeds this (a prior worth 1000 responses is already
# a very confident one), and neither parameter goes below the floor, so the prior stays proper.
MAX_PRIOR_STRENGTH = 1000.0
MIN_PRIOR_PARAMETER = 0.5

MIN_SIGNIFICANT_CHANGE_POINTS = 3  # a change smaller than this is never called significant

EASE_SCALE = range(1, 8)
EASE_AGREE_FROM = 5  # 5, 6 and 7 on the 1-7 scale agree that it was easy


class Mood(StrEnum):
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"


_FACES = {"happy": Mood.SATISFIED, "neutral": Mood.NEUTRAL, "unhappy": Mood.DISSATISFIED}


def mood_of_face(face: str) -> Mood:
    """The mood of a three-face answer. Raises ``ValueError`` for anything but the three faces."""
    if face not in _FACES:
        raise ValueError(f"unknown face: {face!r}")
    return _FACES[face]


def mood_of_score(score: int) -> Mood:
    """The mood of a 1-5 score: 4-5 satisfied, 3 neutral, 1-2 dissatisfied. Raises ``ValueError``
    outside 1-5 (a bool is not a score)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValueError(f"score out of range 1-5: {score!r}")
    if score >= 4:
        return Mood.SATISFIED
    return Mood.NEUTRAL if score == 3 else Mood.DISSATISFIED


def mood_of_rating(*, face: str | None, score: int | None) -> Mood:
    """The mood a rating counts as: its face when it has one (the face is the headline
    instrument), else its score. Raises ``ValueError`` when it has neither or either is invalid."""
    score_mood = None if score is None else mood_of_score(score)  # validated even when the face decides
    if face is not None:
        return mood_of_face(face)
    if score_mood is None:
        raise ValueError("a rating needs a face or a score")
    return score_mood


@dataclass(frozen=True)
class Counts:
    satisfied: int
    neutral: int
    dissatisfied: int

    def __post_init__(self) -> None:
        if min(self.satisfied, self.neutral, self.dissatisfied) < 0:
            raise ValueError(f"negative count in {self!r}")

    @classmethod
    def zero(cls) -> Counts:
        return cls(0, 0, 0)

    @classmethod
    def of(cls, mood: Mood) -> Counts:
        """One response in ``mood``: what a rating adds to its cell's aggregate."""
        return cls(int(mood is Mood.SATISFIED), int(mood is Mood.NEUTRAL), int(mood is Mood.DISSATISFIED))

    @property
    def n(self) -> int:
        return self.satisfied + self.neutral + self.dissatisfied

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.satisfied + other.satisfied, self.neutral + other.neutral, self.dissatisfied + other.dissatisfied
        )


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``successes / n`` as proportions; ``(0.0, 1.0)`` when n = 0.
    Raises ``ValueError`` unless 0 <= successes <= n."""
    if not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return (0.0, 1.0)
    return wilson_of_share(successes / n, n, z)


def wilson_of_share(share: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson interval for an observed ``share`` over a possibly fractional (effective) ``n``;
    the roll-ups call it with the Kish effective sample size. Raises ``ValueError`` for a share
    outside [0, 1]."""
    if not 0 <= share <= 1:
        raise ValueError(f"share out of range 0-1: {share!r}")
    if n <= 0:
        return (0.0, 1.0)
    z2_n = z * z / n
    centre = (share + z2_n / 2) / (1 + z2_n)
    half = z / (1 + z2_n) * math.sqrt(share * (1 - share) / n + z2_n / (4 * n))
    # At share 0 or 1 one bound is exact in theory; clamping removes rounding a hair outside [0, 1].
    return (max(0.0, min(share, centre - half)), min(1.0, max(share, centre + half)))


class Reliability(StrEnum):
    TOO_FEW = "too_few"
    INDICATIVE = "indicative"
    RANKABLE = "rankable"


def reliability(n: float) -> Reliability:
    """How far a figure over ``n`` responses (or an effective n) may be trusted."""
    if n < MIN_RESPONSES_SHOWN:
        return Reliability.TOO_FEW
    return Reliability.INDICATIVE if n < MIN_RESPONSES_RANKED else Reliability.RANKABLE


@dataclass(frozen=True)
class CellIndex:
    """The displayed (raw) figures of one service × channel × period cell."""

    counts: Counts
    satisfied: float
    dissatisfied: float
    interval: tuple[float, float]
    reliability: Reliability


def cell_index(counts: Counts) -> CellIndex:
    """Raw shares, the 95 % Wilson interval of the satisfied share and the reliability of a cell.
    An empty cell has shares 0.0 and the interval (0, 1); its reliability keeps it from display."""
    n = counts.n
    return CellIndex(
        counts=counts,
        satisfied=counts.satisfied / n if n else 0.0,
        dissatisfied=counts.dissatisfied / n if n else 0.0,
        interval=wilson(counts.satisfied, n),
        reliability=reliability(n),
    )


@dataclass(frozen=True)
class BetaPrior:
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        """alpha + beta: how many responses' worth of weight the prior carries."""
        return self.alpha + self.beta


def fit_beta_prior(cells: Sequence[Counts]) -> BetaPrior:
    """The empirical-Bayes Beta prior on the satisfied share across the cells of one channel type
    and period, by the n-weighted beta-binomial moment estimator of the intra-class correlation
    rho = 1 / (alpha + beta + 1). With fewer than two cells with responses, or no spread beyond
    binomial noise, the prior sits on the pooled share with the maximum strength. Never NaN."""
    answered = [cell for cell in cells if cell.n > 0]
    total = sum(cell.n for cell in answered)
    if total == 0:
        return BetaPrior(1.0, 1.0)  # nothing known: the uniform prior
    pooled = sum(cell.satisfied for cell in answered) / total
    strength = _moment_strength(answered, pooled, total) if len(answered) >= 2 else None
    return _bounded_prior(pooled, MAX_PRIOR_STRENGTH if strength is None else strength)


def _moment_strength(answered: Sequence[Counts], pooled: float, total: int) -> float | None:
    # E[S] = p(1-p) [(k-1)(1-rho) + rho (N - sum n_i^2 / N)] with S = sum n_i (p_i - p)^2.
    spread_of_sizes = total - sum(cell.n**2 for cell in answered) / total - (len(answered) - 1)
    variance_unit = pooled * (1 - pooled)
    if spread_of_sizes <= 1e-12 or variance_unit <= 0:
        return None  # every cell of one response, or every answer alike: no spread can be measured
    spread = sum(cell.n * (cell.satisfied / cell.n - pooled) ** 2 for cell in answered)
    rho = (spread / variance_unit - (len(answered) - 1)) / spread_of_sizes
    if rho <= 1 / (MAX_PRIOR_STRENGTH + 1):
        return None
    return 1 / rho - 1 if rho < 1 else 0.0


def _bounded_prior(mean: float, strength: float) -> BetaPrior:
    strength = min(strength, MAX_PRIOR_STRENGTH)
    return BetaPrior(max(mean * strength, MIN_PRIOR_PARAMETER), max((1 - mean) * strength, MIN_PRIOR_PARAMETER))


def shrunk_share(counts: Counts, prior: BetaPrior) -> float:
    """The posterior mean of the satisfied share, (satisfied + alpha) / (n + alpha + beta).
    Rankings and alerts use it; nothing displays it."""
    return (counts.satisfied + prior.alpha) / (counts.n + prior.alpha + prior.beta)


class _Orderable(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Orderable)


def rank_cells(cells: Mapping[K, Counts], prior: BetaPrior) -> list[tuple[K, float]]:
    """Rankable cells (n >= 100) with their shrunk shares, worst first. Ties go to the cell with
    more responses (firmer evidence), then to the smaller key, so the order never depends on the
    mapping's order."""
    ranked = [(key, shrunk_share(counts, prior), counts.n) for key, counts in cells.items()]
    ranked = [row for row in ranked if reliability(row[2]) is Reliability.RANKABLE]
    ranked.sort(key=lambda row: (row[1], -row[2], row[0]))
    return [(key, share) for key, share, _n in ranked]


@dataclass(frozen=True)
class WeightedCell:
    counts: Counts
    completed: int  # completed transactions of the cell in the period


class Weighting(StrEnum):
    TRANSACTIONS = "transactions"
    RESPONSES = "responses"  # no cell with responses had completed transactions
    NONE = "none"  # no responses at all


@dataclass(frozen=True)
class RolledUp:
    satisfied: float
    dissatisfied: float
    n: int
    completed: int
    response_rate: float | None
    interval: tuple[float, float]
    effective_n: float
    reliability: Reliability
    weighting: Weighting
    unweighted_responses: int  # responses of cells without completed transactions, left out


def rollup(cells: Sequence[WeightedCell]) -> RolledUp:
    """Cells rolled up to a service, channel, entity or the government: each cell's shares
    weighted by its completed transactions. Cells with responses but no completed transactions
    are left out of the shares (counted in ``unweighted_responses``) unless no cell has any, in
    which case every cell weighs by its responses. The interval and reliability use the Kish
    effective sample size of the per-response weights."""
    answered = [cell for cell in cells if cell.counts.n > 0]
    weighted = [(cell.counts, float(cell.completed)) for cell in answered if cell.completed > 0]
    weighting = Weighting.TRANSACTIONS
    if not weighted:
        weighted = [(cell.counts, float(cell.counts.n)) for cell in answered]
        weighting = Weighting.RESPONSES if weighted else Weighting.NONE
    n = sum(cell.counts.n for cell in cells)
    completed = sum(cell.completed for cell in cells)
    weight_total = sum(weight for _counts, weight in weighted)
    satisfied = _weighted_share(weighted, weight_total, lambda counts: counts.satisfied)
    dissatisfied = _weighted_share(weighted, weight_total, lambda counts: counts.dissatisfied)
    # Each response of cell i stands for w_i / n_i transactions; Kish: (sum of weights)^2 / sum of squares.
    squares = sum(weight * weight / counts.n for counts, weight in weighted)
    effective_n = weight_total * weight_total / squares if squares else 0.0
    return RolledUp(
        satisfied=satisfied,
        dissatisfied=dissatisfied,
        n=n,
        completed=completed,
        response_rate=n / completed if completed else None,
        interval=wilson_of_share(satisfied, effective_n),
        effective_n=effective_n,
        reliability=reliability(effective_n),
        weighting=weighting,
        unweighted_responses=n - sum(counts.n for counts, _weight in weighted),
    )


def _weighted_share(
    weighted: Sequence[tuple[Counts, float]], weight_total: float, part: Callable[[Counts], int]
) -> float:
    if not weight_total:
        return 0.0
    share = sum(weight * part(counts) / counts.n for counts, weight in weighted) / weight_total
    return min(1.0, max(0.0, share))


class Direction(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    NO_CHANGE = "no_change"


@dataclass(frozen=True)
class Change:
    difference: float  # percentage points of the satisfied share, after minus before
    interval: tuple[float, float]  # 95 %, percentage points
    significant: bool
    direction: Direction


def change(before: Counts, after: Counts) -> Change:
    """Period-over-period change of the satisfied share with Newcombe's hybrid score interval
    (method 10). Significant only when the interval excludes zero and the change is at least
    ``MIN_SIGNIFICANT_CHANGE_POINTS``; the direction is ``no_change`` unless significant. When
    either period has no responses the change is 0 with the interval (-100, 100)."""
    if before.n == 0 or after.n == 0:
        return _NO_CHANGE
    exact = Fraction(after.satisfied, after.n) - Fraction(before.satisfied, before.n)
    return _newcombe(
        before.satisfied / before.n,
        wilson(before.satisfied, before.n),
        after.satisfied / after.n,
        wilson(after.satisfied, after.n),
        exact,
    )


def change_of_rollups(before: RolledUp, after: RolledUp) -> Change:
    """The change between two roll-ups' displayed (transaction-weighted) satisfied shares, each
    with its Wilson interval on the Kish effective sample size, so the change always matches the
    two figures people see. Same rules as :func:`change`."""
    if before.effective_n <= 0 or after.effective_n <= 0:
        return _NO_CHANGE
    exact = Fraction(after.satisfied).limit_denominator(10**9) - Fraction(before.satisfied).limit_denominator(10**9)
    return _newcombe(before.satisfied, before.interval, after.satisfied, after.interval, exact)


_NO_CHANGE = Change(0.0, (-100.0, 100.0), significant=False, direction=Direction.NO_CHANGE)


def _newcombe(
    p_before: float,
    interval_before: tuple[float, float],
    p_after: float,
    interval_after: tuple[float, float],
    exact: Fraction,
) -> Change:
    low_before, high_before = interval_before
    low_after, high_after = interval_after
    difference = float(exact)
    low = difference - math.hypot(p_after - low_after, high_before - p_before)
    high = difference + math.hypot(high_after - p_after, p_before - low_before)
    # The size test is done in exact fractions so that a change of exactly 3 points counts.
    significant = (low > 0 or high < 0) and abs(exact) * 100 >= MIN_SIGNIFICANT_CHANGE_POINTS
    direction = Direction.NO_CHANGE
    if significant:
        direction = Direction.BETTER if exact > 0 else Direction.WORSE
    return Change(difference * 100, (low * 100, high * 100), significant, direction)


@dataclass(frozen=True)
class EwmaPoint:
    index: int
    n: int
    share: float | None  # the day's dissatisfied share; None on a day without responses
    ewma: float
    upper_limit: float | None  # None on a day without responses: it cannot alarm
    alarm: bool
    target: float  # p0, the baseline dissatisfied share the chart watches for departures from


def ewma_chart(
    daily: Sequence[Counts],
    *,
    weight: float = 0.2,
    limit: float = 3.0,
    baseline_days: int = 28,
    prior: BetaPrior | None = None,
) -> list[EwmaPoint]:
    """The EWMA p-chart of the daily dissatisfied share, oldest day first. The target p0 is the
    pooled share of the first ``baseline_days`` days with responses (of all of them when there
    are fewer), shrunk toward ``prior`` (a Beta prior on the dissatisfied share, see
    :func:`fit_dissatisfaction_prior`) when one is given. A day without responses carries the
    EWMA forward and cannot alarm. Raises ``ValueError`` for a weight outside (0, 1], a negative
    limit or a baseline under one day."""
    if not 0 < weight <= 1 or limit < 0 or baseline_days < 1:
        raise ValueError("need 0 < weight <= 1, limit >= 0 and baseline_days >= 1")
    target = _baseline(daily, baseline_days, prior)
    ewma, updates, points = target, 0, []
    for index, counts in enumerate(daily):
        if counts.n == 0:
            points.append(EwmaPoint(index, 0, None, ewma, None, alarm=False, target=target))
            continue
        updates += 1
        share = counts.dissatisfied / counts.n
        ewma = weight * share + (1 - weight) * ewma
        start_up = 1 - (1 - weight) ** (2 * updates)
        sigma = math.sqrt(target * (1 - target) / counts.n * weight / (2 - weight) * start_up)
        upper = target + limit * sigma
        points.append(EwmaPoint(index, counts.n, share, ewma, upper, alarm=ewma > upper, target=target))
    return points


def fit_dissatisfaction_prior(cells: Sequence[Counts]) -> BetaPrior:
    """The empirical-Bayes Beta prior on the **dissatisfied** share across cells (the same
    estimator as :func:`fit_beta_prior`, on the other tail), for the alerts' baselines."""
    return fit_beta_prior([Counts(cell.dissatisfied, cell.neutral, cell.satisfied) for cell in cells])


def _baseline(daily: Sequence[Counts], baseline_days: int, prior: BetaPrior | None = None) -> float:
    with_data = [counts for counts in daily if counts.n > 0][:baseline_days]
    responses = sum(counts.n for counts in with_data)
    if not responses:
        return 0.0  # no responses anywhere, so no day can alarm
    if prior is not None:
        # A small cell's own history is a poor baseline (a quiet month with no complaint would make
        # one unhappy rating an alarm): its share shrinks toward what is usual on its channel.
        dissatisfied = sum(counts.dissatisfied for counts in with_data)
        return (dissatisfied + prior.alpha) / (responses + prior.alpha + prior.beta)
    # A baseline of exactly 0 (or 1) would give a zero-width band that any one answer crosses:
    # keep it half a response away from the edge.
    edge = 0.5 / responses
    return min(1 - edge, max(edge, sum(counts.dissatisfied for counts in with_data) / responses))


def first_new_alarm(points: Sequence[EwmaPoint]) -> int | None:
    """The index of the latest point that alarms while the previous day with responses did not:
    the start of the current or last excursion. The daily alert task notifies when it is today's
    index, so one excursion sends one notification; days without responses do not end it."""
    latest, previous_alarm = None, False
    for point in points:
        if point.n == 0:
            continue
        if point.alarm and not previous_alarm:
            latest = point.index
        previous_alarm = point.alarm
    return latest


@dataclass(frozen=True)
class Ease:
    n: int
    mean: float | None  # on the 1-7 scale
    agree_share: float | None  # share answering 5-7


def ease_agrees(value: int) -> bool:
    """Whether a 1-7 ease answer agrees that it was easy. Raises ``ValueError`` outside 1-7."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in EASE_SCALE:
        raise ValueError(f"ease answer out of range 1-7: {value!r}")
    return value >= EASE_AGREE_FROM


def ease(n: int, total: int, agree: int) -> Ease:
    """The ease figure from an aggregate: ``n`` answers summing to ``total``, ``agree`` of them
    5-7. Reported beside the index, never blended into it. Raises ``ValueError`` for counts no
    set of 1-7 answers can produce."""
    if n < 0 or not 0 <= agree <= n or not n * EASE_SCALE.start <= total <= n * (EASE_SCALE.stop - 1):
        raise ValueError(f"impossible ease aggregate: n={n}, total={total}, agree={agree}")
    if n == 0:
        return Ease(0, None, None)
    return Ease(n, total / n, agree / n)
