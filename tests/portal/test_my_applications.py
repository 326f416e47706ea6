"""Following one's applications: the list, the status timeline, withdrawing, and the correction loop."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.identity.models import User
from tests.portal import test_journey
from tests.portal.test_journey import (
    EVENT,
    PDF,
    PNG,
    event_form,
    officer_of,
    page,
    start,
    submitted_event_permit,
    summary_links,
    upload,
)

pytestmark = pytest.mark.django_db

# The journey's fixtures, shared by name: a signed-in applicant, documents in a temporary folder.
applicant = test_journey.applicant
signed_in = test_journey.signed_in
store = test_journey.store

PASSPORT = "NPRA-PASSPORT-RENEW"  # two pages, two documents, a fee, and a "waiting for your correction" state


def submitted_passport_renewal(applicant: User) -> Application:
    application = actions.start_application(applicant=applicant, service_code=PASSPORT, channel="web")
    answers = {
        "passport_no": "AB123456",
        "expiry_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "passport_condition": "good",
        "collection_point": "riffa",
        "contact_phone": "33123456",
        "declaration": True,
    }
    check = actions.save_answers(application=application, actor=applicant, answers=answers)
    assert check.ok, check.errors
    actions.attach_document(
        application=application, actor=applicant, key="photo", upload=upload("me.png", PNG, "image/png")
    )
    actions.attach_document(application=application, actor=applicant, key="passport_scan", upload=upload("p.pdf", PDF))
    actions.prepare_payment(application=application, actor=applicant)
    payment = actions.start_payment(application=application, actor=applicant)
    actions.settle_payment(token=payment.token, succeeded=True)
    application.refresh_from_db()
    return actions.submit(application=application, actor=applicant)


@pytest.fixture
def correction_asked(applicant: User) -> Application:
    """An officer has asked the applicant to correct their mobile number."""
    application = submitted_passport_renewal(applicant)
    officer = officer_of(application)
    actions.perform(application=application, actor=officer, action="claim")
    actions.perform(
        application=application,
        actor=officer,
        action="request_correction",
        comment="The mobile number does not answer. Please check it.",
        correction_fields=["contact_phone"],
    )
    application.refresh_from_db()
    assert application.state == "needs_correction"
    return application


@pytest.mark.parametrize(("language", "submitted_label"), [("en", "Submitted"), ("ar", "مُقدَّم")])
def test_my_applications_lists_the_draft_to_continue_then_the_submitted_one(
    signed_in: Client, applicant: User, language: str, submitted_label: str
) -> None:
    draft = start(signed_in, language, EVENT)
    listing = page(signed_in, f"/{language}/my/applications/")
    assert draft.reference in listing
    assert f'href="/{language}/applications/{draft.reference}/event/"' in listing  # "Continue" where it stopped
    assert 'id="submitted-title"' not in listing

    signed_in.post(f"/{language}/applications/{draft.reference}/event/", event_form())
    listing = page(signed_in, f"/{language}/my/applications/")
    assert f'href="/{language}/applications/{draft.reference}/documents/"' in listing

    submitted = submitted_event_permit(applicant)
    listing = page(signed_in, f"/{language}/my/applications/")
    submitted_part = listing[listing.index('id="submitted-title"') :]
    assert submitted.reference in submitted_part and draft.reference not in submitted_part
    assert submitted_label in submitted_part
    with translation.override(language):
        assert formats.date_format(timezone.localdate(submitted.submitted_at), "DATE_FORMAT") in submitted_part
        assert formats.date_format(submitted.expected_by, "DATE_FORMAT") in submitted_part
    assert f'href="/{language}/my/applications/{submitted.reference}/"' in submitted_part


def test_another_persons_applications_are_not_listed(client: Client, applicant: User) -> None:
    submitted = submitted_event_permit(applicant)
    client.force_login(User.objects.create_user(username="someone-else"))
    assert submitted.reference not in page(client, "/en/my/applications/")


def test_a_submitted_application_shows_its_timeline_and_the_steps_open_to_the_applicant(
    signed_in: Client, applicant: User
) -> None:
    application = submitted_event_permit(applicant)
    html = page(signed_in, f"/en/my/applications/{application.reference}/")
    timeline = html[html.index('class="timeline"') :]
    assert "Application started" in timeline and "Fee paid" in timeline and "Submitted" in timeline
    assert f'href="/en/my/applications/{application.reference}/actions/withdraw/"' in html  # "Cancel", confirmed first
    assert f'href="/en/documents/{application.documents.get().token}/"' in html
    assert "Download certificate" not in html

    officer = officer_of(application)
    actions.perform(application=application, actor=officer, action="claim")
    actions.perform(application=application, actor=officer, action="reject", comment="The site has no fire exit.")
    html = page(signed_in, f"/en/my/applications/{application.reference}/")
    assert "Refused" in html and "The site has no fire exit." in html  # a refusal says why
    assert "/actions/withdraw/" not in html  # nothing left to do on a closed application


def test_withdrawing_is_confirmed_on_its_own_page_then_done(signed_in: Client, applicant: User) -> None:
    application = submitted_event_permit(applicant)
    action_url = f"/en/my/applications/{application.reference}/actions/withdraw/"
    confirm = page(signed_in, action_url)
    assert "<h1>Cancel</h1>" in confirm and 'method="post"' in confirm
    assert Application.objects.get(pk=application.pk).state == "submitted"  # looking changes nothing

    response = signed_in.post(action_url, {"revision": str(application.revision)})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "withdrawn" and application.is_closed


def test_an_action_on_a_page_someone_else_changed_meanwhile_changes_nothing(signed_in: Client, applicant: User) -> None:
    application = submitted_event_permit(applicant)
    seen_revision = application.revision
    actions.perform(application=application, actor=officer_of(application), action="claim")
    response = signed_in.post(
        f"/en/my/applications/{application.reference}/actions/withdraw/", {"revision": str(seen_revision)}
    )
    assert response.status_code == 409
    assert "Someone else changed this application" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == "in_review"


def test_the_correction_loop(signed_in: Client, correction_asked: Application) -> None:
    application = correction_asked
    reference = application.reference
    html = page(signed_in, f"/en/my/applications/{reference}/")
    assert "The mobile number does not answer. Please check it." in html
    assert re.search(r"What to correct:</p><ul><li>Mobile number</li></ul>", html)
    assert f'href="/en/my/applications/{reference}/correct/"' in html

    correction_url = f"/en/my/applications/{reference}/correct/"
    form_page = page(signed_in, correction_url)
    assert 'id="field-contact_phone"' in form_page
    assert 'id="field-passport_no"' not in form_page and 'id="document-photo"' not in form_page

    response = signed_in.post(correction_url, {"contact_phone": "12"})
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["#field-contact_phone"]

    # Only the asked answer is read: another one slipped into the form is not changed.
    response = signed_in.post(correction_url, {"contact_phone": "3998 7654", "passport_no": "ZZ999999"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["contact_phone"] == "+97339987654"
    assert application.answers["passport_no"] == "AB123456"
    assert application.state == "needs_correction"

    html = page(signed_in, f"/en/my/applications/{reference}/")
    assert f'action="/en/my/applications/{reference}/actions/resubmit/"' in html
    response = signed_in.post(f"/en/my/applications/{reference}/actions/resubmit/", {"revision": application.revision})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "in_review"
    assert application.correction_fields == [] and application.correction_comment == ""
    assert page(signed_in, correction_url, status=302) == ""  # nothing left to correct


def test_a_correction_naming_nothing_offers_every_answer_and_document(signed_in: Client, applicant: User) -> None:
    application = submitted_passport_renewal(applicant)
    officer = officer_of(application)
    actions.perform(application=application, actor=officer, action="claim")
    actions.perform(application=application, actor=officer, action="request_correction", comment="Check everything.")
    form_page = page(signed_in, f"/en/my/applications/{application.reference}/correct/")
    assert {'id="field-passport_no"', 'id="field-contact_phone"', 'id="document-photo"'} <= set(
        re.findall(r'id="[^"]+"', form_page)
    )
    response = signed_in.post(
        f"/en/my/applications/{application.reference}/correct/",
        {
            "passport_no": "CD654321",
            "expiry_date": application.answers["expiry_date"],
            "passport_condition": "good",
            "collection_point": "airport",
            "contact_phone": "33123456",
            "declaration": "true",
            "photo": upload("new.png", PNG, "image/png"),
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["passport_no"] == "CD654321" and application.answers["collection_point"] == "airport"
    assert application.documents.get(key="photo", superseded=False).original_name == "new.png"


def test_a_correction_names_a_kept_answer_that_no_longer_holds(
    signed_in: Client, correction_asked: Application
) -> None:
    # The collection centre chosen then has closed since: saving the asked correction re-checks
    # the page's other answers, and the one that fails is named even though it is not on the form.
    answers = {**correction_asked.answers, "collection_point": "closed_centre"}
    Application.objects.filter(pk=correction_asked.pk).update(answers=answers)
    url = f"/en/my/applications/{correction_asked.reference}/correct/"
    response = signed_in.post(url, {"contact_phone": "3998 7654"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<li>Collection centre: Choose one of the options.</li>" in html  # named in the error summary
    correction_asked.refresh_from_db()
    assert correction_asked.answers["contact_phone"] != "+97339987654"


def test_my_applications_reads_as_many_rows_in_as_many_queries_for_twelve_as_for_two(
    signed_in: Client, applicant: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(signed_in, "/ar/my/applications/")
        return len(captured)

    def add(count: int) -> None:
        for _ in range(count):
            submitted_event_permit(applicant)
            actions.start_application(applicant=applicant, service_code=PASSPORT, channel="web")

    add(1)
    with_two = queries()
    add(5)
    assert Application.objects.filter(applicant=applicant).count() == 12
    assert queries() == with_two
