"""Month spans: the unit every KPI is read over."""

from __future__ import annotations

from datetime import date

import pytest

from tahawul.feedback.periods import parse_period
from tahawul.performance.spans import MonthSpan


def test_twelve_months_ending_with_a_month_cross_the_year() -> None:
    span = MonthSpan.ending(date(2026, 3, 17))

    assert (span.first, span.last) == (date(2025, 4, 1), date(2026, 3, 1))
    assert len(span) == len(span.months()) == 12
    assert span.last_day == date(2026, 3, 31)


def test_a_feedback_period_becomes_the_months_it_touches() -> None:
    assert MonthSpan.of_period(parse_period("2026-Q3")) == MonthSpan(date(2026, 7, 1), date(2026, 9, 1))
    assert MonthSpan.of_period(parse_period("90d", today=date(2026, 3, 10))) == MonthSpan(
        date(2025, 12, 1), date(2026, 3, 1)
    )


def test_a_span_runs_between_first_days_forwards() -> None:
    with pytest.raises(ValueError, match="first days"):
        MonthSpan(date(2026, 1, 2), date(2026, 2, 1))
    with pytest.raises(ValueError, match="before it starts"):
        MonthSpan(date(2026, 2, 1), date(2026, 1, 1))
