"""The four service KPIs and the measures beside them, against small histories whose every
figure is worked out by hand in the comment next to it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tahawul.catalog.models import Entity
from tahawul.performance.selectors import MonthSpan, kpis, kpis_by
from tests.performance.conftest import (
    EVENT_PERMIT,
    ID_CARD,
    PASSPORT,
    completed_on,
    cost,
    month_counts,
    offline,
    processing,
    ratings,
    service,
)

pytestmark = pytest.mark.django_db
approx = pytest.approx

MARCH = date(2021, 3, 1)
Q1 = date(2021, 1, 1)
IN_MARCH = MonthSpan(MARCH, MARCH)


@pytest.fixture
def march() -> None:
    """March 2021 at NPRA.

    Passport: web 60 completed (45 within SLA), counter 20 completed in Tahawul by staff
    (15 within SLA), 20 more at the counter on paper and 5 by post; web drafts 10 started and 7
    submitted, counter 5 and 5; 3 complaints on the web. Web took {1: 3, 2: 4, 5: 2, 9: 1}
    working days (10 applications), counter {3: 1}.
    ID card: web 40 completed, 10 more on paper at the counter.
    Q1 costs: web 300 BHD, counter 600 BHD (staff 450 + running 150).
    """
    month_counts(PASSPORT, "web", MARCH, started=10, submitted=7, completed=60, within_sla=45, complaints=3)
    month_counts(PASSPORT, "counter", MARCH, started=5, submitted=5, completed=20, within_sla=15)
    offline(PASSPORT, "counter", MARCH, 20)
    offline(PASSPORT, "post", MARCH, 5)
    processing(PASSPORT, "web", MARCH, {1: 3, 2: 4, 5: 2, 9: 1})
    processing(PASSPORT, "counter", MARCH, {3: 1})
    month_counts(ID_CARD, "web", MARCH, completed=40, within_sla=40)
    offline(ID_CARD, "counter", MARCH, 10)
    cost("NPRA", "web", Q1, 300_000)
    cost("NPRA", "counter", Q1, 450_000, 150_000)


def passport_kpis(**filters: object) -> object:
    return kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk], **filters)  # type: ignore[arg-type]


@pytest.mark.usefixtures("march")
def test_assisted_digital_counts_as_digital_and_offline_work_is_in_the_denominator() -> None:
    figures = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])

    assert (figures.completed, figures.digital, figures.offline) == (80, 80, 25)
    assert figures.digital_take_up == approx(80 / 105)  # the 20 counter applications in Tahawul count as digital


@pytest.mark.usefixtures("march")
def test_per_channel_the_counter_shows_its_work_in_tahawul_beside_its_work_on_paper() -> None:
    rows = {row.key: row for row in kpis_by(group_by="channel", span=IN_MARCH, service_ids=[service(PASSPORT).pk])}

    assert set(rows) == {"web", "counter", "post"}
    assert (rows["web"].kpis.completed, rows["web"].kpis.offline, rows["web"].kpis.digital_take_up) == (60, 0, 1.0)
    counter = rows["counter"].kpis
    assert (counter.completed, counter.offline, counter.digital_take_up) == (20, 20, 0.5)
    assert (rows["post"].kpis.completed, rows["post"].kpis.offline, rows["post"].kpis.digital_take_up) == (0, 5, 0.0)
    assert rows["counter"].label.en == "Service counter"


@pytest.mark.usefixtures("march")
def test_completion_rate_is_submitted_over_started_drafts() -> None:
    figures = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])

    assert (figures.started, figures.submitted) == (15, 12)
    assert figures.completion_rate == approx(12 / 15)


@pytest.mark.usefixtures("march")
def test_median_and_90th_percentile_are_exact_order_statistics_of_the_histogram() -> None:
    web = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk], channels=["web"])
    both = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])

    # web: 1 1 1 2 2 | 2 2 5 5 9 -> median (2 + 2) / 2; the 9th of 10 values is 5.
    assert (web.median_days, web.p90_days) == (2.0, 5)
    # with the counter's 3: 1 1 1 2 2 [2] 2 3 5 5 9 -> the 6th of 11; the 10th (ceil 9.9) is 5.
    assert (both.median_days, both.p90_days) == (2.0, 5)


@pytest.mark.usefixtures("march")
def test_sla_compliance_and_complaints_per_thousand_transactions() -> None:
    figures = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])

    assert figures.sla_compliance == approx(60 / 80)
    assert figures.complaints == 3
    assert figures.complaints_per_1000 == approx(3 * 1000 / 105)  # offline transactions count too


@pytest.mark.usefixtures("march")
def test_cost_is_apportioned_by_each_services_channel_mix() -> None:
    npra = Entity.objects.get(code="NPRA").pk
    # NPRA web: 300 BHD / (60 + 40) = 3 BHD; counter: 600 BHD / (20 + 20 + 10) = 12 BHD.
    passport = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])
    id_card = kpis(span=IN_MARCH, service_ids=[service(ID_CARD).pk])
    entity = kpis(span=IN_MARCH, entity_ids=[npra])

    # passport: (3 BHD x 60 + 12 BHD x 40) / 100; the 5 by post have no cost entered.
    assert passport.cost_per_transaction_fils == 6_600
    assert passport.cost_coverage == approx(100 / 105)
    assert id_card.cost_per_transaction_fils == 4_800  # (3 x 40 + 12 x 10) / 50
    # The services' shares add up to the entity's whole cost: 6.6 x 100 + 4.8 x 50 = 900 BHD.
    assert entity.cost_per_transaction_fils == 6_000  # 900 BHD / 150 costed transactions
    web_only = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk], channels=["web"])
    assert web_only.cost_per_transaction_fils == 3_000


@pytest.mark.usefixtures("march")
def test_satisfaction_is_the_feedback_index_weighted_by_completed_transactions() -> None:
    ratings(PASSPORT, "web", date(2021, 3, 4), satisfied=30, neutral=5, dissatisfied=5)
    ratings(PASSPORT, "counter", date(2021, 3, 4), satisfied=5, dissatisfied=5)
    completed_on(PASSPORT, "web", date(2021, 3, 4), 60)
    completed_on(PASSPORT, "counter", date(2021, 3, 4), 20)

    both = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])
    web = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk], channels=["web"])
    id_card = kpis(span=IN_MARCH, service_ids=[service(ID_CARD).pk])

    assert both.satisfaction is not None and web.satisfaction is not None
    assert both.satisfaction.satisfied == approx((60 * 30 / 40 + 20 * 5 / 10) / 80)  # 0.6875
    assert both.satisfaction.n == 50
    assert web.satisfaction.satisfied == approx(0.75)
    assert id_card.satisfaction is None  # nobody rated it


def test_every_ratio_is_none_when_nothing_happened() -> None:
    figures = kpis(span=MonthSpan(date(2019, 1, 1), date(2019, 12, 1)), service_ids=[service(PASSPORT).pk])

    assert (figures.completed, figures.offline, figures.started, figures.complaints) == (0, 0, 0, 0)
    assert figures.digital_take_up is None
    assert figures.completion_rate is None
    assert figures.satisfaction is None
    assert figures.cost_per_transaction_fils is None
    assert (figures.median_days, figures.p90_days) == (None, None)
    assert figures.sla_compliance is None
    assert figures.complaints_per_1000 is None


def test_a_resumed_draft_counts_once_so_the_month_completes_fully() -> None:
    # The counter keeps one started per draft, however often it is resumed (tested with the
    # application actions); one draft begun and submitted is a completion rate of 1, not 1/2.
    month_counts(PASSPORT, "web", MARCH, started=1, submitted=1)

    figures = kpis(span=IN_MARCH, service_ids=[service(PASSPORT).pk])

    assert (figures.started, figures.submitted, figures.completion_rate) == (1, 1, 1.0)


@pytest.fixture
def costs_over_two_years() -> None:
    """NPRA web: 600 BHD in 2020-Q2, 300 BHD in 2021-Q1; 100 web transactions in May 2020 and
    100 in March 2021; nothing else."""
    cost("NPRA", "web", date(2020, 4, 1), 600_000)
    cost("NPRA", "web", Q1, 300_000)
    month_counts(PASSPORT, "web", date(2020, 5, 1), completed=100)
    month_counts(PASSPORT, "web", MARCH, completed=100)


@pytest.mark.usefixtures("costs_over_two_years")
@pytest.mark.parametrize(
    ("last_month", "expected"),
    [
        # 2020-04..2021-03: both quarters whole, (600 + 300) / 200.
        (MARCH, 4_500),
        # 2020-06..2021-05: a third of 2020-Q2 (June, no transactions) and 2021-Q1 whole; April and
        # May 2021 have no cost yet, so neither do their transactions: (200 + 300) / 100.
        (date(2021, 5, 1), 5_000),
        # 2021-03..2022-02: only March 2021 has a cost, a third of Q1: 100 / 100.
        (date(2022, 2, 1), 1_000),
        # 2021-04..2022-03: no month with a cost.
        (date(2022, 3, 1), None),
    ],
)
def test_cost_per_transaction_reads_the_twelve_months_ending_with_the_span(
    last_month: date, expected: int | None
) -> None:
    figures = kpis(span=MonthSpan(last_month, last_month), service_ids=[service(PASSPORT).pk])

    assert figures.cost_per_transaction_fils == expected


@pytest.mark.usefixtures("costs_over_two_years")
def test_each_month_of_a_trend_has_its_own_rolling_cost() -> None:
    rows = kpis_by(group_by="month", span=MonthSpan(date(2021, 1, 1), MARCH), service_ids=[service(PASSPORT).pk])

    assert [row.key for row in rows] == ["2021-01", "2021-02", "2021-03"]
    # January: 2020-02..2021-01 holds 2020-Q2 whole and January 2021: (600 + 100) / 100 (May 2020).
    # February: (600 + 200) / 100. March: (600 + 300) / 200.
    assert [row.kpis.cost_per_transaction_fils for row in rows] == [7_000, 8_000, 4_500]
    assert [row.kpis.completed for row in rows] == [0, 0, 100]
    assert rows[2].label.en == "March 2021"


@pytest.mark.usefixtures("march")
def test_kpis_by_service_and_entity_label_each_row() -> None:
    month_counts(EVENT_PERMIT, "web", MARCH, completed=7)

    services = kpis_by(group_by="service", span=IN_MARCH)
    entities = kpis_by(group_by="entity", span=IN_MARCH)

    assert [row.key for row in services] == [PASSPORT, ID_CARD, EVENT_PERMIT]  # busiest first
    assert services[0].label.en == service(PASSPORT).name_en
    assert [(row.key, row.kpis.completed, row.kpis.offline) for row in entities] == [
        ("NPRA", 120, 35),
        ("CIVDEF", 7, 0),
    ]


@pytest.mark.usefixtures("march")
def test_an_entity_filter_leaves_other_entities_out() -> None:
    month_counts(EVENT_PERMIT, "web", MARCH, completed=7)

    figures = kpis(span=IN_MARCH, entity_ids=[Entity.objects.get(code="CIVDEF").pk])

    assert (figures.completed, figures.offline) == (7, 0)


@pytest.mark.usefixtures("march")
def test_a_fixed_number_of_queries_whatever_the_history() -> None:
    with CaptureQueriesContext(connection) as small:
        kpis(span=IN_MARCH)
    for month in range(1, 13):
        month_counts(EVENT_PERMIT, "web", date(2020, month, 1), completed=month)
        processing(EVENT_PERMIT, "web", date(2020, month, 1), {month: 1})
    with CaptureQueriesContext(connection) as large:
        kpis(span=MonthSpan(date(2020, 1, 1), MARCH))
    with CaptureQueriesContext(connection) as grouped:
        kpis_by(group_by="service", span=MonthSpan(date(2020, 1, 1), MARCH))

    assert len(small) == len(large) == 6
    assert len(grouped) == 7  # and the services' names


@pytest.mark.usefixtures("march")
def test_a_monthly_trend_carries_each_months_satisfaction() -> None:
    ratings(PASSPORT, "web", date(2021, 2, 10), satisfied=1, dissatisfied=3)
    ratings(PASSPORT, "web", date(2021, 3, 4), satisfied=30, neutral=5, dissatisfied=5)
    completed_on(PASSPORT, "web", date(2021, 3, 4), 60)
    span = MonthSpan(date(2021, 1, 1), MARCH)
    one = [service(PASSPORT).pk]
    both = [service(PASSPORT).pk, service(ID_CARD).pk]

    with CaptureQueriesContext(connection) as queries:
        rows = kpis_by(group_by="month", span=span, service_ids=one)
    several = kpis_by(group_by="month", span=span, service_ids=both)

    assert len(queries) == 6  # the feedback app's monthly trend reads all three months at once
    for trend in (rows, several):
        assert trend[0].kpis.satisfaction is None
        assert trend[1].kpis.satisfaction is not None and trend[1].kpis.satisfaction.satisfied == approx(1 / 4)
        assert trend[2].kpis.satisfaction is not None and trend[2].kpis.satisfaction.satisfied == approx(30 / 40)
    assert [row.kpis.completed for row in several] == [0, 0, 80 + 40]
