"""The worker's check run: a component whose checks keep failing gets one proposed incident (never
two, and not again for the same run of failures once staff have dealt with it), a second worker in
the same minute checks nothing twice, and old results are pruned while the roll-ups stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tahawul.status import incidents
from tahawul.status.models import CheckResult, Incident, IncidentStatus, State, UptimeDay
from tahawul.status.outcomes import Outcome
from tahawul.status.recording import prune_results, record_result, run_checks
from tests.applications.conftest import Staff
from tests.status.conftest import Clock, FakeSite, both

pytestmark = pytest.mark.django_db

WEB = ["portal", "api", "mobile", "open311"]


def every_minute(clock: Clock, times: int) -> list[dict[str, str]]:
    runs = []
    for _ in range(times):
        runs.append(run_checks(components=WEB))
        clock.advance(minutes=1)
    return runs


def test_a_failing_check_opens_one_proposed_incident(site: FakeSite, clock: Clock, settings: Any) -> None:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 3
    site.answer("/api/", status=503)  # the API (and so the app) fails; the portal works
    site.answer("/open311/", status=503)
    site.answer("/healthz", body=b"ok")
    site.answer("/ar/", body=b"<html></html>")
    started = clock.now

    first_two = every_minute(clock, 2)
    assert Incident.objects.count() == 0  # two failures are not yet a pattern
    every_minute(clock, 4)

    proposed = Incident.objects.order_by("proposed_for")
    assert [(incident.proposed_for, incident.status, incident.origin) for incident in proposed] == [
        ("api", IncidentStatus.PROPOSED, "checks"),
        ("mobile", IncidentStatus.PROPOSED, "checks"),
        ("open311", IncidentStatus.PROPOSED, "checks"),
    ]
    api = proposed[0]
    assert first_two[0] == {"portal": "up", "api": "down", "mobile": "down", "open311": "down"}
    assert api.started_at == started  # the first of the failing checks
    assert (api.title_en, api.impact) == ("JSON API: not working", State.DOWN)
    assert list(api.affected.values_list("component", flat=True)) == ["api"]
    note = api.updates.get()
    assert not note.public and note.author is None
    assert note.message_en == (
        "3 checks in a row found a problem. The last one said: "
        "/api/v1/services?page_size=1 answered with HTTP status 503."
    )
    assert CheckResult.objects.filter(component="api").count() == 6


def test_no_second_proposal_for_the_same_run_of_failures_but_one_for_the_next(
    authority: Staff, clock: Clock, settings: Any
) -> None:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 2
    down = Outcome(State.DOWN, None, both("لا يستجيب", "No answer"))

    def results(outcome: Outcome, times: int) -> None:
        for _ in range(times):
            record_result(component="sms", outcome=outcome, at=clock.advance(minutes=1))

    results(down, 3)
    proposal = Incident.objects.get()
    incidents.dismiss_incident(incident=proposal, actor=authority.officer, note="Gateway maintenance")
    results(down, 5)  # still the same failures: staff said it is nothing
    assert Incident.objects.count() == 1
    results(Outcome(State.UP), 1)
    results(down, 2)  # a new run of failures

    assert Incident.objects.filter(status=IncidentStatus.PROPOSED, proposed_for="sms").count() == 1
    assert Incident.objects.count() == 2


def test_a_staff_incident_already_open_for_the_component_blocks_a_proposal(
    authority: Staff, clock: Clock, settings: Any
) -> None:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 1
    incidents.open_incident(
        actor=authority.officer,
        components=["payments", "portal"],
        impact="degraded",
        title=both("بطء الدفع", "Slow payments"),
        message=both("نعمل على ذلك.", "We are on it."),
    )

    record_result(component="payments", outcome=Outcome(State.DOWN), at=clock.now)

    assert Incident.objects.count() == 1


def test_the_database_refuses_two_open_proposals_for_one_component(clock: Clock, settings: Any) -> None:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 1
    record_result(component="email", outcome=Outcome(State.DOWN), at=clock.now)
    first = Incident.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(
            title_ar="ب",
            title_en="b",
            status=IncidentStatus.PROPOSED,
            impact=State.DOWN,
            origin="checks",
            proposed_for="email",
            started_at=first.started_at,
        )


def test_two_workers_in_the_same_minute_check_once(site: FakeSite, clock: Clock) -> None:
    first = run_checks(components=["portal", "api"])
    clock.advance(seconds=20)
    second = run_checks(components=["portal", "api"])
    clock.advance(seconds=40)
    next_minute = run_checks(components=["portal", "api"])

    assert first == {"portal": "up", "api": "up"}
    assert second == {"portal": "busy", "api": "busy"}
    assert next_minute == {"portal": "up", "api": "up"}
    assert CheckResult.objects.filter(component="portal").count() == 2


def test_old_results_are_pruned_and_the_daily_figures_kept(clock: Clock, settings: Any) -> None:
    settings.TAHAWUL_STATUS_KEEP_DAYS = 90
    old = clock.now - timedelta(days=91)
    record_result(component="api", outcome=Outcome(State.UP), at=old)
    record_result(component="api", outcome=Outcome(State.DOWN), at=old + timedelta(minutes=1))
    record_result(component="api", outcome=Outcome(State.UP), at=clock.now - timedelta(days=89))

    assert prune_results() == 2
    assert CheckResult.objects.count() == 1
    assert UptimeDay.objects.filter(component="api").count() == 2  # the old day's figures stay
