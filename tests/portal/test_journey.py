"""Applying on the portal, page by page, in Arabic and English, through the real actions and files."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import formats, timezone, translation

from tahawul import portal
from tahawul.applications import actions
from tahawul.applications.models import Application, Document, DocumentView, Payment
from tahawul.identity.models import Membership, Role, User

pytestmark = pytest.mark.django_db

EVENT = "CIVDEF-EVENT-PERMIT"  # one page, two documents (one only for tents), a fee
VACCINATION = "MOH-VACCINATION-CERTIFICATE"  # one page, no fee, its only document only in some cases
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


# --- fixtures and helpers (the other portal test files import these) ---------------------------


@pytest.fixture(autouse=True)
def store(settings: Any, tmp_path: Path) -> Path:
    """Documents in a throw-away folder; the test payment provider switched on."""
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TAHAWUL_PAYMENT_PROVIDER = "test"
    return tmp_path / "documents"


def make_user(username: str, **fields: Any) -> User:
    return User.objects.create_user(username=username, password="a long test password 1", **fields)


@pytest.fixture
def applicant() -> User:
    return make_user("amina", name_ar="أمينة خليل", name_en="Amina Khalil", national_id="880112345")


@pytest.fixture
def signed_in(client: Client, applicant: User) -> Client:
    client.force_login(applicant)
    return client


def officer_of(application: Application, username: str = "officer") -> User:
    officer = make_user(username, name_en="Officer")
    Membership.objects.create(user=officer, entity=application.entity, role=Role.OFFICER)
    return officer


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def event_day(days: int = 14) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def event_form(**changes: Any) -> dict[str, Any]:
    """The event page as a browser posts it (an unticked checkbox is simply absent)."""
    form: dict[str, Any] = {
        "event_name": "Spring Fair",
        "event_type": "exhibition",
        "start_date": event_day(14),
        "end_date": event_day(16),
        "expected_attendance": "300",
        "site_address.flat": "",
        "site_address.building": "1200",
        "site_address.road": "2803",
        "site_address.block": "428",
        "site_address.area": "Seef",
        "organiser_phone": "3312 3456",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def start(client: Client, language: str, code: str) -> Application:
    response = client.post(f"/{language}/services/{code}/apply/")
    assert response.status_code == 302, response.content[:500]
    reference = response.url.split("/")[3]
    return Application.objects.get(reference=reference)


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary is not None, "no error summary"
    return re.findall(r'href="([^"]+)"', summary.group(0))


def submitted_event_permit(applicant: User, **answers: Any) -> Application:
    """An event permit submitted and paid through the actions, as the pages would."""
    application = actions.start_application(applicant=applicant, service_code=EVENT, channel="web")
    values = {
        "event_name": "Spring Fair",
        "event_type": "exhibition",
        "start_date": event_day(14),
        "end_date": event_day(16),
        "expected_attendance": "300",
        "site_address": {"building": "1200", "road": "2803", "block": "428"},
        "organiser_phone": "33123456",
        **answers,
    }
    check = actions.save_answers(application=application, actor=applicant, answers=values, sections=["event"])
    assert check.ok, check.errors
    actions.attach_document(application=application, actor=applicant, key="site_plan", upload=upload("plan.pdf", PDF))
    actions.prepare_payment(application=application, actor=applicant)
    payment = actions.start_payment(application=application, actor=applicant)
    actions.settle_payment(token=payment.token, succeeded=True)
    application.refresh_from_db()
    return actions.submit(application=application, actor=applicant)


# --- the journey --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "tent_label", "section_title", "start_label"),
    [
        ("en", "Wedding or mourning tent", "The event", "Start now"),
        ("ar", "خيمة عرس أو عزاء", "الفعالية", 'name="csrfmiddlewaretoken"'),
    ],
)
def test_a_paid_application_from_start_to_confirmation(
    signed_in: Client, applicant: User, language: str, tent_label: str, section_title: str, start_label: str
) -> None:
    start_page = page(signed_in, f"/{language}/services/{EVENT}/apply/")
    assert start_label in start_page and "20.000" in start_page

    application = start(signed_in, language, EVENT)
    section_url = f"/{language}/applications/{application.reference}/event/"
    assert application.channel == "web" and application.is_draft
    form_page = page(signed_in, section_url)
    assert f"<h1>{section_title}</h1>" in form_page
    assert {"field-event_name", "field-event_type", "field-site_address-block", "field-fireworks"} <= ids(form_page)

    response = signed_in.post(section_url, event_form(event_type="wedding_tent"))
    documents_url = f"/{language}/applications/{application.reference}/documents/"
    assert response.status_code == 302 and response.url == documents_url
    application.refresh_from_db()
    assert application.answers["event_type"] == "wedding_tent"
    assert application.answers["site_address"] == {"building": "1200", "road": "2803", "block": "428", "area": "Seef"}

    documents_page = page(signed_in, documents_url)
    assert 'enctype="multipart/form-data"' in documents_page
    assert 'id="document-tent_certificate"' in documents_page  # asked because it is a tent
    assert 'accept="application/pdf,.pdf"' in documents_page
    response = signed_in.post(
        documents_url,
        {"site_plan": upload("site plan.pdf", PDF), "tent_certificate": upload("fabric.pdf", PDF)},
    )
    review_url = f"/{language}/applications/{application.reference}/review/"
    assert response.status_code == 302 and response.url == review_url

    review = page(signed_in, review_url)
    assert tent_label in review
    with translation.override(language):
        assert formats.date_format(timezone.localdate() + timedelta(days=14), "DATE_FORMAT") in review
    assert "20.000" in review and "site plan.pdf" in review
    assert f'href="{section_url}?return=review#field-event_name"' in review

    response = signed_in.post(review_url, {"revision": str(Application.objects.get(pk=application.pk).revision)})
    pay_url = f"/{language}/applications/{application.reference}/pay/"
    assert response.status_code == 302 and response.url == pay_url
    response = signed_in.post(pay_url)
    payment = Payment.objects.get(application=application)
    assert payment.amount_fils == 20_000
    assert response.status_code == 302 and response.url == f"/{language}/pay/test/{payment.token}/"

    checkout = page(signed_in, response.url)
    assert 'class="test-payment-banner"' in checkout and "20.000" in checkout
    response = signed_in.post(f"/{language}/pay/test/{payment.token}/", {"decision": "pay"})
    assert response.status_code == 302 and response.url == review_url
    application.refresh_from_db()
    assert application.paid_at is not None

    response = signed_in.post(review_url, {"revision": str(application.revision)})
    done_url = f"/{language}/applications/{application.reference}/done/"
    assert response.status_code == 302 and response.url == done_url
    application.refresh_from_db()
    assert application.state == "submitted" and application.expected_by is not None
    done = page(signed_in, done_url)
    assert application.reference in done
    with translation.override(language):
        assert formats.date_format(application.expected_by, "DATE_FORMAT") in done


def test_an_application_without_a_fee_goes_from_its_page_to_check_and_submit(signed_in: Client) -> None:
    application = start(signed_in, "en", VACCINATION)
    section_url = f"/en/applications/{application.reference}/request/"
    response = signed_in.post(section_url, {"person": "self", "purpose": "travel", "language": "english"})
    review_url = f"/en/applications/{application.reference}/review/"
    assert response.url == review_url  # no document applies when nothing was given abroad
    review = page(signed_in, review_url)
    assert "There is no fee to pay." in review and "Continue to payment" not in review
    response = signed_in.post(review_url, {"revision": str(Application.objects.get(pk=application.pk).revision)})
    assert response.url == f"/en/applications/{application.reference}/done/"
    assert not Payment.objects.filter(application=application).exists()
    assert application.reference in page(signed_in, response.url)


def test_a_question_that_depends_on_an_answer_on_the_same_page_is_asked_when_it_applies(signed_in: Client) -> None:
    application = start(signed_in, "en", EVENT)
    section_url = f"/en/applications/{application.reference}/event/"
    form_page = page(signed_in, section_url)
    assert "Only needed depending on your answer to “Will there be fireworks?”" in form_page

    response = signed_in.post(section_url, event_form(fireworks="true"))
    assert response.status_code == 422
    assert "#field-fireworks_company" in summary_links(response.content.decode())

    response = signed_in.post(section_url, event_form(fireworks="true", fireworks_company="Sky Lights W.L.L."))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["fireworks"] is True
    assert application.answers["fireworks_company"] == "Sky Lights W.L.L."
    assert application.fee_fils == 0 and actions.quote_fee(application=application) == 75_000

    # Unticking the box clears both answers: the company is no longer asked.
    signed_in.post(section_url, event_form(fireworks_company="Sky Lights W.L.L."))
    application.refresh_from_db()
    assert "fireworks" not in application.answers and "fireworks_company" not in application.answers


@pytest.mark.parametrize("language", ["en", "ar"])
def test_bad_answers_come_back_with_every_error_linked_and_nothing_saved(signed_in: Client, language: str) -> None:
    application = start(signed_in, language, EVENT)
    section_url = f"/{language}/applications/{application.reference}/event/"
    response = signed_in.post(
        section_url,
        event_form(
            event_name="x" * 1_000_000,
            event_type="circus",
            start_date="31/02/2026",
            expected_attendance="",
            **{"site_address.block": "12"},
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    links = summary_links(html)
    assert links == [
        "#field-event_name",
        "#field-event_type",
        "#field-start_date",
        "#field-expected_attendance",
        "#field-site_address-block",
    ]
    assert {link[1:] for link in links} <= ids(html)  # each link lands on an input
    assert 'aria-describedby="field-start_date-error"' in html
    assert 'value="31/02/2026"' in html  # what was typed is kept
    if language == "en":
        assert "Choose one of the options." in html and "Enter a date like 2026-03-31." in html
    else:
        assert '<html lang="ar" dir="rtl">' in html
        assert "اختر أحد الخيارات." in html and "أدخل تاريخاً مثل 2026-03-31." in html
    application.refresh_from_db()
    assert application.answers == {}
    assert application.revision == 1


def test_a_page_saved_after_the_draft_changed_elsewhere_keeps_nothing_and_says_so(signed_in: Client) -> None:
    application = start(signed_in, "en", EVENT)
    section_url = f"/en/applications/{application.reference}/event/"
    assert signed_in.post(section_url, {**event_form(), "revision": "1"}).status_code == 302
    response = signed_in.post(section_url, {**event_form(event_name="Autumn Fair"), "revision": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this application" in html and 'value="Autumn Fair"' in html
    application.refresh_from_db()
    assert application.answers["event_name"] == "Spring Fair"
    assert f'name="revision" value="{application.revision}"' in html  # saving again now goes through


def test_a_file_question_is_answered_by_uploading_on_its_page(signed_in: Client) -> None:
    application = start(signed_in, "en", "MUN-ROAD-DAMAGE-REPORT")
    section_url = f"/en/applications/{application.reference}/report/"
    form_page = page(signed_in, section_url)
    assert 'enctype="multipart/form-data"' in form_page
    assert 'id="field-damage_photo" name="damage_photo" type="file" accept="image/jpeg,.jpg,.jpeg,image/png,.png"' in (
        form_page
    )
    answers = {
        "damage_type": "pothole",
        "location.building": "12",
        "location.road": "45",
        "location.block": "305",
        "location_details": "A deep hole in the left lane near the mosque.",
    }

    response = signed_in.post(
        section_url, {**answers, "location_details": "short", "damage_photo": upload("a.png", PNG)}
    )
    assert response.status_code == 422  # the answers have an error, so the photo is not kept either
    assert not Document.objects.filter(application=application).exists()

    response = signed_in.post(section_url, {**answers, "damage_photo": upload("hole.pdf", PDF)})
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["#field-damage_photo"]

    response = signed_in.post(section_url, {**answers, "damage_photo": upload("hole.png", PNG, "image/png")})
    assert response.status_code == 302
    application.refresh_from_db()
    photo = Document.objects.get(application=application, key="damage_photo")
    assert application.answers["damage_photo"] == photo.token
    review = page(signed_in, f"/en/applications/{application.reference}/review/")
    assert "hole.png" in review


def test_documents_are_checked_by_content_type_and_size(signed_in: Client, store: Path) -> None:
    application = start(signed_in, "en", EVENT)
    signed_in.post(f"/en/applications/{application.reference}/event/", event_form(event_type="ramadan_tent"))
    documents_url = f"/en/applications/{application.reference}/documents/"

    response = signed_in.post(
        documents_url,
        {
            "site_plan": upload("plan.pdf", PDF),
            "tent_certificate": upload("certificate.pdf", PNG),  # a PNG renamed .pdf; the document takes PDF only
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert summary_links(html) == ["#document-tent_certificate"]
    assert "not one of the accepted types (PDF)" in html
    kept = Document.objects.get(application=application)
    assert kept.key == "site_plan" and (store / kept.storage_name).read_bytes() == PDF
    assert "plan.pdf" in html  # what is already uploaded is listed with a link to it
    assert f'href="/en/documents/{kept.token}/"' in html

    too_big = PDF + b"0" * (5 * 1024 * 1024)
    response = signed_in.post(documents_url, {"tent_certificate": upload("big.pdf", too_big)})
    assert response.status_code == 422
    assert "larger than 5 MB" in response.content.decode()
    assert not Document.objects.filter(application=application, key="tent_certificate").exists()

    response = signed_in.post(documents_url, {"tent_certificate": upload("certificate.pdf", PDF)})
    assert response.status_code == 302


def test_continuing_without_a_required_document_asks_for_it(signed_in: Client) -> None:
    application = start(signed_in, "en", EVENT)
    signed_in.post(f"/en/applications/{application.reference}/event/", event_form())
    response = signed_in.post(f"/en/applications/{application.reference}/documents/", {})
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["#document-site_plan"]


def test_submitting_with_something_missing_links_to_the_page_to_fix_it(signed_in: Client) -> None:
    application = start(signed_in, "en", EVENT)
    review_url = f"/en/applications/{application.reference}/review/"
    page(signed_in, review_url)  # as a person does: the page fixes the fee before they submit
    response = signed_in.post(review_url, {"revision": str(Application.objects.get(pk=application.pk).revision)})
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == [
        f"/en/applications/{application.reference}/documents/#document-site_plan"
    ]
    signed_in.post(f"/en/applications/{application.reference}/documents/", {"site_plan": upload("plan.pdf", PDF)})
    response = signed_in.post(review_url, {"revision": str(Application.objects.get(pk=application.pk).revision)})
    assert response.status_code == 422
    links = summary_links(response.content.decode())
    assert f"/en/applications/{application.reference}/event/?return=review#field-event_name" in links
    assert f"/en/applications/{application.reference}/event/?return=review#field-site_address-flat" in links
    assert Application.objects.get(pk=application.pk).is_draft


def test_a_declined_test_payment_takes_nothing_and_can_be_retried(signed_in: Client) -> None:
    application = start(signed_in, "en", EVENT)
    signed_in.post(f"/en/applications/{application.reference}/event/", event_form())
    signed_in.post(f"/en/applications/{application.reference}/documents/", {"site_plan": upload("plan.pdf", PDF)})
    checkout = signed_in.post(f"/en/applications/{application.reference}/pay/").url
    assert "TEST PAYMENT — no money is taken" in page(Client(), checkout)  # the page itself needs only the token

    response = signed_in.post(checkout, {"decision": "decline"}, follow=True)
    assert "The payment was declined and nothing was charged" in response.content.decode()
    application.refresh_from_db()
    assert application.paid_at is None
    response = signed_in.post(f"/en/applications/{application.reference}/review/", {"revision": application.revision})
    assert response.url == f"/en/applications/{application.reference}/pay/"

    retry = signed_in.post(f"/en/applications/{application.reference}/pay/").url
    assert retry != checkout
    signed_in.post(retry, {"decision": "pay"})
    application.refresh_from_db()
    assert application.paid_at is not None
    assert signed_in.post(retry, {"decision": "decline"}).status_code == 302  # a settled payment stays settled
    assert Payment.objects.get(token=retry.split("/")[-2]).status == Payment.Status.PAID


def test_the_test_payment_page_does_not_exist_when_a_real_provider_is_configured(
    signed_in: Client, settings: Any
) -> None:
    application = start(signed_in, "en", EVENT)
    signed_in.post(f"/en/applications/{application.reference}/event/", event_form())
    checkout = signed_in.post(f"/en/applications/{application.reference}/pay/").url
    settings.TAHAWUL_PAYMENT_PROVIDER = ""
    assert signed_in.get(checkout).status_code == 404
    assert signed_in.post(checkout, {"decision": "pay"}).status_code == 404


def test_applying_needs_signing_in_but_reading_the_start_page_does_not(client: Client) -> None:
    start_page = page(client, f"/en/services/{EVENT}/apply/")
    assert f'href="/en/accounts/login/?next=/en/services/{EVENT}/apply/"' in start_page
    response = client.post(f"/en/services/{EVENT}/apply/")
    assert response.status_code == 302 and response.url.startswith("/en/accounts/login/?next=")
    assert not Application.objects.filter(service__code=EVENT).exists()
    assert client.get("/en/my/applications/").url.startswith("/en/accounts/login/")


def test_a_service_not_offered_online_says_where_to_get_it_instead(signed_in: Client) -> None:
    html = page(signed_in, "/en/services/MOE-CERTIFICATE-REPLACEMENT/apply/")
    assert "You cannot apply for this service online" in html
    assert 'href="tel:' in html and "Start now" not in html
    signed_in.post("/en/services/MOE-CERTIFICATE-REPLACEMENT/apply/")
    assert not Application.objects.filter(service__code="MOE-CERTIFICATE-REPLACEMENT").exists()


def test_the_header_offers_my_applications_and_signing_out_once_signed_in(client: Client, applicant: User) -> None:
    assert 'href="/en/accounts/login/?next=/en/"' in page(client, "/en/")
    client.force_login(applicant)
    html = page(client, "/en/")
    assert 'href="/en/my/applications/"' in html and "Amina Khalil" in html
    assert re.search(r'<form class="inline-form" method="post" action="/en/accounts/logout/">', html)


def test_someone_else_gets_not_found_on_every_page_of_an_application(
    client: Client, signed_in: Client, applicant: User
) -> None:
    draft = start(signed_in, "en", EVENT)
    signed_in.post(f"/en/applications/{draft.reference}/event/", event_form())
    signed_in.post(f"/en/applications/{draft.reference}/documents/", {"site_plan": upload("plan.pdf", PDF)})
    document = Document.objects.get(application=draft)
    submitted = submitted_event_permit(applicant)
    submitted_document = Document.objects.get(application=submitted)

    client.force_login(make_user("stranger"))
    for reference, token in ((draft.reference, document.token), (submitted.reference, submitted_document.token)):
        for path in (
            f"/en/applications/{reference}/event/",
            f"/en/applications/{reference}/documents/",
            f"/en/applications/{reference}/review/",
            f"/en/applications/{reference}/pay/",
            f"/en/applications/{reference}/done/",
            f"/en/my/applications/{reference}/",
            f"/en/my/applications/{reference}/correct/",
            f"/en/my/applications/{reference}/actions/withdraw/",
            f"/en/my/applications/{reference}/certificate.pdf",
            f"/en/documents/{token}/",
        ):
            assert client.get(path).status_code == 404, path
        assert client.post(f"/en/applications/{reference}/event/", event_form()).status_code == 404
        assert client.post(f"/en/my/applications/{reference}/actions/withdraw/").status_code == 404
    assert Application.objects.get(pk=submitted.pk).state == "submitted"
    assert not DocumentView.objects.exists()


def test_a_document_is_served_inline_only_to_those_who_may_see_it(
    signed_in: Client, client: Client, applicant: User
) -> None:
    application = submitted_event_permit(applicant)
    document = Document.objects.get(application=application)
    Document.objects.filter(pk=document.pk).update(original_name='plan "final"\r\n.pdf')
    response = signed_in.get(f"/en/documents/{document.token}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="plan _final___.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not DocumentView.objects.exists()  # the applicant's own looks are not audited

    officer = officer_of(application)
    client.force_login(officer)
    assert client.get(f"/en/documents/{document.token}/").status_code == 200
    assert DocumentView.objects.filter(document=document, viewer=officer).count() == 1
    assert Client().get(f"/en/documents/{document.token}/").status_code == 302  # to sign in


@pytest.fixture
def portal_templates_first(settings: Any) -> None:
    """The portal's templates ahead of allauth's own.

    The override in portal/templates/allauth/ only wins when the template loaders look in the
    portal before allauth; until settings.py lists ``tahawul.portal`` above ``allauth`` in
    INSTALLED_APPS, this puts the portal's folder first, as that ordering will.
    """
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [Path(portal.__file__).resolve().parent / "templates", *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


@pytest.mark.usefixtures("portal_templates_first")
def test_signing_in_and_up_use_the_portal_layout_and_error_summary(client: Client) -> None:
    html = page(client, "/ar/accounts/login/")
    assert '<html lang="ar" dir="rtl">' in html and 'class="site-header"' in html
    assert html.count("<h1") == 1 and '<label for="id_login">' in html

    response = client.post("/en/accounts/login/", {"login": "nobody", "password": "wrong password"})
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "The username and/or password you specified are not correct." in html

    response = client.post("/en/accounts/signup/", {"username": "", "email": "bad", "password1": "a", "password2": "b"})
    html = response.content.decode()
    links = summary_links(html)
    assert "#id_username" in links and "#id_email" in links
    assert {link[1:] for link in links} <= ids(html)
    assert 'aria-describedby="id_email-error" aria-invalid="true"' in html
    assert html.count('id="id_password1-error"') == 1


def test_signing_in_from_the_start_page_comes_back_to_it(client: Client, applicant: User) -> None:
    response = client.post(
        "/en/accounts/login/",
        {"login": "amina", "password": "a long test password 1", "next": f"/en/services/{EVENT}/apply/"},
    )
    assert response.status_code == 302 and response.url == f"/en/services/{EVENT}/apply/"
    assert "Start now" in page(client, response.url)
