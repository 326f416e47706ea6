"""The simulator's clock: months, working days and local times, computed once for the whole
window so that a million applications do not each walk the calendar day by day."""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from tahawul.core.calendar import is_working_day

DAY_SECONDS = 86_400


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (before, when negative) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


class Clock:
    """Working days and local midnights from ``first`` to ``last`` inclusive (any dates beyond
    them are refused): the same answers as ``tahawul.core.calendar``, read from tables."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = first, last
        local = timezone.get_current_timezone()
        self.days = [first + timedelta(days=number) for number in range((last - first).days + 1)]
        self.working = [is_working_day(day) for day in self.days]
        self.working_days = [day for day, working in zip(self.days, self.working, strict=True) if working]
        counted, running = [], 0
        for working in self.working:
            running += working
            counted.append(running)
        self._counted = counted  # working days from ``first`` up to and including each day
        self.midnights = [datetime.combine(day, time(), tzinfo=local).astimezone(UTC) for day in self.days]

    def index(self, day: date) -> int:
        return (day - self.first).days

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (calendar.working_days_between)."""
        if end <= start:
            return 0
        return self._counted[self.index(end)] - self._counted[self.index(start)]

    def add(self, start: date, days: int) -> date:
        """The working day ``days`` working days after ``start`` (calendar.add_working_days)."""
        position = bisect.bisect_right(self.working_days, start)
        if days == 0:
            return start if self.working[self.index(start)] else self.working_days[position]
        return self.working_days[position + days - 1]

    def at(self, day: date, seconds: int) -> datetime:
        """The UTC moment ``seconds`` after local midnight of ``day`` (within that local day)."""
        return self.midnights[self.index(day)] + timedelta(seconds=seconds)

    def end_of(self, day: date) -> datetime:
        """23:59:59 local on ``day``: how deadlines are kept (calendar.deadline_after)."""
        return self.at(day, DAY_SECONDS - 1)
