"""The authority's incident pages in the back office: only its officers and supervisors get them
(anyone else 404); proposals are confirmed or dismissed, incidents opened, updated and resolved
through the forms; refusals say what to fix and change nothing; a stale page is told so."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from tahawul.identity.models import User
from tahawul.status.models import Incident, IncidentStatus, IncidentUpdate, State
from tahawul.status.outcomes import Outcome
from tahawul.status.recording import record_result
from tests.applications.conftest import Staff
from tests.status.conftest import Clock, both, opened

pytestmark = pytest.mark.django_db


def text_of(response: HttpResponse) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def proposal(clock: Clock, settings: Any) -> Incident:
    settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE = 2
    for _ in range(2):
        reason = both("HTTP 503", "/api/v1/services?page_size=1 answered with HTTP status 503.")
        record_result(component="api", outcome=Outcome(State.DOWN, None, reason), at=clock.advance(minutes=1))
    return Incident.objects.get()


def test_the_board_shows_proposals_and_the_latest_checks(authority: Staff, proposal: Incident) -> None:
    arabic = signed_in(authority.officer).get("/ar/office/incidents/")
    english = text_of(signed_in(authority.supervisor).get("/en/office/incidents/"))

    assert arabic.status_code == 200 and '<html lang="ar" dir="rtl">' in arabic.content.decode()
    assert 'href="/ar/office/incidents/"' in arabic.content.decode()  # the navigation's link
    assert (
        english.index("Proposed, waiting for you") < english.index("JSON API: not working") < english.index("Ongoing")
    )
    assert "JSON API Not working" in english and "answered with HTTP status 503." in english
    assert "Email messages Never checked" in english


def test_nobody_else_gets_the_pages(authority: Staff, npra: Staff, proposal: Incident, clock: Clock) -> None:
    record_result(component="sms", outcome=Outcome(State.UP), at=clock.now)
    pages = [
        "/en/office/incidents/",
        "/en/office/incidents/new/",
        f"/en/office/incidents/{proposal.pk}/",
        "/en/office/incidents/checks/sms/",
    ]
    for person in (npra.supervisor, npra.officer):
        client = signed_in(person)
        assert [client.get(page).status_code for page in pages] == [404] * 4
        refused = client.post(pages[2], {"do": "dismiss", "revision": proposal.revision})
        assert refused.status_code == 404
    assert Client().get(pages[0]).status_code == 302  # to the sign-in page
    assert Incident.objects.get().status == IncidentStatus.PROPOSED
    assert (
        'href="/en/office/incidents/"' not in signed_in(npra.supervisor).get("/en/office/npra/cases/").content.decode()
    )


def test_a_proposal_is_confirmed_through_the_form(authority: Staff, proposal: Incident) -> None:
    client = signed_in(authority.officer)
    page = client.get(f"/en/office/incidents/{proposal.pk}/")
    assert 'value="JSON API: not working"' in page.content.decode()  # the proposed title, to edit

    done = client.post(
        f"/en/office/incidents/{proposal.pk}/",
        {
            "do": "confirm",
            "revision": proposal.revision,
            "status": "investigating",
            "impact": "down",
            "title_ar": "تعطل واجهة البرمجة",
            "title_en": "The API is down",
            "message_ar": "نحقق في الأمر.",
            "message_en": "We are looking into it.",
        },
    )

    assert done.status_code == 302
    incident = Incident.objects.get()
    assert (incident.status, incident.title_en) == (IncidentStatus.INVESTIGATING, "The API is down")
    after = text_of(client.get(done["Location"]))
    assert "The incident is confirmed and on the status page." in after
    assert "Yes, on the status page" in after and "Post an update" in after and "Resolve" in after


def test_a_refusal_names_the_fields_and_a_stale_page_is_told(authority: Staff, proposal: Incident) -> None:
    client = signed_in(authority.officer)
    url = f"/en/office/incidents/{proposal.pk}/"
    fields = {"do": "confirm", "revision": proposal.revision, "status": "identified", "impact": "down"}

    refused = client.post(url, {**fields, "title_ar": "عنوان", "title_en": "Title", "message_ar": "رسالة"})
    client.post(url, {"do": "dismiss", "revision": proposal.revision, "note": "A false alarm"})
    stale = client.post(url, {**fields, "title_ar": "عنوان", "title_en": "Title", "message_ar": "ر", "message_en": "m"})

    assert refused.status_code == 422
    assert '<a href="#confirm-message_en">Write the message in English.</a>' in refused.content.decode()
    assert 'aria-invalid="true"' in refused.content.decode()
    assert stale.status_code == 409 and "This incident has changed" in text_of(stale)
    incident = Incident.objects.get()
    assert incident.status == IncidentStatus.DISMISSED
    assert IncidentUpdate.objects.filter(public=True).count() == 0


def test_an_incident_opened_by_hand_is_updated_and_resolved(authority: Staff) -> None:
    client = signed_in(authority.supervisor)
    empty = client.post("/en/office/incidents/new/", {"status": "investigating"})
    created = client.post(
        "/en/office/incidents/new/",
        {
            "components": ["sms", "email"],
            "impact": "degraded",
            "status": "identified",
            "title_ar": "تأخر الرسائل",
            "title_en": "Messages are late",
            "message_ar": "مزود الرسائل بطيء.",
            "message_en": "The message gateway is slow.",
        },
    )
    incident = Incident.objects.get()
    url = f"/en/office/incidents/{incident.pk}/"
    updated = client.post(
        url,
        {
            "do": "update",
            "revision": 1,
            "status": "monitoring",
            "message_ar": "أصلح.",
            "message_en": "Fixed; watching.",
        },
    )
    resolved = client.post(url, {"do": "resolve", "revision": 2, "message_ar": "انتهى.", "message_en": "All sent."})

    assert empty.status_code == 422 and "Choose the parts of the service that are affected." in text_of(empty)
    assert created.status_code == updated.status_code == resolved.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert sorted(incident.affected.values_list("component", flat=True)) == ["email", "sms"]
    assert [update.message_en for update in incident.updates.all()] == [
        "All sent.",
        "Fixed; watching.",
        "The message gateway is slow.",
    ]
    assert "This incident has ended." in text_of(client.get(url))


def test_a_components_recent_checks(authority: Staff, clock: Clock) -> None:
    record_result(component="kiosks", outcome=Outcome(State.UP), at=clock.advance(minutes=1))
    reason = both("٢ من ٤ أكشاك صامتة", "2 of 4 kiosks have not been heard from for 5 minutes: K-01, K-02.")
    record_result(component="kiosks", outcome=Outcome(State.DEGRADED, None, reason), at=clock.advance(minutes=1))

    page = text_of(signed_in(authority.officer).get("/en/office/incidents/checks/kiosks/"))
    unknown = signed_in(authority.officer).get("/en/office/incidents/checks/teleport/")

    assert "Recent checks of Kiosks" in page and "The last 2 checks, newest first" in page
    assert page.index("Slow or partly working 2 of 4 kiosks") < page.index("Working")
    assert unknown.status_code == 404


def test_an_action_the_page_does_not_offer_is_refused(authority: Staff) -> None:
    incident = opened(authority.officer)

    response = signed_in(authority.officer).post(f"/en/office/incidents/{incident.pk}/", {"do": "teleport"})

    assert response.status_code == 400 and "Choose one of the actions on the page." in text_of(response)


def test_a_double_click_on_open_shows_the_incident_opened_by_the_first(authority: Staff) -> None:
    client = signed_in(authority.supervisor)
    form = {
        "components": ["portal"],
        "impact": "down",
        "status": "investigating",
        "title_ar": "البوابة لا تعمل",
        "title_en": "The portal is down",
        "message_ar": "نعمل على إصلاحها.",
        "message_en": "We are fixing it.",
    }

    first = client.post("/en/office/incidents/new/", form)
    second = client.post("/en/office/incidents/new/", form, follow=True)

    incident = Incident.objects.get()
    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == f"/en/office/incidents/{incident.pk}/"
    assert "You opened this incident a moment ago" in text_of(second)
