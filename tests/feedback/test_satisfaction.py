"""The satisfaction index read from the per-day aggregates, which are filled by the real actions:
record_rating for responses and applications reaching a final state for completed transactions.
Every expected figure is worked out by hand in the comment beside it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.feedback.errors import InvalidFeedback
from tahawul.feedback.index import Reliability, Weighting
from tahawul.feedback.periods import Period, parse_period
from tahawul.feedback.satisfaction import GroupBy, Scope, monthly_trend, overall, satisfaction_by, worst_cells
from tests.feedback.conftest import EVENT_PERMIT, ID_CARD, PASSPORT, Clock, Kit, completed, rate, service

pytestmark = pytest.mark.django_db

approx = pytest.approx
DECEMBER = Period("2026-12", date(2026, 12, 1), date(2026, 12, 31))


@pytest.fixture(autouse=True)
def _no_flood_limit(settings: Any) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 100_000


def rate_many(count: int, **answer: Any) -> None:
    for _ in range(count):
        rate(**answer)


@pytest.fixture
def two_months(clock: Clock, kit: Kit) -> None:
    """November: passport on the web, 1 happy and 3 unhappy, nothing completed.

    December:
    - cell A, passport × web: happy (ease 7), happy (ease 5), happy, unhappy (ease 2); 6 completed
    - cell B, passport × mobile: happy, neutral; 2 completed
    - cell C, event permit (CIVDEF) × web: score 5, score 2; nothing completed
    """
    clock.now = clock.now.replace(month=11, day=10)
    rate(face="happy")
    rate_many(3, face="unhappy")
    clock.now = clock.now.replace(month=12, day=3)
    for ease in (7, 5, None):
        rate(face="happy", ease=ease)
    rate(face="unhappy", ease=2)
    rate(face="happy", channel=Channel.MOBILE)
    rate(face="neutral", channel=Channel.MOBILE)
    rate(score=5, service_code=EVENT_PERMIT)
    rate(score=2, service_code=EVENT_PERMIT)
    for _ in range(6):
        completed(kit, PASSPORT, Channel.WEB)
    for _ in range(2):
        completed(kit, PASSPORT, Channel.MOBILE)


def by_key(group_by: GroupBy, scope: Scope | None = None) -> dict[str, Any]:
    return {row.key: row for row in satisfaction_by(group_by, DECEMBER, scope or Scope())}


@pytest.mark.usefixtures("two_months")
def test_a_service_weighs_its_channels_by_completed_transactions() -> None:
    rows = by_key(GroupBy.SERVICE)

    passport = rows[PASSPORT].index
    # A: 3/4 satisfied, 1/4 dissatisfied, weight 6; B: 1/2 satisfied, none dissatisfied, weight 2.
    assert passport.satisfied == approx((6 * 3 / 4 + 2 * 1 / 2) / 8)  # 0.6875, not the raw 4/6
    assert passport.dissatisfied == approx((6 * 1 / 4 + 2 * 0) / 8)  # 0.1875
    assert (passport.n, passport.completed) == (6, 8)
    assert passport.response_rate == approx(6 / 8)
    assert passport.weighting is Weighting.TRANSACTIONS
    assert passport.reliability is Reliability.TOO_FEW
    low, high = passport.interval
    assert 0 <= low < passport.satisfied < high <= 1
    # Ease is reported beside the index: three answers, 7 + 5 + 2, two of them 5 or more.
    assert rows[PASSPORT].ease.n == 3
    assert rows[PASSPORT].ease.mean == approx(14 / 3)
    assert rows[PASSPORT].ease.agree_share == approx(2 / 3)

    permit = rows[EVENT_PERMIT].index
    # Nothing completed anywhere in this service: its responses weigh one each.
    assert (permit.satisfied, permit.dissatisfied, permit.n, permit.completed) == (0.5, 0.5, 2, 0)
    assert permit.response_rate is None
    assert permit.weighting is Weighting.RESPONSES
    assert rows[EVENT_PERMIT].ease.mean is None
    assert list(rows) == [PASSPORT, EVENT_PERMIT]  # most responses first


@pytest.mark.usefixtures("two_months")
def test_by_channel_a_cell_without_completed_transactions_is_left_out_of_the_shares() -> None:
    rows = by_key(GroupBy.CHANNEL)

    web = rows[Channel.WEB].index
    # A (weight 6) and C (weight 0): only A counts in the shares; C's 2 responses are set aside.
    assert (web.satisfied, web.dissatisfied) == (approx(3 / 4), approx(1 / 4))
    assert (web.n, web.completed, web.unweighted_responses) == (6, 6, 2)
    assert web.response_rate == approx(1.0)
    mobile = rows[Channel.MOBILE].index
    assert (mobile.satisfied, mobile.dissatisfied, mobile.n, mobile.completed) == (0.5, 0.0, 2, 2)
    assert rows[Channel.WEB].label.en == "Web portal"


@pytest.mark.usefixtures("two_months")
def test_by_entity_and_for_one_entitys_staff() -> None:
    npra, civdef = Entity.objects.get(code="NPRA"), Entity.objects.get(code="CIVDEF")

    rows = by_key(GroupBy.ENTITY)
    assert rows["NPRA"].index.satisfied == approx(0.6875)
    assert rows["CIVDEF"].index.satisfied == approx(0.5)

    assert list(by_key(GroupBy.SERVICE, Scope(entity_ids=frozenset({civdef.pk})))) == [EVENT_PERMIT]
    only_mobile = by_key(GroupBy.SERVICE, Scope(entity_ids=frozenset({npra.pk}), channel=Channel.MOBILE))
    assert only_mobile[PASSPORT].index.n == 2


@pytest.mark.usefixtures("two_months")
def test_the_government_rolls_up_every_cell() -> None:
    everyone = overall(DECEMBER).index

    # A (6 × 3/4) and B (2 × 1/2) over 8 completed; C has no completions and is set aside.
    assert everyone.satisfied == approx(0.6875)
    assert (everyone.n, everyone.completed, everyone.unweighted_responses) == (8, 8, 2)


@pytest.mark.usefixtures("two_months")
def test_the_change_since_the_previous_period_is_between_the_displayed_figures() -> None:
    passport = by_key(GroupBy.SERVICE)[PASSPORT]

    # November: 1 of 4 satisfied (nothing completed: by responses); December: 0.6875 by transactions.
    assert passport.change is not None
    assert passport.change.difference == approx((0.6875 - 1 / 4) * 100)
    low, high = passport.change.interval
    assert low < passport.change.difference < high
    assert not passport.change.significant  # ten responses cannot show it
    assert by_key(GroupBy.SERVICE)[EVENT_PERMIT].change is None  # nothing to compare with


@pytest.mark.usefixtures("two_months")
def test_the_monthly_trend_rolls_up_each_month() -> None:
    points = monthly_trend(Scope(), months=3, today=date(2026, 12, 3))

    assert [point.month for point in points] == ["2026-10", "2026-11", "2026-12"]
    assert points[0].index.n == 0
    assert (points[1].index.satisfied, points[1].index.n) == (approx(1 / 4), 4)  # by responses: none completed
    assert (points[2].index.satisfied, points[2].index.n) == (approx(0.6875), 8)
    civdef = Entity.objects.get(code="CIVDEF")
    only_civdef = monthly_trend(Scope(entity_ids=frozenset({civdef.pk})), months=1, today=date(2026, 12, 3))
    assert (only_civdef[0].index.satisfied, only_civdef[0].index.n) == (0.5, 2)


def test_only_cells_with_a_hundred_responses_are_ranked_worst_first(clock: Clock) -> None:
    rate_many(60, face="happy")  # passport × web: 60 of 100 satisfied
    rate_many(40, face="unhappy")
    rate_many(90, face="happy", service_code=EVENT_PERMIT)  # event permit × web: 90 of 110
    rate_many(20, face="unhappy", service_code=EVENT_PERMIT)
    rate_many(99, face="unhappy", service_code=ID_CARD)  # the worst, but one response short of ranking

    ranked = worst_cells(DECEMBER)

    assert [(cell.service, cell.channel) for cell in ranked] == [(PASSPORT, "web"), (EVENT_PERMIT, "web")]
    assert [cell.counts.n for cell in ranked] == [100, 110]
    # Shrunk toward the web's pooled share, (60 + 90 + 0) / 309, never past the raw share.
    pooled = 150 / 309
    assert pooled < ranked[0].shrunk_satisfied <= 0.6
    assert pooled < ranked[1].shrunk_satisfied <= 90 / 110
    civdef = Entity.objects.get(code="CIVDEF")
    assert [cell.service for cell in worst_cells(DECEMBER, Scope(entity_ids=frozenset({civdef.pk})))] == [EVENT_PERMIT]
    assert worst_cells(DECEMBER, Scope(channel=Channel.MOBILE)) == []


def test_reading_costs_the_same_for_ten_ratings_as_for_three_hundred(clock: Clock) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for group_by in GroupBy:
                satisfaction_by(group_by, DECEMBER)
            overall(DECEMBER)
            monthly_trend(Scope(), months=2, today=date(2026, 12, 3))
        return len(captured)

    for code in (PASSPORT, EVENT_PERMIT):
        rate_many(5, face="happy", service_code=code)
    few = queries()
    for code in (PASSPORT, EVENT_PERMIT):
        rate_many(145, face="unhappy", service_code=code)

    assert queries() == few
    assert satisfaction_by(GroupBy.SERVICE, DECEMBER)[0].index.n == 150


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "previous"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), ("2026-10", date(2026, 10, 1), date(2026, 10, 31))),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), ("2024-01", date(2024, 1, 1), date(2024, 1, 31))),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31), ("2025-12", date(2025, 12, 1), date(2025, 12, 31))),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30))),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), ("2025", date(2025, 1, 1), date(2025, 12, 31))),
        # 90 days up to 3 December: from 5 September (25 + 31 + 30 + 3 + 1 = 90 days counted inclusively)
        (" 90d ", date(2026, 9, 5), date(2026, 12, 3), ("before-90d", date(2026, 6, 7), date(2026, 9, 4))),
        ("1d", date(2026, 12, 3), date(2026, 12, 3), ("before-1d", date(2026, 12, 2), date(2026, 12, 2))),
    ],
)
def test_a_period_and_the_one_before_it(text: str, start: date, end: date, previous: tuple[str, date, date]) -> None:
    period = parse_period(text, today=date(2026, 12, 3))

    assert (period.start, period.end) == (start, end)
    before = period.previous()
    assert (before.name, before.start, before.end) == previous
    if text.strip().endswith("d"):
        assert before.days == period.days


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-00", "2026-1", "2026-Q5", "2026-Q0", "26", "0d", "367d", "last month", "1899"]
)
def test_anything_else_is_not_a_period(text: str) -> None:
    with pytest.raises(InvalidFeedback) as refused:
        parse_period(text, today=date(2026, 12, 3))

    assert set(refused.value.errors) == {"period"}


def test_the_service_label_is_in_both_languages(clock: Clock) -> None:
    rate(face="happy")

    row = satisfaction_by(GroupBy.SERVICE, DECEMBER)[0]

    passport = service(PASSPORT)
    assert (row.key, row.label.ar, row.label.en) == (PASSPORT, passport.name_ar, passport.name_en)
