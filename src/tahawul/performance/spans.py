"""Runs of whole months, the unit every KPI is read over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from tahawul.feedback.periods import Period

ROLLING_MONTHS = 12  # the window cost per transaction is read over


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before, when negative) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(month: date) -> date:
    """The first day of the quarter ``month`` falls in."""
    return date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class MonthSpan:
    """The months ``first`` to ``last`` inclusive, each given by its first day."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError(f"a month span runs between first days of months, got {self.first}..{self.last}")
        if self.first > self.last:
            raise ValueError(f"a month span cannot end before it starts: {self.first}..{self.last}")

    @classmethod
    def ending(cls, month: date, months: int = ROLLING_MONTHS) -> MonthSpan:
        """The ``months`` months up to and including ``month``'s (any day of it will do)."""
        if months < 1:
            raise ValueError(f"a month span has at least one month, got {months}")
        last = month.replace(day=1)
        return cls(add_months(last, -(months - 1)), last)

    @classmethod
    def of_period(cls, period: Period) -> MonthSpan:
        """The months a feedback reporting period touches (a month, a quarter, a year, N days)."""
        return cls(period.start.replace(day=1), period.end.replace(day=1))

    def months(self) -> list[date]:
        return list(self)

    def __iter__(self) -> Iterator[date]:
        month = self.first
        while month <= self.last:
            yield month
            month = add_months(month, 1)

    def __len__(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def __contains__(self, month: object) -> bool:
        return isinstance(month, date) and self.first <= month <= self.last

    @property
    def last_day(self) -> date:
        """The last calendar day of the span."""
        return date.fromordinal(add_months(self.last, 1).toordinal() - 1)

    def rolling_window(self, months: int = ROLLING_MONTHS) -> MonthSpan:
        """The ``months`` months ending with this span's last month."""
        return MonthSpan.ending(self.last, months)

    def with_lookback(self, months: int = ROLLING_MONTHS) -> MonthSpan:
        """This span widened backwards so that each of its months has ``months`` months of
        history: what a per-month rolling figure must read."""
        return MonthSpan(add_months(self.first, -(months - 1)), self.last)
