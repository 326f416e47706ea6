"""The public status page, computed from recorded checks: each channel's state and its 90 days in
Arabic (right to left) and English, incidents with their updates (never a proposed or dismissed
one), past incidents paged, one incident, one channel's figures as a table; and a number of
queries that does not grow with the days of history."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tahawul.status import incidents
from tahawul.status.models import Incident, State
from tahawul.status.outcomes import Outcome
from tahawul.status.recording import record_result
from tests.applications.conftest import Staff
from tests.status.conftest import Clock, both, opened

pytestmark = pytest.mark.django_db

FIXED = both("عادت الخدمة إلى العمل.", "It works again.")


def text_of(response: HttpResponse) -> str:
    """What a reader gets: the words, without the tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def days_of_checks(clock: Clock, component: str, days: int, *, down_every: int = 0) -> None:
    """Four checks a day on each of the ``days`` days before today; one down every ``down_every`` days."""
    for back in range(days, 0, -1):
        for hour in range(4):
            failed = down_every and back % down_every == 0 and hour == 0
            outcome = Outcome(State.DOWN if failed else State.UP)
            record_result(component=component, outcome=outcome, at=clock.now - timedelta(days=back, hours=hour))


def resolved(authority: Staff, title: str) -> Incident:
    incident = opened(authority.officer, "sms", title=title)
    return incidents.resolve_incident(incident=incident, actor=authority.officer, message=FIXED)


def test_the_page_in_arabic_and_english_from_the_recorded_checks(
    client: Client, authority: Staff, clock: Clock
) -> None:
    days_of_checks(clock, "portal", 2)
    record_result(component="portal", outcome=Outcome(State.UP), at=clock.now)
    record_result(component="api", outcome=Outcome(State.DEGRADED), at=clock.now - timedelta(days=1))
    record_result(component="api", outcome=Outcome(State.DOWN), at=clock.now)
    ongoing = opened(authority.officer, "api", title="The API is down")
    incidents.post_update(
        incident=ongoing,
        actor=authority.officer,
        status="identified",
        message=both("السبب خادم قاعدة البيانات.", "The cause is a database server."),
    )
    resolved(authority, "SMS were late")

    arabic = client.get("/ar/status/")
    english = client.get("/en/status/")

    assert arabic.status_code == english.status_code == 200
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode()
    page = text_of(english)
    assert '<html lang="en" dir="ltr">' in english.content.decode()
    assert "Some services are not working." in page
    assert "Web portal Working" in page
    assert "JSON API Not working" in page
    assert "Email messages No recent check" in page  # never checked: not shown as working
    assert "100 % uptime over the last 90 days (3 days with data)." in page
    assert "25 % uptime over the last 90 days (2 days with data)." in page  # ½ (degraded) + 0 (down), of 2
    assert "No checks in the last 90 days." in page
    assert page.index("Incidents now") < page.index("The API is down") < page.index("Past incidents")
    assert "The cause is a database server." in page and "We are looking into it." in page
    assert page.index("Past incidents") < page.index("SMS were late") and "It works again." in page
    assert "تعطل: The API is down" in text_of(arabic) and "السبب خادم قاعدة البيانات." in text_of(arabic)


def test_proposed_and_dismissed_incidents_are_not_public(
    client: Client, authority: Staff, clock: Clock, settings: object
) -> None:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 1  # type: ignore[attr-defined]
    record_result(component="email", outcome=Outcome(State.DOWN), at=clock.now)
    record_result(component="sms", outcome=Outcome(State.DOWN), at=clock.now)
    proposal, dismissed = Incident.objects.get(proposed_for="email"), Incident.objects.get(proposed_for="sms")
    incidents.dismiss_incident(incident=dismissed, actor=authority.officer)

    page = text_of(client.get("/en/status/"))

    assert proposal.title_en not in page and dismissed.title_en not in page
    assert client.get(f"/en/status/incidents/{proposal.pk}/").status_code == 404
    assert client.get(f"/en/status/incidents/{dismissed.pk}/").status_code == 404


def test_one_incident_and_the_past_ones_paged(client: Client, authority: Staff, clock: Clock) -> None:
    for number in range(12):
        clock.advance(hours=1)
        resolved(authority, f"Old problem {number:02d}")

    first = text_of(client.get("/en/status/"))
    second = text_of(client.get("/en/status/?page=2"))
    nonsense = client.get("/en/status/?page=abc")
    last = Incident.objects.get(title_en="Old problem 11")
    one = client.get(f"/ar/status/incidents/{last.pk}/")

    assert "Old problem 11" in first and "Old problem 02" in first and "Old problem 01" not in first
    assert "Page 1 of 2" in first and "Older incidents" in first
    assert "Old problem 01" in second and "Old problem 00" in second and "Old problem 11" not in second
    assert nonsense.status_code == 200
    assert one.status_code == 200 and 'dir="rtl"' in one.content.decode()
    assert "تعطل: Old problem 11" in text_of(one) and "عادت الخدمة إلى العمل." in text_of(one)
    assert client.get("/en/status/incidents/999999/").status_code == 404


def test_a_channels_figures_as_a_table(client: Client, clock: Clock) -> None:
    days_of_checks(clock, "mobile", 3, down_every=2)

    page = text_of(client.get("/en/status/components/mobile/"))

    assert "Daily uptime of Mobile app" in page
    assert "The last 90 days, newest first Day Uptime Checks Working Slow or partly working Not working" in page
    assert "Dec. 3, 2026 No data 0 0 0 0 Dec. 2, 2026 100 % 4 4 0 0 Dec. 1, 2026 75 % 4 3 0 1" in page
    assert client.get("/en/status/components/teleport/").status_code == 404


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_history(
    client: Client, authority: Staff, clock: Clock
) -> None:
    days_of_checks(clock, "portal", 2)
    opened(authority.officer, "api")
    resolved(authority, "First")
    with CaptureQueriesContext(connection) as short_history:
        client.get("/en/status/")

    for component in ("portal", "api", "sms"):
        days_of_checks(clock, component, 89, down_every=7)
    for number in range(11):
        resolved(authority, f"Later {number}")
    with CaptureQueriesContext(connection) as long_history:
        response = client.get("/en/status/")

    assert response.status_code == 200
    assert len(long_history) == len(short_history) <= 10


def test_a_channel_staff_say_is_down_is_shown_down_though_its_checks_pass(
    client: Client, authority: Staff, clock: Clock
) -> None:
    record_result(component="portal", outcome=Outcome(State.UP), at=clock.now)
    record_result(component="api", outcome=Outcome(State.UP), at=clock.now)
    opened(authority.officer, "portal", title="Payments fail")  # "not working"

    page = text_of(client.get("/en/status/"))

    assert "Some services are not working." in page
    assert "Web portal Not working" in page and "JSON API Working" in page
