"""Uptime as the status page states it, on days computed by hand: a degraded check counts half, a
day without checks has no figure (not 100 %), a period pools its checks and says how many days had
data; and the daily roll-up moves with each recorded result, on the local (Bahrain) day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tahawul.status.models import ComponentHealth, State, UptimeDay
from tahawul.status.outcomes import Outcome
from tahawul.status.recording import record_result
from tahawul.status.selectors import UNKNOWN, status_overview
from tahawul.status.uptime import DayUptime, over_period
from tests.feedback.conftest import BAHRAIN
from tests.status.conftest import Clock

DAY = date(2026, 12, 1)


def test_a_day_of_checks_every_minute() -> None:
    perfect = DayUptime(day=DAY, up=1440)
    ten_minutes_down = DayUptime(day=DAY, up=1430, down=10)
    slow_afternoon = DayUptime(day=DAY, up=1000, degraded=400, down=40)

    assert perfect.uptime == 1.0 and perfect.grade == "good"
    assert ten_minutes_down.uptime == pytest.approx(1430 / 1440)  # 99.31 %
    assert ten_minutes_down.grade == "fair"
    assert slow_afternoon.uptime == pytest.approx((1000 + 200) / 1440)  # 83.33 %: degraded counts half
    assert slow_afternoon.grade == "poor"
    assert DayUptime(day=DAY, up=1433, down=7).grade == "good"  # 99.51 %


def test_a_day_without_checks_has_no_uptime() -> None:
    empty = DayUptime(day=DAY)

    assert empty.checks == 0
    assert empty.uptime is None
    assert empty.grade == "no_data"


def test_a_period_pools_its_checks_and_leaves_out_the_days_without_data() -> None:
    days = [
        DayUptime(day=DAY, up=1440),
        DayUptime(day=DAY + timedelta(days=1)),  # the worker was stopped
        DayUptime(day=DAY + timedelta(days=2), up=700, degraded=20, down=0),  # half a day of checks
    ]

    period = over_period(days)

    assert period.uptime == pytest.approx((1440 + 700 + 10) / (1440 + 720))
    assert (period.days_with_data, period.days) == (2, 3)
    assert over_period([DayUptime(day=DAY)]).uptime is None


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BAHRAIN)


@pytest.mark.django_db
def test_each_result_moves_its_local_days_roll_up_and_the_current_state(clock: Clock) -> None:
    up, slow, down = Outcome(State.UP, 40), Outcome(State.DEGRADED, 2500), Outcome(State.DOWN)
    for moment, outcome in [
        (at(DAY, 0, 5), up),
        (at(DAY, 12), up),
        (at(DAY, 13), slow),
        (at(DAY, 23, 59), down),
        (at(DAY + timedelta(days=1), 0, 1), up),  # 21:01 UTC on the 1st, but the 2nd in Bahrain
    ]:
        record_result(component="api", outcome=outcome, at=moment)

    rows = {row.day: (row.up, row.degraded, row.down) for row in UptimeDay.objects.filter(component="api")}
    assert rows == {DAY: (2, 1, 1), DAY + timedelta(days=1): (1, 0, 0)}
    health = ComponentHealth.objects.get(component="api")
    assert (health.state, health.latency_ms, health.failing_streak) == (State.UP, 40, 0)


@pytest.mark.django_db
def test_the_overview_reads_ninety_days_and_marks_the_missing_ones(clock: Clock) -> None:
    today = date(2026, 12, 3)
    record_result(component="sms", outcome=Outcome(State.UP), at=at(today - timedelta(days=89), 9))
    record_result(component="sms", outcome=Outcome(State.DEGRADED), at=at(today - timedelta(days=89), 10))
    record_result(component="sms", outcome=Outcome(State.UP), at=at(today - timedelta(days=90), 9))  # too old
    record_result(component="sms", outcome=Outcome(State.UP), at=clock.advance(minutes=-2))

    sms = next(item for item in status_overview().components if item.component == "sms")
    email = next(item for item in status_overview().components if item.component == "email")

    assert len(sms.days) == 90 and sms.days[0].day == today - timedelta(days=89) and sms.days[-1].day == today
    assert (sms.days[0].up, sms.days[0].degraded) == (1, 1)
    assert [day.grade for day in sms.days[1:-1]] == ["no_data"] * 88
    assert sms.period.uptime == pytest.approx(2.5 / 3) and sms.period.days_with_data == 2
    assert sms.state == State.UP
    assert email.state == UNKNOWN and email.period.uptime is None


@pytest.mark.django_db
def test_a_state_not_checked_lately_is_not_shown_as_current(clock: Clock) -> None:
    record_result(component="portal", outcome=Outcome(State.UP), at=clock.now)
    fresh = status_overview().components[0]
    clock.advance(minutes=6)  # the worker has stopped: no check for six minutes
    stale = status_overview().components[0]

    assert (fresh.component, fresh.state) == ("portal", State.UP)
    assert stale.state == UNKNOWN
