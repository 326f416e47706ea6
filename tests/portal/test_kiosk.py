"""Kiosk mode through its pages, in Arabic and English: enrolment, the start, services, the
status check, signing in with a code from the SMS outbox, applying through the portal's journey
in the kiosk's layout, the one-tap rating that ends it, and the server's idle wipe. Every state
is reached through the real actions and pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.errors import NotAllowed
from tahawul.applications.models import Application
from tahawul.feedback.models import Case, Rating
from tahawul.identity.models import User
from tahawul.kiosks.models import Kiosk
from tahawul.kiosks.registry import CentreInput, issue_enrolment, register_centre, register_kiosk, set_kiosk_active
from tahawul.notifications.models import Notification
from tahawul.portal.kiosk_mode import DEVICE_COOKIE, LAST_ACTIVE, idle_limit_seconds
from tests.applications.conftest import make_beneficiary
from tests.portal.test_journey import EVENT, page

pytestmark = pytest.mark.django_db

TRAINING = "MOL-TRAINING-REGISTER"  # on the kiosk: one page of choices and a phone number, no fee
INFO = "NPRA-EXIT-REENTRY-INFO"  # informational, on the kiosk
TRAINING_ANSWERS = {"programme_choice": "office_computing", "preferred_time": "morning", "mobile_number": "33123456"}
PAGES = ["/kiosk/", "/kiosk/services/", f"/kiosk/services/{INFO}/", "/kiosk/status/", "/kiosk/sign-in/", "/kiosk/rate/"]


@pytest.fixture
def kiosk(db: None) -> Kiosk:
    centre = register_centre(actor=None, values=CentreInput(code="TEST-HALL", name_ar="قاعة", name_en="Test hall"))
    return register_kiosk(actor=None, centre=centre, code="K-TEST")


@pytest.fixture
def screen(client: Client, kiosk: Kiosk) -> Client:
    """The kiosk's browser, enrolled through its one-time link as staff would."""
    response = client.post(f"/ar/kiosk/enrol/{issue_enrolment(actor=None, kiosk=kiosk)}/")
    assert response.status_code == 302 and response.url == "/ar/kiosk/"
    assert response.cookies[DEVICE_COOKIE]["httponly"]
    return client


def fields_remembered(html: str) -> list[str]:
    """Every field a browser could fill in from memory: all must say autocomplete="off"."""
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return [tag for tag in tags if 'type="hidden"' not in tag and 'autocomplete="off"' not in tag]


def unlabelled(html: str) -> set[str]:
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
    ids = set(re.findall(r'<(?:input|textarea|select)(?![^>]*type="hidden")[^>]* id="([^"]+)"', html))
    return ids - labelled


def sms_code(person: User) -> str:
    body = Notification.objects.filter(event="kiosk_sign_in_code", to_address=person.mobile).latest("pk").body
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None, body
    return found.group(1)


def sign_in(screen: Client, person: User) -> None:
    response = screen.post("/ar/kiosk/sign-in/", {"national_id": person.national_id})
    assert response.status_code == 302 and response.url == "/ar/kiosk/sign-in/code/"
    response = screen.post("/ar/kiosk/sign-in/code/", {"code": sms_code(person)})
    assert response.status_code == 302 and response.url.startswith("/ar/kiosk/apply/")


# --- every page -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_kiosk_pages_read_in_both_languages_and_keep_nothing(
    screen: Client, path: str, language: str, direction: str
) -> None:
    response = screen.get(f"/{language}{path}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}"' in html
    assert "no-store" in response["Cache-Control"]
    assert fields_remembered(html) == [] and unlabelled(html) == set()
    other = "en" if language == "ar" else "ar"
    assert f'href="/{other}{path}"' in html  # the language toggle
    assert 'role="alertdialog"' in html and "kiosk.js" in html  # the idle warning, with its script
    assert "<script>" not in html and "style=" not in html  # the CSP forbids inline script and style


def test_a_browser_that_was_not_enrolled_gets_no_kiosk(client: Client) -> None:
    before = Rating.objects.count()
    for path in PAGES:
        assert client.get(f"/ar{path}").status_code == 403
    assert client.post(f"/ar/kiosk/rate/{EVENT}/", {"face": "happy"}).status_code == 403
    client.cookies[DEVICE_COOKIE] = "K-TEST"  # naming a kiosk proves nothing
    assert client.get("/ar/kiosk/").status_code == 403
    assert Rating.objects.count() == before


def test_an_enrolment_link_works_once_and_signs_out_whoever_was_on_the_browser(client: Client, kiosk: Kiosk) -> None:
    code = issue_enrolment(actor=None, kiosk=kiosk)
    client.force_login(make_beneficiary("staff"))
    assert "K-TEST" in page(client, f"/en/kiosk/enrol/{code}/")  # looking does not use it
    client.post(f"/en/kiosk/enrol/{code}/")
    assert "_auth_user_id" not in client.session
    assert page(client, "/en/kiosk/") and Kiosk.objects.get(pk=kiosk.pk).last_seen_at is not None  # a heartbeat
    other = Client()
    assert other.post(f"/en/kiosk/enrol/{code}/").status_code == 404
    assert other.get("/en/kiosk/").status_code == 403


def test_a_kiosk_shows_only_its_own_pages_and_stops_when_deactivated(screen: Client, kiosk: Kiosk) -> None:
    for elsewhere in ["/ar/", "/en/office/", "/ar/my/applications/", "/", "/ar/accounts/login/"]:
        response = screen.get(elsewhere)
        assert (response.status_code, response.url) == (302, "/ar/kiosk/"), elsewhere
    set_kiosk_active(actor=None, kiosk=kiosk, active=False)
    assert screen.get("/ar/kiosk/").status_code == 403
    assert screen.get("/ar/").status_code == 200  # just a browser again


# --- rating -----------------------------------------------------------------------------------


def test_a_tap_records_the_kiosk_channel_and_its_registered_identifier(screen: Client) -> None:
    html = page(screen, f"/ar/kiosk/rate/{EVENT}/")
    assert len(re.findall(r'<button type="submit" class="kiosk-face[^"]*" name="face" value="', html)) == 3
    response = screen.post(f"/ar/kiosk/rate/{EVENT}/", {"face": "happy"})
    assert (response.status_code, response.url) == (302, f"/ar/kiosk/rate/{EVENT}/thanks/")
    thanks = page(screen, response.url)
    assert f'data-return-url="/ar/kiosk/rate/{EVENT}/"' in thanks and "/more/" not in thanks
    rating = Rating.objects.latest("pk")
    assert (rating.channel, rating.device, rating.endpoint, rating.face, rating.rater) == (
        "kiosk", "K-TEST", "visit", "happy", None
    )  # fmt: skip
    # Reached from the start, it returns to the start.
    response = screen.post(f"/en/kiosk/rate/{EVENT}/", {"face": "neutral", "back": "start"})
    assert 'data-return-url="/ar/kiosk/"' in page(screen, response.url)


def test_an_unhappy_tap_may_tell_more_which_the_entity_follows_up(screen: Client) -> None:
    response = screen.post(f"/en/kiosk/rate/{EVENT}/", {"face": "unhappy"})
    more_url = f"/en/kiosk/rate/{EVENT}/more/"
    assert f'href="{more_url}"' in page(screen, response.url)
    assert fields_remembered(page(screen, more_url)) == []
    response = screen.post(more_url, {"comment": "<b>The queue machine</b> was broken."})
    assert response.status_code == 302 and "told=1" in response.url
    rating = Rating.objects.latest("pk")
    case = Case.objects.get(rating=rating)
    assert (case.kind, case.filed_on, case.rating.device if case.rating else "") == ("complaint", "kiosk", "K-TEST")
    assert screen.get(more_url).status_code == 302  # the comment is added once


# --- the status check -------------------------------------------------------------------------


def test_the_status_check_needs_the_reference_and_the_mobile_given(screen: Client) -> None:
    person = make_beneficiary()
    application = actions.start_application(applicant=person, service_code=TRAINING, channel="web")
    assert actions.save_answers(application=application, actor=person, answers=TRAINING_ANSWERS).ok
    actions.submit(application=application, actor=person)
    spaced = application.reference.replace("-", " ").lower()

    wrong = screen.post("/en/kiosk/status/", {"reference": spaced, "mobile": "+97300000000"})
    assert wrong.status_code == 422 and "We found nothing" in wrong.content.decode()
    assert application.service.name_en not in wrong.content.decode()
    empty = screen.post("/en/kiosk/status/", {"reference": "", "mobile": ""})
    assert empty.status_code == 422 and 'href="#kiosk-reference"' in empty.content.decode()

    found = screen.post("/en/kiosk/status/", {"reference": spaced, "mobile": person.mobile})
    html = found.content.decode()
    assert found.status_code == 200 and "Submitted" in html and application.service.name_en in html
    assert f'action="/en/kiosk/rate/{TRAINING}/"' in html  # one tap to rate, at the end
    assert application.reference not in found.request["PATH_INFO"]


# --- signing in and applying ------------------------------------------------------------------


def test_signing_in_with_the_sms_code_and_applying_records_the_kiosk(screen: Client) -> None:
    person = make_beneficiary()
    sign_in(screen, person)
    html = page(screen, "/ar/kiosk/apply/")
    assert f'id="service-{TRAINING}"' in html and "kiosk__finish" in html  # signed in: a way to finish

    response = screen.post(f"/ar/kiosk/apply/{TRAINING}/")
    application = Application.objects.get(applicant=person)
    assert (application.channel, application.device) == ("kiosk", "K-TEST")
    section = screen.get(response.url)
    html = section.content.decode()
    assert "no-store" in section["Cache-Control"] and 'class="kiosk"' in html and "site-header" not in html
    assert fields_remembered(html) == [] and unlabelled(html) == set()

    response = screen.post(response.url, {**TRAINING_ANSWERS, "revision": application.revision})
    assert response.status_code == 302 and response.url.endswith("/review/")
    application.refresh_from_db()
    response = screen.post(response.url, {"revision": application.revision})
    assert response.status_code == 302 and response.url.endswith("/done/")
    done = page(screen, response.url)
    assert f'name="application" value="{application.reference}"' in done and "kiosk-faces" in done
    assert 'action="/rate/' not in done and "/my/applications/" not in done  # no web form, no account pages

    response = screen.post(
        f"/ar/kiosk/rate/{TRAINING}/",
        {"face": "happy", "application": application.reference, "endpoint": "submitted", "back": "start"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get(application=application)
    assert (rating.channel, rating.device, rating.endpoint, rating.rater) == ("kiosk", "K-TEST", "submitted", person)
    assert "_auth_user_id" not in screen.session  # the tap ended the journey
    submitted = application.events.get(action="submit")
    assert submitted.channel == "kiosk"


def test_an_unknown_national_id_gets_the_same_answer(screen: Client) -> None:
    known, unknown = make_beneficiary(), "123123123"
    pages = []
    for number in (known.national_id, unknown):
        response = screen.post("/en/kiosk/sign-in/", {"national_id": number})
        pages.append((response.status_code, response.url, re.sub(r'value="[^"]+"', "", page(screen, response.url))))
    assert pages[0] == pages[1]
    wrong = screen.post("/en/kiosk/sign-in/code/", {"code": "000000"})
    assert wrong.status_code == 422 and 'href="#kiosk-code"' in wrong.content.decode()
    assert "_auth_user_id" not in screen.session


def test_a_bad_national_id_is_a_clear_error(screen: Client) -> None:
    response = screen.post("/ar/kiosk/sign-in/", {"national_id": "12"})
    assert response.status_code == 422 and 'href="#kiosk-national_id"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_kiosk_application_always_names_its_kiosk() -> None:
    person = make_beneficiary()
    for channel, device in (("kiosk", ""), ("web", "K-TEST")):
        with pytest.raises(NotAllowed):
            actions.start_application(applicant=person, service_code=TRAINING, channel=channel, device=device)
    assert not Application.objects.filter(applicant=person).exists()


def test_an_application_not_offered_on_kiosks_cannot_be_started_there(screen: Client) -> None:
    person = make_beneficiary()
    screen.force_login(person)
    response = screen.post(f"/en/kiosk/apply/{EVENT}/")  # web and counter only
    assert response.status_code == 422 and "cannot be applied for on this channel" in response.content.decode()
    assert not Application.objects.filter(applicant=person).exists()


# --- idleness ---------------------------------------------------------------------------------


def test_the_server_wipes_a_kiosk_session_idle_too_long_even_without_javascript(screen: Client) -> None:
    person = make_beneficiary()
    sign_in(screen, person)
    screen.post(f"/ar/kiosk/apply/{TRAINING}/")
    application = Application.objects.get(applicant=person)
    section = f"/ar/applications/{application.reference}/programme/"
    assert screen.get(section).status_code == 200

    session = screen.session
    session[LAST_ACTIVE] = timezone.now().timestamp() - idle_limit_seconds() + 5
    session.save()
    screen.post("/ar/kiosk/heartbeat/")  # the page's own beat is no sign of a person
    assert screen.session.get("_auth_user_id")
    session = screen.session
    session[LAST_ACTIVE] = timezone.now().timestamp() - idle_limit_seconds() - 1
    session.save()

    response = screen.get(section)
    assert (response.status_code, response.url) == (302, "/ar/kiosk/?ended=1")
    assert "_auth_user_id" not in screen.session
    assert "For your privacy" in page(screen, "/en/kiosk/?ended=1")


def test_a_touch_reported_by_the_heartbeat_keeps_the_session(screen: Client, settings: Any) -> None:
    person = make_beneficiary()
    sign_in(screen, person)
    session = screen.session
    session[LAST_ACTIVE] = timezone.now().timestamp() - idle_limit_seconds() + 5
    session.save()
    assert screen.post("/ar/kiosk/heartbeat/", {"active": "1"}).status_code == 204
    assert screen.session[LAST_ACTIVE] > timezone.now().timestamp() - 5
    assert page(screen, "/ar/kiosk/apply/")


def test_finishing_signs_out_and_returns_to_the_arabic_start(screen: Client) -> None:
    sign_in(screen, make_beneficiary())
    response = screen.post("/en/kiosk/end/")
    assert (response.status_code, response.url) == (302, "/ar/kiosk/")
    assert "_auth_user_id" not in screen.session
