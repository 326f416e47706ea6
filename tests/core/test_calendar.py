"""Working days: Friday and Saturday are the weekend, Bahrain's public holidays are days off, and
deadlines end at the close of a working day in Bahrain's time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tahawul.core.calendar import add_working_days, deadline_after, is_working_day, working_days_between

BAHRAIN = ZoneInfo("Asia/Bahrain")
THURSDAY, FRIDAY, SATURDAY, SUNDAY = date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 6)
NATIONAL_DAY = (date(2026, 12, 16), date(2026, 12, 17))  # a Wednesday and a Thursday

days_in_range = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


def test_friday_and_saturday_are_the_weekend() -> None:
    week = [SUNDAY + timedelta(days=offset) for offset in range(7)]  # Sunday 6 .. Saturday 12 December
    assert [is_working_day(day) for day in week] == [True, True, True, True, True, False, False]
    assert not is_working_day(FRIDAY) and not is_working_day(SATURDAY)


def test_public_holidays_are_not_working_days() -> None:
    listed = holidays.country_holidays("BH", years=2026)
    for day in NATIONAL_DAY:
        assert day in listed
        assert not is_working_day(day)
    assert not is_working_day(date(2026, 1, 1))  # New Year's Day, a Thursday
    assert is_working_day(date(2026, 12, 15))


def test_the_weekend_and_the_country_are_settings(settings: Any) -> None:
    settings.TAHAWUL_WEEKEND = (5, 6)  # Saturday and Sunday
    assert is_working_day(FRIDAY) and not is_working_day(SUNDAY)
    settings.TAHAWUL_HOLIDAY_COUNTRY = "AE"
    assert is_working_day(NATIONAL_DAY[0])  # Bahrain's National Day is an ordinary Wednesday there
    assert not is_working_day(date(2026, 12, 2))  # the UAE's National Day


@pytest.mark.parametrize(
    "start,days,expected",
    [
        (THURSDAY, 0, THURSDAY),
        (THURSDAY, 1, SUNDAY),
        (SUNDAY, 4, date(2026, 12, 10)),
        (SUNDAY, 5, date(2026, 12, 13)),
        (FRIDAY, 0, SUNDAY),
        (SATURDAY, 0, SUNDAY),
        (date(2026, 12, 15), 1, date(2026, 12, 20)),  # over National Day and the weekend
        (date(2026, 12, 31), 1, date(2027, 1, 3)),  # over New Year's Day 2027 (a Friday) and the weekend
    ],
    ids=lambda value: value.isoformat() if isinstance(value, date) else str(value),
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize("start", [FRIDAY, SATURDAY, NATIONAL_DAY[0]], ids=["friday", "saturday", "holiday"])
def test_one_working_day_after_a_day_off_is_the_next_working_day(start: date) -> None:
    following = add_working_days(start, 0)
    assert add_working_days(start, 1) == following
    assert working_days_between(start, add_working_days(start, 1)) == 1


@hypothesis_settings(max_examples=300, deadline=None)
@given(start=days_in_range, days=st.integers(min_value=0, max_value=60))
def test_adding_working_days_lands_on_a_working_day_and_counts_them(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert is_working_day(end)
    assert end >= start
    if is_working_day(start):
        assert working_days_between(start, end) == days
        # Nothing shorter would do: the day before is fewer working days away.
        if days > 0:
            assert working_days_between(start, end - timedelta(days=1)) == days - 1


@hypothesis_settings(max_examples=200, deadline=None)
@given(start=days_in_range, days=st.integers(min_value=0, max_value=30))
def test_adding_is_monotonic(start: date, days: int) -> None:
    assert add_working_days(start, days) <= add_working_days(start, days + 1)
    assert add_working_days(start, days) <= add_working_days(start + timedelta(days=1), days)


def test_working_days_between() -> None:
    assert working_days_between(THURSDAY, SUNDAY) == 1
    assert working_days_between(THURSDAY, THURSDAY) == 0
    assert working_days_between(SUNDAY, THURSDAY) == 0
    assert working_days_between(date(2026, 12, 14), date(2026, 12, 20)) == 2  # Tue 15 and Sun 20


def test_a_deadline_is_the_end_of_the_working_day_in_bahrain() -> None:
    due = deadline_after(datetime(2026, 12, 3, 7, 0, tzinfo=UTC), 1)  # 10:00 on Thursday in Bahrain
    assert due == datetime(2026, 12, 6, 23, 59, 59, tzinfo=BAHRAIN)
    assert due.utcoffset() == timedelta(hours=3)


def test_a_deadline_counts_from_the_local_date_not_the_utc_date() -> None:
    # 22:30 UTC on Wednesday is already 01:30 on Thursday in Bahrain.
    due = deadline_after(datetime(2026, 12, 2, 22, 30, tzinfo=UTC), 1)
    assert due == datetime(2026, 12, 6, 23, 59, 59, tzinfo=BAHRAIN)
    # 20:30 UTC on Wednesday is 23:30 on Wednesday: due at the end of Thursday.
    assert deadline_after(datetime(2026, 12, 2, 20, 30, tzinfo=UTC), 1) == datetime(
        2026, 12, 3, 23, 59, 59, tzinfo=BAHRAIN
    )


def test_a_deadline_of_zero_days_is_the_end_of_today_if_working() -> None:
    assert deadline_after(datetime(2026, 12, 3, 7, 0, tzinfo=UTC), 0) == datetime(
        2026, 12, 3, 23, 59, 59, tzinfo=BAHRAIN
    )
