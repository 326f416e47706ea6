"""Reporting periods: a month, a quarter, a year, or the last N days, and the one before it."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import bilingual
from tahawul.feedback.errors import InvalidFeedback

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_DAYS = re.compile(r"^(\d{1,3})d$")
FIRST_YEAR = 1900
LAST_YEAR = 9999


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive, as written (``2026-11``, ``2026-Q3``, ``2026``, ``90d``)."""

    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before this one (the previous month, quarter, year,
        or the N days before), for period-over-period change."""
        end = self.start - timedelta(days=1)
        if _MONTH.match(self.name):
            return Period(f"{end:%Y-%m}", end.replace(day=1), end)
        if _QUARTER.match(self.name):
            quarter = (end.month - 1) // 3 + 1
            return Period(f"{end.year}-Q{quarter}", date(end.year, 3 * quarter - 2, 1), end)
        if _YEAR.match(self.name):
            return Period(str(end.year), date(end.year, 1, 1), end)
        return Period(name=f"before-{self.name}", start=end - timedelta(days=self.days - 1), end=end)


def _year(digits: str) -> int:
    # The period before the first one must still be a date; nothing was rated before 1900.
    year = int(digits)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year out of range: {year}")
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str, *, today: date | None = None) -> Period:
    """The period ``text`` names (``2026-11``, ``2026-Q3``, ``2026``, or ``90d``: the last 90
    days up to ``today``). Raises InvalidFeedback for anything else, a year before
    FIRST_YEAR or after LAST_YEAR included."""
    text = text.strip()
    today = today or timezone.localdate()
    try:
        if match := _MONTH.match(text):
            year, month = _year(match[1]), int(match[2])
            return Period(text, date(year, month, 1), _month_end(year, month))
        if match := _QUARTER.match(text):
            year, quarter = _year(match[1]), int(match[2])
            return Period(text.upper(), date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
        if match := _YEAR.match(text):
            year = _year(match[1])
            return Period(text, date(year, 1, 1), date(year, 12, 31))
        if (match := _DAYS.match(text)) and 1 <= int(match[1]) <= 366:
            return Period(text, today - timedelta(days=int(match[1]) - 1), today)
    except ValueError:
        pass
    raise InvalidFeedback(
        {
            "period": bilingual(
                _("Give the period as a month (2026-11), a quarter (2026-Q3), a year (2026) or days (90d).")
            )
        }
    )
