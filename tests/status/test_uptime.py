"""Uptime as the status page states it, on days computed by hand: a degraded check counts half, a
day without checks has no figure (not 100 %), a period pools its checks and says how many days had
data; and the daily roll-up moves with each recorded result, on the local (Bahrain) day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tahawul.identity.selectors import NotFound
from tahawul.status import incidents
from tahawul.status.models import ComponentHealth, State, UptimeDay
from tahawul.status.outcomes import Outcome
from tahawul.status.recording import record_result, run_checks
from tahawul.status.selectors import UNKNOWN, component_status, status_overview
from tahawul.status.uptime import DayUptime, over_period
from tests.applications.conftest import Staff
from tests.feedback.conftest import BAHRAIN
from tests.status.conftest import Clock, both

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


def test_a_run_with_nothing_to_check_counts_as_covered_but_not_as_uptime() -> None:
    idle = DayUptime(day=DAY, nothing_to_check=1440)  # no kiosk in service all day
    half_idle = DayUptime(day=DAY, up=720, nothing_to_check=720)
    worker_stopped = DayUptime(day=DAY, up=600)  # ten hours of checks, all up

    assert idle.uptime is None and idle.grade == "no_data" and idle.coverage == 1.0 and not idle.is_partial
    assert half_idle.uptime == 1.0 and half_idle.coverage == 1.0 and not half_idle.is_partial
    assert worker_stopped.coverage == pytest.approx(600 / 1440) and worker_stopped.is_partial
    assert over_period([idle, half_idle]).days_with_data == 1  # the idle day has no uptime to pool


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


@pytest.mark.django_db
def test_runs_with_nothing_to_check_cover_today_so_far(clock: Clock, settings: Any) -> None:
    settings.TAHAWUL_PAYMENT_PROVIDER = ""
    for _ in range(3):
        assert run_checks(components=["payments"]) == {"payments": "nothing to check"}
        clock.advance(minutes=1)

    payments = component_status("payments")
    today = payments.days[-1]
    assert (today.checks, today.nothing_to_check, today.uptime) == (0, 3, None)
    assert today.expected == 10 * 60 + 3  # it is 10:03 in Bahrain: today has had 603 minutes
    assert today.coverage == pytest.approx(3 / 603)
    assert payments.days[-2].expected == 1440 and payments.period.uptime is None


@pytest.mark.django_db
def test_one_components_status_and_none_for_a_component_that_does_not_exist(clock: Clock) -> None:
    record_result(component="sms", outcome=Outcome(State.DEGRADED), at=clock.now)

    sms = component_status("sms")

    assert (sms.component, sms.state, len(sms.days)) == ("sms", State.DEGRADED, 90)
    assert (sms.days[-1].degraded, sms.period.uptime) == (1, 0.5)
    with pytest.raises(NotFound):
        component_status("teleport")


@pytest.mark.django_db
def test_an_ongoing_incident_makes_the_state_at_least_as_bad_as_staff_say(authority: Staff, clock: Clock) -> None:
    record_result(component="portal", outcome=Outcome(State.UP), at=clock.now)
    record_result(component="api", outcome=Outcome(State.DOWN), at=clock.now)
    slow = incidents.open_incident(
        actor=authority.officer,
        components=["portal", "api", "email"],
        impact=State.DEGRADED,
        title=both("بطء", "Slow"),
        message=both("نحقق.", "Looking."),
    )

    during = {item.component: item.state for item in status_overview().components}
    incidents.resolve_incident(incident=slow, actor=authority.officer, message=both("انتهى.", "Over."))
    after = {item.component: item.state for item in status_overview().components}

    assert (during["portal"], during["api"], during["email"]) == (State.DEGRADED, State.DOWN, State.DEGRADED)
    assert (after["portal"], after["api"], after["email"]) == (State.UP, State.DOWN, UNKNOWN)
