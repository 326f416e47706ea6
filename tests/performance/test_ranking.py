"""What to re-engineer next: counter volume × dissatisfaction × processing time.

Passport and ID card are rated alike (20 of 100 dissatisfied), so the shrinkage prior sits on
exactly 20 % with the most weight a prior may carry, and every service counts at 20 %."""

from __future__ import annotations

from datetime import date

import pytest

from tahawul.catalog.models import Entity
from tahawul.performance.selectors import MonthSpan, reengineering_ranking
from tests.performance.conftest import (
    EVENT_PERMIT,
    ID_CARD,
    PASSPORT,
    month_counts,
    offline,
    processing,
    ratings,
)

pytestmark = pytest.mark.django_db
approx = pytest.approx
MARCH = date(2021, 3, 1)
IN_MARCH = MonthSpan(MARCH, MARCH)


@pytest.fixture(autouse=True)
def history() -> None:
    # Passport: 20 at the counter in Tahawul, 60 on the web, 20 on paper and 5 by post: counter
    # volume 45 of 105; median 2 working days (web 1 1 1 2 2 | 2 2 5 5 9).
    month_counts(PASSPORT, "counter", MARCH, completed=20)
    month_counts(PASSPORT, "web", MARCH, completed=60)
    offline(PASSPORT, "counter", MARCH, 20)
    offline(PASSPORT, "post", MARCH, 5)
    processing(PASSPORT, "web", MARCH, {1: 3, 2: 4, 5: 2, 9: 1})
    ratings(PASSPORT, "web", date(2021, 3, 2), satisfied=70, neutral=10, dissatisfied=20)
    # ID card: 10 on paper at the counter, nothing completed in Tahawul.
    offline(ID_CARD, "counter", MARCH, 10)
    ratings(ID_CARD, "web", date(2021, 3, 2), satisfied=80, dissatisfied=20)
    # Event permit (CIVDEF): 100 at the counter in Tahawul, each in a day, never rated.
    month_counts(EVENT_PERMIT, "call_centre", MARCH, completed=100)
    processing(EVENT_PERMIT, "call_centre", MARCH, {1: 5})


def test_services_rank_by_counter_volume_times_dissatisfaction_times_days() -> None:
    ranked = reengineering_ranking(span=IN_MARCH)

    assert [row.code for row in ranked] == [EVENT_PERMIT, PASSPORT, ID_CARD]
    event, passport, id_card = ranked
    assert event.score == approx(100 * 0.2 * 1)
    assert (passport.counter_volume, passport.dissatisfied, passport.median_days) == (45, 0.2, 2.0)
    assert passport.score == approx(45 * 0.2 * 2)
    # Never completed in Tahawul: counted at the government's median, the 8th of 15 values (1).
    assert id_card.median_days is None
    assert id_card.score == approx(10 * 0.2 * 1)
    assert event.dissatisfied is None
    assert event.shrunk_dissatisfied == approx(0.2)  # not rated: the government's usual share


def test_each_row_says_why_in_both_languages() -> None:
    passport = next(row for row in reengineering_ranking(span=IN_MARCH) if row.code == PASSPORT)

    assert len(passport.reasons) == 3
    assert "45 transactions at a counter" in passport.reasons[0].en
    assert "43 %" in passport.reasons[0].en  # 45 of 105
    assert "100 responses" in passport.reasons[1].en
    assert "2 working days" in passport.reasons[2].en
    assert all(reason.ar for reason in passport.reasons)
    id_card = next(row for row in reengineering_ranking(span=IN_MARCH) if row.code == ID_CARD)
    assert "government's median" in id_card.reasons[2].en


def test_an_entity_sees_only_its_services_shrunk_toward_the_whole_government() -> None:
    ranked = reengineering_ranking(span=IN_MARCH, entity_ids=[Entity.objects.get(code="NPRA").pk], limit=1)

    assert [row.code for row in ranked] == [PASSPORT]


def test_services_without_counter_work_are_not_ranked() -> None:
    month_counts(PASSPORT, "web", date(2021, 4, 1), completed=50)

    assert reengineering_ranking(span=MonthSpan(date(2021, 4, 1), date(2021, 4, 1))) == []


def test_the_ranking_reads_a_fixed_number_of_queries() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for month in range(1, 13):
        offline(PASSPORT, "counter", date(2020, month, 1), month)
    with CaptureQueriesContext(connection) as queries:
        reengineering_ranking(span=MonthSpan(date(2020, 1, 1), MARCH))

    assert len(queries) == 6
