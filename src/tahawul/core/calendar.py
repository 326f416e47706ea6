"""Working days: Friday and Saturday are the weekend (configurable), public holidays come from
the `holidays` package. SLAs and expected completion dates count these days only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_working_day(day: date) -> bool:
    if day.weekday() in settings.TAHAWUL_WEEKEND:
        return False
    return day not in _holidays(settings.TAHAWUL_HOLIDAY_COUNTRY, day.year)


def add_working_days(start: date, days: int) -> date:
    """The working day ``days`` working days after ``start`` (``start`` itself when 0 and working)."""
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def deadline_after(moment: datetime, days: int) -> datetime:
    """The end (local time) of the working day ``days`` working days after ``moment``."""
    local = timezone.localtime(moment)
    last_day = add_working_days(local.date(), days)
    return timezone.make_aware(datetime.combine(last_day, time(23, 59, 59)), timezone.get_current_timezone())


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
