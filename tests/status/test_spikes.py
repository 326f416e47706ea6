"""Technical-problem reports about a channel: a sudden spike proposes one incident for it, with the
reports linked; the usual number of reports, or a handful on a quiet channel, proposes nothing."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from tahawul.feedback.models import Case
from tahawul.status import incidents
from tahawul.status.models import Incident, IncidentStatus
from tahawul.status.spikes import poisson_tail, watch_case_spikes
from tests.applications.conftest import Staff
from tests.status.conftest import Clock, both, opened, technical

pytestmark = pytest.mark.django_db


def test_the_poisson_tail_on_values_worked_by_hand() -> None:
    assert poisson_tail(1, 1.0) == pytest.approx(1 - math.exp(-1))
    assert poisson_tail(3, 0.5) == pytest.approx(1 - math.exp(-0.5) * (1 + 0.5 + 0.125))
    assert poisson_tail(2, 2.0) == pytest.approx(1 - 3 * math.exp(-2))  # at the usual rate: likely
    assert poisson_tail(5, 0.0) == 0.0  # a channel nobody ever reported about
    tiny = poisson_tail(1300, 1000.0)  # far out in the tail of a busy channel: small, not lost
    assert 0 < tiny < 1e-15


def history(clock: Clock, per_hour: int, hours: int) -> None:
    """``per_hour`` technical reports about the web portal in each of the ``hours`` before the last
    hour: one real report, moved back in time and copied (a history, like the demo's, needs no
    flood limits)."""
    times = [
        clock.now - timedelta(hours=hour, minutes=30 + number)
        for hour in range(1, hours + 1)
        for number in range(per_hour)
    ]
    model = technical(number=200)
    Case.objects.filter(pk=model.pk).update(created_at=times[0])
    copies = []
    for index, moment in enumerate(times[1:]):
        copy = Case.objects.get(pk=model.pk)
        copy.pk = None
        copy.reference = f"CS-HIST-{index:06d}"
        copy.created_at = moment
        copies.append(copy)
    Case.objects.bulk_create(copies)


def reports_in_the_last_hour(clock: Clock, count: int, channel: str = "web") -> list[Case]:
    cases = []
    for number in range(count):
        clock.advance(minutes=5)
        cases.append(technical(channel, number=number))
    return cases


def test_a_spike_on_a_quiet_channel_proposes_one_incident_with_the_reports(clock: Clock) -> None:
    history(clock, per_hour=1, hours=48)  # 48 reports in 28 days: 0.07 an hour
    reports = reports_in_the_last_hour(clock, 6)

    proposed = watch_case_spikes()
    again = watch_case_spikes(now=clock.advance(minutes=5))

    assert [incident.proposed_for for incident in proposed] == ["portal"]
    assert again == []
    incident = Incident.objects.get()
    assert (incident.status, incident.origin, incident.impact) == (IncidentStatus.PROPOSED, "cases", "degraded")
    assert incident.started_at == reports[0].created_at
    assert incident.title_en == "Web portal: many reports of technical problems"
    assert incident.updates.get().message_en.startswith("6 technical problems were reported in the last hour")
    linked = set(incident.case_links.values_list("case_id", flat=True))
    assert {case.pk for case in reports} <= linked


def test_the_usual_number_of_reports_on_a_busy_channel_proposes_nothing(clock: Clock) -> None:
    history(clock, per_hour=3, hours=28 * 24)  # three an hour, every hour of the 28 days
    reports_in_the_last_hour(clock, 7)  # more than usual, but as likely as once in 30 hours

    assert watch_case_spikes() == []


def test_a_few_reports_are_not_a_spike_however_quiet_the_channel(clock: Clock) -> None:
    reports_in_the_last_hour(clock, 4, channel="mobile")
    reports_in_the_last_hour(clock, 3, channel="kiosk")

    assert watch_case_spikes() == []
    assert not Incident.objects.exists()


def test_a_spike_already_explained_by_an_incident_about_a_component_serving_the_channel_proposes_nothing(
    authority: Staff, clock: Clock
) -> None:
    api = opened(authority.officer, "api", title="The API is down")  # the app reads the API
    reports = reports_in_the_last_hour(clock, 6, channel="mobile")

    assert watch_case_spikes() == []
    assert not Incident.objects.filter(status=IncidentStatus.PROPOSED).exists()
    incidents.post_update(incident=api, actor=authority.officer, status="identified", message=both("ب", "b"))
    assert {case.pk for case in reports} <= set(api.case_links.values_list("case_id", flat=True))
    assert [incident.proposed_for for incident in watch_case_spikes_on("kiosk", clock)] == ["kiosks"]


def watch_case_spikes_on(channel: str, clock: Clock) -> list[Incident]:
    reports_in_the_last_hour(clock, 6, channel=channel)
    return watch_case_spikes()
