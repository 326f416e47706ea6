"""The demo's channel-health history: the same seed gives the same 90 days, one day shows as "no
data", the past incidents appear on the status page, and running it again adds nothing twice."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tahawul.demo.status_history import NO_CHECKS_DAYS_AGO, generate_status_history
from tahawul.status.models import Incident, IncidentStatus, UptimeDay
from tests.status.conftest import Clock

pytestmark = pytest.mark.django_db

YESTERDAY = date(2026, 12, 2)


def figures() -> list[tuple[str, date, int, int, int]]:
    return list(
        UptimeDay.objects.order_by("component", "day").values_list("component", "day", "up", "degraded", "down")
    )


def test_the_same_seed_gives_the_same_history_and_nothing_twice(clock: Clock) -> None:
    first = generate_status_history(seed=3, end=YESTERDAY)
    once = figures()
    again = generate_status_history(seed=3, end=YESTERDAY)

    assert figures() == once
    assert (first.start, first.end, first.days, first.incidents) == (YESTERDAY - timedelta(days=89), YESTERDAY, 89, 5)
    assert again.incidents == 0 and Incident.objects.count() == 5
    assert len(once) == 8 * 89
    assert all(up + degraded + down == 1440 for _c, _d, up, degraded, down in once)
    gap = YESTERDAY - timedelta(days=NO_CHECKS_DAYS_AGO)
    assert not UptimeDay.objects.filter(day=gap).exists()
    payments = UptimeDay.objects.get(component="payments", day=YESTERDAY - timedelta(days=6))
    assert payments.down >= 25  # the demo incident of that day


def test_the_status_page_shows_the_demo_history(client: Client) -> None:
    output = StringIO()
    call_command("demo_status", if_empty=True, stdout=output)
    call_command("demo_status", if_empty=True, stdout=output)  # a history exists: left alone

    page = client.get("/en/status/").content.decode()

    assert output.getvalue().count("demo status history loaded") == 1
    assert "Payments could not be completed on the portal" in page
    assert "The payment gateway&#x27;s certificate had expired; it is renewed." in page
    assert "(88 days with data)" in page  # 89 of the history's days are in the window, less the gap
    assert set(Incident.objects.values_list("status", flat=True)) == {IncidentStatus.RESOLVED}
