"""The daily watch on dissatisfaction: a sudden rise raises one alert and tells the entity's
supervisors once; a steady series raises nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.feedback.models import DissatisfactionAlert, SatisfactionDay
from tahawul.feedback.tasks import watch_dissatisfaction
from tahawul.notifications.models import Notification
from tests.applications.conftest import Staff, make_staff
from tests.feedback.conftest import PASSPORT, service

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)
RESPONSES_A_DAY = 50


def seed_day(day: date, dissatisfied: int, *, code: str = PASSPORT, channel: str = Channel.WEB) -> None:
    passport = service(code)
    SatisfactionDay.objects.update_or_create(
        service=passport,
        channel=channel,
        day=day,
        defaults={
            "entity_id": passport.entity_id,
            "satisfied": RESPONSES_A_DAY - dissatisfied,
            "dissatisfied": dissatisfied,
        },
    )


def steady_history(days: int = 60) -> None:
    """``days`` days before TODAY of 50 responses, 2 and 3 dissatisfied in turn: 5 % over any
    even number of days, so the first 28 days pool to exactly 70 of 1,400."""
    for back in range(days, 0, -1):
        seed_day(TODAY - timedelta(days=back), 2 if back % 2 else 3)


@pytest.fixture
def npra() -> Staff:
    return make_staff(Entity.objects.get(code="NPRA"))


@pytest.fixture
def civdef() -> Staff:
    return make_staff(Entity.objects.get(code="CIVDEF"))


def alerts_to(staff: Staff) -> list[int]:
    return [
        Notification.objects.filter(recipient=person, event="dissatisfaction_rising").count()
        for person in (staff.supervisor, staff.supervisor2, staff.officer)
    ]


def test_a_sudden_rise_raises_one_alert_and_tells_the_supervisors(npra: Staff, civdef: Staff) -> None:
    steady_history()
    seed_day(TODAY, 20)  # 40 % today

    assert watch_dissatisfaction(day=TODAY) == 1

    alert = DissatisfactionAlert.objects.get()
    assert (alert.service.code, alert.channel, alert.day) == (PASSPORT, Channel.WEB, TODAY)
    # The baseline (70 of the first 1,400) shrinks toward the channel's prior. With one cell on the
    # channel the prior sits on its own pooled share over the 90 days, 170 / 3,050, with the
    # maximum strength, 1,000 responses: (70 + 1000 × 170/3050) / (1400 + 1000).
    assert alert.usual_share == pytest.approx((70 + 1000 * 170 / 3050) / 2400)
    # The EWMA moves a fifth of the way from about 5 % towards today's 40 %: about 12 %.
    assert alert.share == pytest.approx(0.2 * 0.40 + 0.8 * 0.05, abs=0.005)
    assert alerts_to(npra) == [2, 2, 0]  # each supervisor by email and SMS; officers are not told
    assert alerts_to(civdef) == [0, 0, 0]
    notice = Notification.objects.filter(recipient=npra.supervisor, channel="email").get()
    assert "12%" in notice.body and "5%" in notice.body


def test_running_again_the_same_day_or_while_it_stays_high_raises_nothing_more(npra: Staff) -> None:
    steady_history()
    seed_day(TODAY, 20)
    watch_dissatisfaction(day=TODAY)

    assert watch_dissatisfaction(day=TODAY) == 0
    seed_day(TODAY + timedelta(days=1), 21)  # the same excursion goes on
    assert watch_dissatisfaction(day=TODAY + timedelta(days=1)) == 0

    assert DissatisfactionAlert.objects.count() == 1
    assert alerts_to(npra) == [2, 2, 0]


def test_a_steady_series_raises_nothing(npra: Staff) -> None:
    steady_history()
    seed_day(TODAY, 3)

    assert watch_dissatisfaction(day=TODAY) == 0

    assert not DissatisfactionAlert.objects.exists()
    assert alerts_to(npra) == [0, 0, 0]


def test_a_rise_late_yesterday_is_caught_by_todays_first_run_once(npra: Staff) -> None:
    steady_history()
    seed_day(TODAY - timedelta(days=1), 25)  # came in after yesterday's last hourly run

    assert watch_dissatisfaction(day=TODAY) == 1
    assert watch_dissatisfaction(day=TODAY) == 0
    assert list(DissatisfactionAlert.objects.values_list("day", flat=True)) == [TODAY - timedelta(days=1)]
