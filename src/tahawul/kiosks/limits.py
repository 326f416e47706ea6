"""Hourly allowances (codes for one national ID number, codes from one kiosk), counted in the
database so that every app process sees the same count.

An allowance is a ``HourlyCount`` row per key and UTC clock hour. Taking a unit is a conditional
``UPDATE … SET count = count + 1 WHERE count < limit``: the database applies it to the row one
transaction at a time, so two requests at the same moment cannot both take the last unit, as they
could when each first read a total and then wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import F

from tahawul.core.errors import DomainError
from tahawul.kiosks.errors import TooManyCodes
from tahawul.kiosks.models import HourlyCount


def clock_hour(moment: datetime) -> datetime:
    """The start of the UTC clock hour ``moment`` falls in: the window an allowance is counted in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def take_hourly_allowance(*, key: str, limit: int, now: datetime, refusal: type[DomainError] = TooManyCodes) -> None:
    """Take one unit of ``key``'s allowance of ``limit`` in the clock hour of ``now``, or raise
    ``refusal`` when the hour's allowance is used up.

    Call it inside the transaction of the work it allows: if that work fails or is refused later
    (another allowance used up), the unit is given back with the rollback. On PostgreSQL the row
    stays locked until that transaction ends, so keep the transaction short.
    """
    hour = clock_hour(now)
    counts = HourlyCount.objects.filter(key=key, hour=hour, count__lt=limit)
    if counts.update(count=F("count") + 1):
        return  # the usual case: the hour's row exists and has room, one statement
    # No row yet for this hour, or no room. Make sure the row exists without failing when another
    # request makes it at the same moment (ON CONFLICT DO NOTHING / INSERT OR IGNORE: no error, so
    # no savepoint in the caller's transaction), then try again: only the UPDATE decides.
    HourlyCount.objects.bulk_create([HourlyCount(key=key, hour=hour, count=0)], ignore_conflicts=True)
    if not counts.update(count=F("count") + 1):
        raise refusal()


def purge_hourly_counts(*, before: datetime) -> int:
    """Delete the counts of clock hours that started before ``before``; returns how many."""
    deleted, _ = HourlyCount.objects.filter(hour__lt=before).delete()
    return deleted
