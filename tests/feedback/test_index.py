"""The satisfaction index against hand-computed cases. Every expected number is worked out in the
comment beside it; z = 1.959964, z² = 3.841459 throughout."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tahawul.feedback.index import (
    MAX_PRIOR_STRENGTH,
    MIN_PRIOR_PARAMETER,
    BetaPrior,
    Counts,
    Direction,
    Mood,
    Reliability,
    WeightedCell,
    Weighting,
    cell_index,
    change,
    change_of_rollups,
    ease,
    ease_agrees,
    ewma_chart,
    first_new_alarm,
    fit_beta_prior,
    fit_dissatisfaction_prior,
    mood_of_face,
    mood_of_rating,
    mood_of_score,
    rank_cells,
    rollup,
    shrunk_share,
    wilson,
)

approx = pytest.approx


def satisfied_of(satisfied: int, n: int) -> Counts:
    """A cell whose non-satisfied responses are all dissatisfied."""
    return Counts(satisfied, 0, n - satisfied)


# --- moods -------------------------------------------------------------------------------------


def test_faces_and_scores_map_to_the_three_moods() -> None:
    assert [mood_of_face(face) for face in ("happy", "neutral", "unhappy")] == list(Mood)
    assert [mood_of_score(score) for score in (1, 2, 3, 4, 5)] == [
        Mood.DISSATISFIED,
        Mood.DISSATISFIED,
        Mood.NEUTRAL,
        Mood.SATISFIED,
        Mood.SATISFIED,
    ]


@pytest.mark.parametrize("face", ["Happy", "sad", "", "satisfied"])
def test_an_unknown_face_is_refused(face: str) -> None:
    with pytest.raises(ValueError, match="face"):
        mood_of_face(face)


@pytest.mark.parametrize("score", [0, 6, -1, True])
def test_a_score_outside_one_to_five_is_refused(score: int) -> None:
    with pytest.raises(ValueError, match="score"):
        mood_of_score(score)


def test_a_rating_counts_by_its_face_and_by_its_score_only_without_one() -> None:
    assert mood_of_rating(face="unhappy", score=5) is Mood.DISSATISFIED
    assert mood_of_rating(face=None, score=4) is Mood.SATISFIED
    assert mood_of_rating(face="happy", score=None) is Mood.SATISFIED
    with pytest.raises(ValueError, match="face or a score"):
        mood_of_rating(face=None, score=None)
    with pytest.raises(ValueError, match="score"):
        mood_of_rating(face="happy", score=9)  # a bad score is refused even when the face decides


def test_counts_add_up_one_rating_at_a_time() -> None:
    cell = Counts.zero()
    for mood in (Mood.SATISFIED, Mood.SATISFIED, Mood.NEUTRAL, Mood.DISSATISFIED):
        cell = cell + Counts.of(mood)
    assert cell == Counts(2, 1, 1)
    assert cell.n == 4
    with pytest.raises(ValueError, match="negative"):
        Counts(1, -1, 0)


# --- Wilson interval and the small-sample rules --------------------------------------------------


def test_wilson_for_45_of_50() -> None:
    # p = 0.9, z²/n = 3.841459 / 50 = 0.076829
    # centre = (0.9 + 0.076829/2) / 1.076829 = 0.938415 / 1.076829 = 0.871461
    # half = 1.959964 / 1.076829 × √(0.9 × 0.1 / 50 + 3.841459 / (4 × 50²))
    #      = 1.820122 × √(0.0018 + 0.000384) = 1.820122 × 0.046735 = 0.085063
    low, high = wilson(45, 50)
    assert low == approx(0.7864, abs=5e-5)  # 0.871461 − 0.085063
    assert high == approx(0.9565, abs=5e-5)  # 0.871461 + 0.085063


def test_wilson_at_the_edges_keeps_the_exact_bound() -> None:
    # 0/10: the upper bound reduces to (z²/n) / (1 + z²/n) = 0.384146 / 1.384146 = 0.277533
    assert wilson(0, 10) == approx((0.0, 0.2775), abs=5e-5)
    assert wilson(0, 10)[0] == 0.0
    # 10/10: the lower bound reduces to 1 / (1 + z²/n) = 1 / 1.384146 = 0.722467
    assert wilson(10, 10) == approx((0.7225, 1.0), abs=5e-5)
    assert wilson(10, 10)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="successes"):
        wilson(11, 10)


def test_a_cell_shows_both_shares_n_and_its_interval() -> None:
    cell = cell_index(Counts(45, 3, 2))
    assert (cell.satisfied, cell.dissatisfied, cell.counts.n) == (0.9, 0.04, 50)
    assert cell.interval == wilson(45, 50)
    assert cell.reliability is Reliability.INDICATIVE


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, Reliability.TOO_FEW),
        (29, Reliability.TOO_FEW),
        (30, Reliability.INDICATIVE),
        (99, Reliability.INDICATIVE),
        (100, Reliability.RANKABLE),
    ],
)
def test_the_small_sample_thresholds(n: int, expected: Reliability) -> None:
    assert cell_index(satisfied_of(n // 2, n)).reliability is expected


def test_an_empty_cell_is_not_a_number_problem() -> None:
    cell = cell_index(Counts.zero())
    assert (cell.satisfied, cell.dissatisfied, cell.interval) == (0.0, 0.0, (0.0, 1.0))


# --- empirical-Bayes shrinkage -------------------------------------------------------------------


def test_a_small_cell_is_pulled_to_the_prior_more_than_a_big_one() -> None:
    prior = BetaPrior(8, 2)  # mean 0.8, worth 10 responses
    small, big = satisfied_of(3, 6), satisfied_of(300, 600)  # both 50 % satisfied
    assert shrunk_share(small, prior) == approx(0.6875)  # (3 + 8) / (6 + 10) = 11/16
    assert shrunk_share(big, prior) == approx(0.504918, abs=1e-6)  # (300 + 8) / (600 + 10) = 308/610


def test_prior_fitted_on_cells_with_known_spread() -> None:
    # Four cells of 100 at 60, 70, 80, 90 % satisfied. Pooled p = 300/400 = 0.75, p(1 − p) = 0.1875.
    # S = Σ n_i (p_i − p)² = 100 × (0.0225 + 0.0025 + 0.0025 + 0.0225) = 5; S / p(1 − p) = 80/3.
    # N − Σn_i²/N − (k − 1) = 400 − 40000/400 − 3 = 297.
    # rho = (80/3 − 3) / 297 = 71/891; alpha + beta = 1/rho − 1 = 820/71 = 11.549.
    # alpha = 0.75 × 820/71 = 615/71 = 8.6620; beta = 205/71 = 2.8873.
    prior = fit_beta_prior([satisfied_of(s, 100) for s in (60, 70, 80, 90)])
    assert prior.alpha == approx(615 / 71)
    assert prior.beta == approx(205 / 71)


def test_prior_without_spread_beyond_noise_sits_on_the_pooled_share_at_full_strength() -> None:
    # 80/100 and 40/50 are both 80 %: S = 0, so rho <= 0 and the strength is capped at 1000.
    prior = fit_beta_prior([satisfied_of(80, 100), satisfied_of(40, 50)])
    assert (prior.alpha, prior.beta) == approx((800, 200))


def test_prior_from_one_cell_or_none_is_proper_and_capped() -> None:
    one = fit_beta_prior([satisfied_of(30, 40), Counts.zero()])  # one cell with responses
    assert (one.alpha, one.beta) == approx((750, 250))  # 0.75 × 1000, 0.25 × 1000
    assert fit_beta_prior([]) == BetaPrior(1.0, 1.0)
    all_happy = fit_beta_prior([satisfied_of(50, 50), satisfied_of(100, 100)])
    assert (all_happy.alpha, all_happy.beta) == approx((MAX_PRIOR_STRENGTH, MIN_PRIOR_PARAMETER))


def test_prior_for_cells_as_far_apart_as_they_can_be_has_only_the_floor() -> None:
    # Every response of a cell alike and cells opposite: rho = 1, alpha + beta = 0 -> floors.
    prior = fit_beta_prior([satisfied_of(100, 100), satisfied_of(0, 100)])
    assert (prior.alpha, prior.beta) == (MIN_PRIOR_PARAMETER, MIN_PRIOR_PARAMETER)


def test_ranking_keeps_rankable_cells_worst_first_by_shrunk_share() -> None:
    prior = BetaPrior(8, 2)
    cells = {
        "a": satisfied_of(50, 100),  # (50 + 8) / 110 = 0.5273
        "b": satisfied_of(500, 1000),  # (500 + 8) / 1010 = 0.5030: same raw share, firmer evidence
        "c": satisfied_of(0, 29),  # too few to rank however bad
        "d": satisfied_of(10, 99),  # indicative only
    }
    ranked = rank_cells(cells, prior)
    assert [key for key, _share in ranked] == ["b", "a"]
    assert [share for _key, share in ranked] == approx([508 / 1010, 58 / 110])


def test_ranking_ties_are_broken_by_responses_then_key() -> None:
    prior = BetaPrior(1, 1)
    # (50 + 1) / 102 = 0.5 and (100 + 1) / 202 = 0.5 exactly: the bigger cell goes first.
    cells = {"y": satisfied_of(50, 100), "a": satisfied_of(50, 100), "b": satisfied_of(100, 200)}
    assert [key for key, _share in rank_cells(cells, prior)] == ["b", "a", "y"]


# --- roll-ups ------------------------------------------------------------------------------------

COUNTER = WeightedCell(Counts(90, 5, 5), completed=9000)  # 90 % satisfied, 5 % dissatisfied
PORTAL = WeightedCell(Counts(150, 60, 90), completed=1000)  # 50 % satisfied, 30 % dissatisfied


def test_rollup_weights_by_completed_transactions_not_responses() -> None:
    rolled = rollup([COUNTER, PORTAL])
    # by transactions: (9000 × 0.9 + 1000 × 0.5) / 10000 = 0.86 (by responses it would be 240/400 = 0.6)
    assert rolled.satisfied == approx(0.86)
    # (9000 × 0.05 + 1000 × 0.3) / 10000 = 0.075 (by responses 95/400 = 0.2375)
    assert rolled.dissatisfied == approx(0.075)
    assert (rolled.n, rolled.completed) == (400, 10000)
    assert rolled.response_rate == approx(0.04)
    assert rolled.weighting is Weighting.TRANSACTIONS
    # Kish: (Σw)² / Σ(w²/n) = 10000² / (9000²/100 + 1000²/300) = 10⁸ / 813333.3 = 7500/61 = 122.95
    assert rolled.effective_n == approx(7500 / 61)
    assert rolled.reliability is Reliability.RANKABLE
    # Wilson on 0.86 over n = 122.95: z²/n = 0.031244, centre = 0.875622 / 1.031244 = 0.849093,
    # half = 1.900582 × √(0.86 × 0.14 / 122.95 + 0.031244 / (4 × 122.95)) = 1.900582 × 0.032292 = 0.061374
    assert rolled.interval == approx((0.7877, 0.9105), abs=5e-5)


def test_rollup_leaves_out_responses_without_transactions_but_counts_them() -> None:
    kiosk = WeightedCell(Counts(0, 0, 10), completed=0)
    no_answers = WeightedCell(Counts.zero(), completed=5000)
    rolled = rollup([COUNTER, PORTAL, kiosk, no_answers])
    assert (rolled.satisfied, rolled.unweighted_responses) == approx((0.86, 10))
    # 410 responses over 15000 completed transactions
    assert rolled.response_rate == approx(410 / 15000)


def test_rollup_falls_back_to_responses_when_no_cell_has_transactions() -> None:
    rolled = rollup([WeightedCell(COUNTER.counts, 0), WeightedCell(PORTAL.counts, 0)])
    assert rolled.weighting is Weighting.RESPONSES
    assert rolled.satisfied == approx(0.6)  # (90 + 150) / 400
    assert rolled.effective_n == approx(400)  # equal weights: the effective n is the n
    assert rolled.response_rate is None
    assert rolled.unweighted_responses == 0


def test_rollup_of_nothing() -> None:
    rolled = rollup([WeightedCell(Counts.zero(), 20)])
    assert (rolled.weighting, rolled.reliability, rolled.interval) == (Weighting.NONE, Reliability.TOO_FEW, (0.0, 1.0))
    assert rolled.response_rate == 0.0


# --- change between periods ----------------------------------------------------------------------


def test_newcombe_worked_example() -> None:
    # Newcombe (1998): 56/70 vs 48/80. Wilson 56/70 = (0.6918, 0.8770), 48/80 = (0.4905, 0.7004).
    # low  = 0.2 − √((0.8 − 0.6918)² + (0.7004 − 0.6)²) = 0.2 − √(0.011700 + 0.010076) = 0.2 − 0.147569
    # high = 0.2 + √((0.8770 − 0.8)² + (0.6 − 0.4905)²) = 0.2 + √(0.005922 + 0.012000) = 0.2 + 0.133873
    result = change(before=satisfied_of(48, 80), after=satisfied_of(56, 70))
    assert result.difference == approx(20.0)
    assert result.interval == approx((5.24, 33.39), abs=5e-3)
    assert (result.significant, result.direction) == (True, Direction.BETTER)


def test_a_fall_is_worse() -> None:
    result = change(before=satisfied_of(56, 70), after=satisfied_of(48, 80))
    assert result.difference == approx(-20.0)
    assert result.interval == approx((-33.39, -5.24), abs=5e-3)
    assert result.direction is Direction.WORSE


def test_significance_needs_an_interval_excluding_zero_and_three_points() -> None:
    half = satisfied_of(50_000, 100_000)
    # 2 points over 100000 responses each: interval about ±0.44 points excludes 0, but under 3 points
    small = change(before=half, after=satisfied_of(52_000, 100_000))
    assert small.interval[0] > 0
    assert (small.significant, small.direction) == (False, Direction.NO_CHANGE)
    # 10 points on 10 responses each: big enough, but the interval spans zero
    noisy = change(before=satisfied_of(5, 10), after=satisfied_of(6, 10))
    assert noisy.difference == approx(10.0)
    assert noisy.interval[0] < 0 < noisy.interval[1]
    assert noisy.significant is False
    # exactly 3 points counts; 2.9 does not
    assert change(before=half, after=satisfied_of(53_000, 100_000)).significant is True
    assert change(before=half, after=satisfied_of(52_900, 100_000)).significant is False


def test_change_with_an_empty_period_is_no_change() -> None:
    result = change(before=Counts.zero(), after=satisfied_of(90, 100))
    assert (result.significant, result.direction, result.interval) == (False, Direction.NO_CHANGE, (-100.0, 100.0))


# --- EWMA alert on dissatisfaction ---------------------------------------------------------------

STEADY = [Counts(90, 0, 10)] * 40  # 10 % dissatisfied every day, 100 responses a day
JUMP = [Counts(70, 0, 30)] * 5  # 30 % dissatisfied


def test_ewma_stays_quiet_on_a_noisy_but_stable_series() -> None:
    # 8, 12, 9, 11, 10, 10, 10 % dissatisfied, repeated: the baseline is exactly 10 %.
    pattern = [Counts(100 - d, 0, d) for d in (8, 12, 9, 11, 10, 10, 10)]
    points = ewma_chart(pattern * 12)
    assert not any(point.alarm for point in points)
    assert first_new_alarm(points) is None
    # Limit for p0 = 0.1, n = 100, lambda = 0.2, L = 3: 0.1 + 3 √(0.09/100 × 0.2/1.8 × (1 − 0.8^(2t)))
    # t = 1: 0.1 + 3 × 0.01 × √0.36 = 0.118; long run: 0.1 + 3 × √0.0001 = 0.13
    assert points[0].upper_limit == approx(0.118)
    assert points[-1].upper_limit == approx(0.13)


def test_ewma_alarms_on_a_jump_and_notifies_once_per_excursion() -> None:
    series = STEADY + JUMP + [Counts(90, 0, 10)] * 20 + JUMP + [Counts(90, 0, 10)] * 5
    points = ewma_chart(series)
    # From 0.1: 0.2 × 0.3 + 0.8 × 0.1 = 0.14 > 0.13, then 0.172, 0.1976, 0.2181, 0.2345; back at 10 %:
    # 0.2076, 0.1861, 0.1688, 0.1551, 0.1441, 0.1352 (all > 0.13), then 0.1282 < 0.13.
    assert points[40].ewma == approx(0.14)
    assert points[44].ewma == approx(0.234464)
    assert [point.index for point in points if point.alarm][:11] == list(range(40, 51))
    assert points[51].alarm is False
    # Replayed day by day as the alert task does: notify only when the excursion starts today.
    notified = [day for day in range(len(series)) if first_new_alarm(ewma_chart(series[: day + 1])) == day]
    assert notified == [40, 65]


def test_a_day_without_responses_carries_the_ewma_and_does_not_restart_an_excursion() -> None:
    series = [*STEADY, JUMP[0], JUMP[0], Counts.zero(), JUMP[0]]
    points = ewma_chart(series)
    empty = points[42]
    assert (empty.alarm, empty.share, empty.upper_limit, empty.ewma) == (False, None, None, points[41].ewma)
    assert points[43].ewma == approx(0.2 * 0.3 + 0.8 * 0.172)  # the update skips the empty day
    assert points[43].alarm is True
    assert first_new_alarm(points) == 40


def test_the_baseline_is_the_first_days_with_data_or_the_whole_short_series() -> None:
    # Empty days first do not count towards the 28 baseline days: p0 stays 10 % and 30 % alarms.
    points = ewma_chart([Counts.zero()] * 5 + [Counts(90, 0, 10)] * 28 + JUMP)
    assert points[-1].alarm is True
    # Ten days at 30 %: shorter than the baseline, so p0 is their pooled 30 % and nothing alarms.
    assert not any(point.alarm for point in ewma_chart([Counts(70, 0, 30)] * 10))


def test_a_spotless_baseline_still_has_a_band() -> None:
    points = ewma_chart([Counts(100, 0, 0)] * 28 + [Counts(100, 0, 0)])
    assert not any(point.alarm for point in points)
    limit = points[-1].upper_limit
    assert limit is not None
    assert limit > 0
    assert not math.isnan(limit)


def test_ewma_refuses_meaningless_settings() -> None:
    with pytest.raises(ValueError, match="weight"):
        ewma_chart(STEADY, weight=0)


# --- ease ----------------------------------------------------------------------------------------


def test_ease_is_its_own_figure() -> None:
    # answers 4, 5, 6, 7: mean 22/4 = 5.5; three of four agree (5-7)
    figure = ease(n=4, total=22, agree=3)
    assert (figure.n, figure.mean, figure.agree_share) == (4, 5.5, 0.75)
    assert ease(n=0, total=0, agree=0).mean is None
    assert [ease_agrees(value) for value in (4, 5, 7)] == [False, True, True]


@pytest.mark.parametrize(("n", "total", "agree"), [(4, 29, 3), (4, 3, 0), (4, 22, 5), (-1, 0, 0)])
def test_an_impossible_ease_aggregate_is_refused(n: int, total: int, agree: int) -> None:
    with pytest.raises(ValueError, match="ease"):
        ease(n=n, total=total, agree=agree)


@pytest.mark.parametrize("value", [0, 8, True])
def test_an_ease_answer_outside_one_to_seven_is_refused(value: int) -> None:
    with pytest.raises(ValueError, match="ease"):
        ease_agrees(value)


# --- properties ----------------------------------------------------------------------------------

cell_sizes = st.integers(min_value=1, max_value=100_000)


@given(n=cell_sizes, data=st.data())
def test_wilson_contains_the_share_and_stays_in_zero_one(n: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


@given(
    n=cell_sizes,
    data=st.data(),
    alpha=st.floats(min_value=MIN_PRIOR_PARAMETER, max_value=MAX_PRIOR_STRENGTH),
    beta=st.floats(min_value=MIN_PRIOR_PARAMETER, max_value=MAX_PRIOR_STRENGTH),
)
def test_shrunk_share_lies_between_raw_share_and_prior_mean(
    n: int, data: st.DataObject, alpha: float, beta: float
) -> None:
    counts = satisfied_of(data.draw(st.integers(min_value=0, max_value=n)), n)
    prior = BetaPrior(alpha, beta)
    low, high = sorted((counts.satisfied / n, prior.mean))
    assert low - 1e-12 <= shrunk_share(counts, prior) <= high + 1e-12


counts_lists = st.lists(
    st.builds(Counts, *(st.integers(min_value=0, max_value=2_000) for _mood in Mood)), min_size=0, max_size=12
)


@given(cells=counts_lists)
def test_fitted_prior_is_always_proper_and_bounded(cells: list[Counts]) -> None:
    prior = fit_beta_prior(cells)
    assert prior.alpha >= MIN_PRIOR_PARAMETER
    assert prior.beta >= MIN_PRIOR_PARAMETER
    assert prior.strength <= MAX_PRIOR_STRENGTH + 2 * MIN_PRIOR_PARAMETER
    assert not math.isnan(prior.mean)


@given(cells=counts_lists, completed=st.lists(st.integers(min_value=0, max_value=50_000), min_size=12, max_size=12))
def test_rolled_up_share_lies_within_its_cells_and_its_interval(cells: list[Counts], completed: list[int]) -> None:
    rolled = rollup([WeightedCell(counts, done) for counts, done in zip(cells, completed, strict=False)])
    shares = [counts.satisfied / counts.n for counts in cells if counts.n]
    if shares:
        assert min(shares) - 1e-9 <= rolled.satisfied <= max(shares) + 1e-9
    assert 0.0 <= rolled.interval[0] <= rolled.satisfied <= rolled.interval[1] <= 1.0


@given(before=counts_lists.filter(bool), after=counts_lists.filter(bool))
def test_change_interval_contains_the_difference(before: list[Counts], after: list[Counts]) -> None:
    result = change(before=before[0], after=after[0])
    assert -100.0 <= result.interval[0] <= result.difference <= result.interval[1] <= 100.0


def test_a_rollups_change_matches_its_displayed_figures() -> None:
    # One cell per period, weighted by its own responses: the roll-up's share is the raw share and
    # its effective n the cell's n, so the change is exactly Newcombe's worked example.
    before = rollup([WeightedCell(Counts(48, 0, 32), 0)])
    after = rollup([WeightedCell(Counts(56, 0, 14), 0)])
    moved = change_of_rollups(before, after)
    assert moved == change(Counts(48, 0, 32), Counts(56, 0, 14))
    assert round(moved.difference, 6) == round((after.satisfied - before.satisfied) * 100, 6)
    assert moved.significant


def test_a_rollups_change_uses_the_weighted_shares() -> None:
    # Responses say 50 % -> 50 %, but the big cell (by transactions) went from 40 % to 80 %.
    before = rollup([WeightedCell(Counts(40, 0, 60), 900), WeightedCell(Counts(60, 0, 40), 100)])
    after = rollup([WeightedCell(Counts(80, 0, 20), 900), WeightedCell(Counts(20, 0, 80), 100)])
    moved = change_of_rollups(before, after)
    # 0.9 * 0.4 + 0.1 * 0.6 = 0.42 before; 0.9 * 0.8 + 0.1 * 0.2 = 0.74 after: +32 points.
    assert round(moved.difference, 6) == 32.0
    assert moved.direction == "better"


def test_a_small_cells_alert_baseline_shrinks_toward_its_channel() -> None:
    # A quiet kiosk: 28 days of 2 responses, none unhappy, then one unhappy response of 2.
    quiet = [Counts(2, 0, 0)] * 28 + [Counts(1, 0, 1)]
    # On its own history the baseline sits half a response from zero (0.5 / 56), so the band is
    # a hair wide and one unhappy answer alarms.
    assert ewma_chart(quiet)[-1].alarm
    # Where kiosks are usually 10 % dissatisfied (a prior worth 100 responses), the baseline is
    # (0 + 10) / (56 + 100) = 6.4 %: one unhappy answer in two moves the average to
    # 0.2 × 0.5 + 0.8 × 0.064 = 15.1 %, under the band 0.064 + 3 × √(0.064 × 0.936 / 2 × 0.2 / 1.8) ≈ 0.20.
    usual = BetaPrior(10, 90)
    last = ewma_chart(quiet, prior=usual)[-1]
    assert last.target == approx(10 / 156)
    assert not last.alarm


def test_the_dissatisfaction_prior_is_fitted_on_the_dissatisfied_share() -> None:
    cells = [Counts(90 - bad, 10, bad) for bad in (5, 10, 15, 20)]
    prior = fit_dissatisfaction_prior(cells)
    assert prior.mean == approx(50 / 400)
