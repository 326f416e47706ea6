"""Incidents through their life: proposed, confirmed or dismissed, updated, resolved; who may do
it (the authority's staff, everyone else gets NotFound); bad input and stale pages change nothing;
and resolving one tells each person who reported a technical problem it explains, in their language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound
from tahawul.notifications.models import Notification
from tahawul.status import incidents
from tahawul.status.errors import InvalidIncident, NotInThisState, OpenedAMomentAgo, StaleIncident
from tahawul.status.models import ComponentHealth, Incident, IncidentCase, IncidentStatus, IncidentUpdate, State
from tahawul.status.notifying import tell_reporters, tell_reporters_task
from tahawul.status.outcomes import Outcome
from tahawul.status.recording import record_result
from tests.applications.conftest import Staff, give_role, make_beneficiary, make_user
from tests.feedback.conftest import file_case
from tests.status.conftest import Clock, both, opened, technical

pytestmark = pytest.mark.django_db

STILL = both("ما زلنا نعمل على الإصلاح.", "We are still working on a fix.")
FIXED = both("عادت بوابة الدفع إلى العمل.", "The payment gateway works again.")
TELL_REPORTERS = "tahawul.status.notifying.tell_reporters_task"


def proposed_for_portal(clock: Clock, settings: Any) -> Incident:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 2
    for _ in range(2):
        record_result(component="portal", outcome=Outcome(State.DOWN), at=clock.advance(minutes=1))
    return Incident.objects.get(status=IncidentStatus.PROPOSED)


def test_a_proposal_is_confirmed_updated_and_resolved_with_its_public_history(
    authority: Staff, clock: Clock, settings: Any
) -> None:
    proposal = proposed_for_portal(clock, settings)
    assert not proposal.is_public

    confirmed = incidents.confirm_incident(
        incident=proposal,
        actor=authority.officer,
        status=IncidentStatus.IDENTIFIED,
        impact=State.DEGRADED,
        title=both("تعطل الدفع في البوابة", "Payments fail on the portal"),
        message=both("السبب بوابة الدفع.", "The cause is the payment gateway."),
        expected_revision=proposal.revision,
    )
    clock.advance(minutes=20)
    incidents.post_update(
        incident=confirmed, actor=authority.supervisor, status=IncidentStatus.MONITORING, message=STILL
    )
    clock.advance(minutes=20)
    resolved = incidents.resolve_incident(incident=confirmed, actor=authority.officer, message=FIXED)

    assert resolved.status == IncidentStatus.RESOLVED and resolved.is_public
    assert resolved.ended_at == clock.now
    assert (resolved.title_en, resolved.impact, resolved.revision) == ("Payments fail on the portal", "degraded", 4)
    public = resolved.updates.filter(public=True)
    assert [(update.status, update.message_en) for update in public] == [
        (IncidentStatus.RESOLVED, FIXED.en),
        (IncidentStatus.MONITORING, STILL.en),
        (IncidentStatus.IDENTIFIED, "The cause is the payment gateway."),
    ]
    assert [update.author for update in public] == [authority.officer, authority.supervisor, authority.officer]
    assert resolved.updates.filter(public=False).count() == 1  # the platform's proposal note


def test_a_dismissed_proposal_never_becomes_public(authority: Staff, clock: Clock, settings: Any) -> None:
    proposal = proposed_for_portal(clock, settings)

    dismissed = incidents.dismiss_incident(incident=proposal, actor=authority.officer, note="Planned maintenance")

    assert dismissed.status == IncidentStatus.DISMISSED and not dismissed.is_public
    assert dismissed.updates.first().note == "Planned maintenance"  # type: ignore[union-attr]
    with pytest.raises(NotInThisState):
        incidents.confirm_incident(
            incident=dismissed,
            actor=authority.officer,
            status="investigating",
            impact="down",
            title=FIXED,
            message=FIXED,
        )


def test_each_step_is_only_for_its_states(authority: Staff, clock: Clock, settings: Any) -> None:
    proposal = proposed_for_portal(clock, settings)
    with pytest.raises(NotInThisState):
        incidents.resolve_incident(incident=proposal, actor=authority.officer, message=FIXED)
    with pytest.raises(NotInThisState):
        incidents.post_update(incident=proposal, actor=authority.officer, status="monitoring", message=STILL)
    ongoing = opened(authority.officer)
    with pytest.raises(NotInThisState):
        incidents.dismiss_incident(incident=ongoing, actor=authority.officer)
    incidents.resolve_incident(incident=ongoing, actor=authority.officer, message=FIXED)
    with pytest.raises(NotInThisState):
        incidents.resolve_incident(incident=ongoing, actor=authority.officer, message=FIXED)


def test_both_languages_are_needed_and_a_refusal_changes_nothing(authority: Staff) -> None:
    ongoing = opened(authority.officer)
    updates_before = IncidentUpdate.objects.count()

    with pytest.raises(InvalidIncident) as refused:
        incidents.post_update(
            incident=ongoing, actor=authority.officer, status="resolved", message=both("", "Only English")
        )
    with pytest.raises(InvalidIncident) as empty:
        incidents.open_incident(
            actor=authority.officer, components=["teleport"], impact="up", title=both("", ""), message=both("", "")
        )

    assert set(refused.value.errors) == {"message_ar", "status"}
    assert refused.value.errors["message_ar"].en == "Write the message in Arabic."
    assert set(empty.value.errors) == {"components", "impact", "title_ar", "title_en", "message_ar", "message_en"}
    assert IncidentUpdate.objects.count() == updates_before
    assert Incident.objects.get(pk=ongoing.pk).status == IncidentStatus.INVESTIGATING


def test_of_two_people_acting_on_the_same_page_the_second_is_told(authority: Staff) -> None:
    ongoing = opened(authority.officer)
    seen = ongoing.revision
    incidents.post_update(
        incident=ongoing, actor=authority.officer, status="identified", message=STILL, expected_revision=seen
    )

    with pytest.raises(StaleIncident):
        incidents.resolve_incident(incident=ongoing, actor=authority.supervisor, message=FIXED, expected_revision=seen)
    assert Incident.objects.get(pk=ongoing.pk).status == IncidentStatus.IDENTIFIED


def test_a_double_click_opens_one_incident(authority: Staff, clock: Clock) -> None:
    first = opened(authority.officer, "portal", "payments")

    with pytest.raises(OpenedAMomentAgo) as twice:
        opened(authority.officer, "payments", "portal")  # the same form, sent again
    by_someone_else = opened(authority.supervisor, "portal", "payments")
    about_more = opened(authority.officer, "portal", "payments", "sms")
    clock.advance(minutes=2)
    a_new_one = opened(authority.officer, "portal", "payments")

    assert twice.value.incident == first and twice.value.status == 409
    assert Incident.objects.count() == 4
    assert len({first.pk, by_someone_else.pk, about_more.pk, a_new_one.pk}) == 4
    assert first.updates.count() == 1


def test_an_update_can_change_what_is_affected_and_how_badly(authority: Staff, clock: Clock) -> None:
    on_the_web = technical("web", number=1)
    at_a_kiosk = technical("kiosk", number=2)
    ongoing = opened(authority.officer, "portal")  # "down"
    clock.advance(minutes=10)

    moved = incidents.post_update(
        incident=ongoing,
        actor=authority.officer,
        status=IncidentStatus.IDENTIFIED,
        message=both("المشكلة في الأجهزة فقط.", "Only the kiosks are affected."),
        components=["kiosks"],
        impact=State.DEGRADED,
    )
    same_again = incidents.post_update(
        incident=moved,
        actor=authority.officer,
        status="monitoring",
        message=STILL,
        components=["kiosks"],
        impact="degraded",
    )

    current = Incident.objects.get(pk=ongoing.pk)
    assert current.impact == State.DEGRADED and same_again.revision == current.revision
    assert list(current.affected.values_list("component", flat=True)) == ["kiosks"]
    assert set(current.case_links.values_list("case_id", flat=True)) == {at_a_kiosk.pk}  # the web one unlinked
    assert on_the_web.pk not in current.case_links.values_list("case_id", flat=True)
    steps = [(update.status, update.impact, update.components) for update in current.updates.order_by("at", "id")]
    assert steps == [
        (IncidentStatus.INVESTIGATING, State.DOWN, ["portal"]),
        (IncidentStatus.IDENTIFIED, State.DEGRADED, ["kiosks"]),
        (IncidentStatus.MONITORING, "", []),  # nothing changed but the status
    ]


def test_an_update_refuses_unknown_components_and_effects_and_changes_nothing(authority: Staff) -> None:
    ongoing = opened(authority.officer, "portal")

    with pytest.raises(InvalidIncident) as refused:
        incidents.post_update(
            incident=ongoing, actor=authority.officer, status="identified", message=STILL, components=[], impact="up"
        )

    assert set(refused.value.errors) == {"components", "impact"}
    current = Incident.objects.get(pk=ongoing.pk)
    assert (current.status, current.impact, current.revision) == (
        IncidentStatus.INVESTIGATING,
        "down",
        ongoing.revision,
    )
    assert list(current.affected.values_list("component", flat=True)) == ["portal"]


def test_a_confirmation_records_the_effect_it_set(authority: Staff, clock: Clock, settings: Any) -> None:
    proposal = proposed_for_portal(clock, settings)

    incidents.confirm_incident(
        incident=proposal,
        actor=authority.officer,
        status="investigating",
        impact="degraded",
        title=FIXED,
        message=STILL,
    )

    confirmation = proposal.updates.filter(public=True).get()
    assert (confirmation.impact, confirmation.components) == (State.DEGRADED, [])


def test_checks_still_failing_after_a_resolution_propose_a_new_incident(
    authority: Staff, clock: Clock, settings: Any
) -> None:
    proposal = proposed_for_portal(clock, settings)  # two failures in a row
    confirmed = incidents.confirm_incident(
        incident=proposal, actor=authority.officer, status="investigating", impact="down", title=FIXED, message=STILL
    )
    record_result(component="portal", outcome=Outcome(State.DOWN), at=clock.advance(minutes=1))
    incidents.resolve_incident(incident=confirmed, actor=authority.officer, message=FIXED)  # too soon
    assert ComponentHealth.objects.get(component="portal").failing_streak == 0

    record_result(component="portal", outcome=Outcome(State.DOWN), at=clock.advance(minutes=1))
    assert not Incident.objects.filter(status=IncidentStatus.PROPOSED).exists()  # one failure: not yet
    record_result(component="portal", outcome=Outcome(State.DOWN), at=clock.advance(minutes=1))

    again = Incident.objects.get(status=IncidentStatus.PROPOSED)
    assert again.pk != proposal.pk and again.started_at == clock.now - timedelta(minutes=1)


def test_only_the_authoritys_staff_manage_incidents(authority: Staff, npra: Staff, clock: Clock, settings: Any) -> None:
    proposal = proposed_for_portal(clock, settings)
    ongoing = opened(authority.officer)
    outsiders: list[User] = [npra.supervisor, npra.officer, give_role(make_user("analyst"), None, Role.ANALYST)]
    outsiders.append(make_beneficiary())

    for person in outsiders:
        with pytest.raises(NotFound):
            opened(person)
        with pytest.raises(NotFound):
            incidents.confirm_incident(
                incident=proposal, actor=person, status="investigating", impact="down", title=FIXED, message=FIXED
            )
        with pytest.raises(NotFound):
            incidents.dismiss_incident(incident=proposal, actor=person)
        with pytest.raises(NotFound):
            incidents.post_update(incident=ongoing, actor=person, status="identified", message=STILL)
        with pytest.raises(NotFound):
            incidents.resolve_incident(incident=ongoing, actor=person, message=FIXED)

    assert Incident.objects.count() == 2
    assert Incident.objects.get(pk=proposal.pk).status == IncidentStatus.PROPOSED


# --- the people who reported it -------------------------------------------------------------------


def test_resolving_tells_the_reporters_of_the_channel_in_their_language(authority: Staff, clock: Clock) -> None:
    john = make_beneficiary("john")
    technical(number=1, language="en", contact_preference="email", contact_email="early@example.com")  # too early
    clock.advance(hours=1, minutes=30)
    arabic = technical(number=2, language="ar", contact_preference="sms", contact_mobile="+97333111222")
    arabic_by_email = technical(number=7, language="ar", contact_preference="email", contact_email="amal@example.com")
    at_a_kiosk = technical("kiosk", number=3, contact_preference="email", contact_email="k@example.com")  # pays there
    technical("open311", number=8, contact_preference="email", contact_email="o@example.com")  # another channel
    file_case(
        kind="complaint",
        channel_concerned="web",
        client="ip:203.0.113.4",
        contact_preference="email",
        contact_email="c@example.com",
    )  # not a technical problem
    quiet = technical(number=5, language="en", contact_preference="none")
    clock.advance(hours=1)
    ongoing = opened(authority.officer, "portal", "payments")  # began 1 h after "arabic", 2 h 30 after "too_early"
    clock.advance(minutes=10)
    english = technical(number=6, language="en", filer=john, contact_preference="email")
    Notification.objects.all().delete()  # the "we received your report" messages

    incidents.resolve_incident(incident=ongoing, actor=authority.officer, message=FIXED)
    queued = DBTaskResult.objects.filter(task_path=TELL_REPORTERS)
    assert queued.count() == 1 and not Notification.objects.exists()  # told by the worker, not in the request
    assert tell_reporters_task.call() == {"told": 5}

    linked = set(IncidentCase.objects.filter(incident=ongoing).values_list("case_id", flat=True))
    assert linked == {arabic.pk, arabic_by_email.pk, at_a_kiosk.pk, quiet.pk, english.pk}
    assert not IncidentCase.objects.filter(incident=ongoing, notified_at__isnull=True).exists()
    sent = {row.case_id: row for row in Notification.objects.filter(event="incident_resolved")}
    assert set(sent) == {arabic.pk, arabic_by_email.pk, at_a_kiosk.pk, english.pk}  # "quiet" asked not to be
    to_arabic, to_english = sent[arabic.pk], sent[english.pk]
    assert (to_arabic.channel, to_arabic.to_address, to_arabic.language) == ("sms", "+97333111222", "ar")
    assert arabic.reference in to_arabic.body and f"/ar/feedback/cases/{arabic.reference}/" in to_arabic.body
    in_arabic = sent[arabic_by_email.pk].body
    assert "تعطل: Payments fail" in in_arabic and FIXED.ar in in_arabic and FIXED.en not in in_arabic
    assert (to_english.channel, to_english.to_address, to_english.language) == ("email", john.email, "en")
    assert to_english.recipient_id == john.pk
    assert "Payments fail" in to_english.body and FIXED.en in to_english.body and FIXED.ar not in to_english.body
    assert f"/en/feedback/cases/{english.reference}/" in to_english.body
    assert to_english.subject == f"Fixed: the problem behind your technical problem {english.reference}"
    assert not Notification.objects.exclude(event="incident_resolved").exists()


def test_the_reporters_of_every_channel_a_component_serves_are_told(authority: Staff, clock: Clock) -> None:
    from_the_app = technical("mobile", number=1, contact_preference="email", contact_email="app@example.com")
    from_a_client = technical("open311", number=2, contact_preference="email", contact_email="city@example.com")
    from_the_portal = technical("web", number=3, contact_preference="email", contact_email="web@example.com")
    api = opened(authority.officer, "api", title="The API is down")  # the app and Open311 clients use it
    Notification.objects.all().delete()

    incidents.resolve_incident(incident=api, actor=authority.officer, message=FIXED)
    tell_reporters_task.call()

    told = set(Notification.objects.filter(event="incident_resolved").values_list("to_address", flat=True))
    assert told == {"app@example.com", "city@example.com"}
    linked = set(api.case_links.values_list("case_id", flat=True))
    assert linked == {from_the_app.pk, from_a_client.pk} and from_the_portal.pk not in linked


def test_the_reporters_are_told_once_however_often_and_in_whatever_chunks_the_task_runs(
    authority: Staff, clock: Clock
) -> None:
    reports = [
        technical(number=number, contact_preference="email", contact_email=f"r{number}@example.com")
        for number in range(5)
    ]
    technical("kiosk", number=9, contact_preference="email", contact_email="kiosk@example.com")
    first, second = (
        opened(authority.officer, "portal", title="First"),
        opened(authority.officer, "portal", title="Second"),
    )
    ongoing = opened(authority.officer, "kiosks", title="Still on")
    Notification.objects.all().delete()
    for incident in (first, second):
        incidents.resolve_incident(incident=incident, actor=authority.officer, message=FIXED)

    assert tell_reporters(chunk=2) == 10  # five chunks of two: each report, once for each incident
    assert tell_reporters() == 0  # a second run, or one queued twice, tells nobody again
    messages = Notification.objects.filter(event="incident_resolved")
    assert messages.count() == 10
    assert {row.case_id for row in messages} == {report.pk for report in reports}
    assert sum("Second" in row.body for row in messages) == 5
    assert not messages.filter(to_address="kiosk@example.com").exists()  # its incident is not resolved
    assert ongoing.case_links.filter(notified_at__isnull=True).count() == 1


def test_a_proposal_links_the_reports_made_shortly_before_it(authority: Staff, clock: Clock, settings: Any) -> None:
    early = technical(number=1)
    clock.advance(minutes=30)
    proposal = proposed_for_portal(clock, settings)

    assert set(proposal.case_links.values_list("case_id", flat=True)) == {early.pk}
