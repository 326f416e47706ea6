"""Uptime, as the status page states it (docs/status.md).

A day's uptime is the share of that day's checks that found the component working, a degraded
check counting half: it was reachable, but not as people should get it. A day without checks has
no uptime at all ("no data"), never 100 %. A day's coverage is the share of the runs expected
(one a minute) that ran, a run that found nothing to check included: a day when the checks
stopped for hours is only partly covered (``is_partial``), since nobody knows how the component
did while nothing looked. A period's uptime pools its days' checks, so a day with few checks
weighs little; days without data are left out and said to be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

DEGRADED_WEIGHT = 0.5
GOOD_FROM = 0.995  # about seven minutes down in a day of checks every minute
FAIR_FROM = 0.95
CHECKS_A_DAY = 24 * 60  # one a minute; Bahrain keeps no summer time, so every local day has 1,440 minutes
COVERED_FROM = 0.95  # below this share of the expected runs a day is only partly covered


@dataclass(frozen=True)
class DayUptime:
    day: date
    up: int = 0
    degraded: int = 0
    down: int = 0
    nothing_to_check: int = 0  # runs that found nothing to check: covered, but no uptime
    expected: int = CHECKS_A_DAY  # the runs the day should have had (today: the minutes so far)

    @property
    def checks(self) -> int:
        return self.up + self.degraded + self.down

    @property
    def uptime(self) -> float | None:
        return uptime_of(self.up, self.degraded, self.down)

    @property
    def coverage(self) -> float:
        """The share of the expected runs that ran (at most 1)."""
        return min(1.0, (self.checks + self.nothing_to_check) / self.expected) if self.expected > 0 else 1.0

    @property
    def is_partial(self) -> bool:
        """Whether fewer than COVERED_FROM of the expected runs ran: the figures are of part of the
        day only. (The page's bars do not show it yet: grade keeps to its four values.)"""
        return self.coverage < COVERED_FROM

    @property
    def grade(self) -> str:
        """no_data, good, fair or poor: the bar's look and its words."""
        share = self.uptime
        if share is None:
            return "no_data"
        if share >= GOOD_FROM:
            return "good"
        return "fair" if share >= FAIR_FROM else "poor"


def uptime_of(up: int, degraded: int, down: int) -> float | None:
    checks = up + degraded + down
    return (up + DEGRADED_WEIGHT * degraded) / checks if checks else None


@dataclass(frozen=True)
class PeriodUptime:
    uptime: float | None
    days_with_data: int
    days: int


def over_period(days: Iterable[DayUptime]) -> PeriodUptime:
    listed = list(days)
    return PeriodUptime(
        uptime=uptime_of(
            sum(day.up for day in listed), sum(day.degraded for day in listed), sum(day.down for day in listed)
        ),
        days_with_data=sum(1 for day in listed if day.checks),
        days=len(listed),
    )
