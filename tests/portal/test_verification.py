"""The certificate an approval issues: downloaded by its holder, checked by anyone against the register."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application, Certificate
from tahawul.identity.models import User
from tests.portal import test_journey
from tests.portal.test_journey import (
    make_user,
    officer_of,
    page,
    submitted_event_permit,
)

pytestmark = pytest.mark.django_db

# The journey's fixtures, shared by name: a signed-in applicant, documents in a temporary folder.
applicant = test_journey.applicant
signed_in = test_journey.signed_in
store = test_journey.store


@pytest.fixture
def approved(applicant: User) -> Application:
    """An event permit taken through review and inspection to approval by an officer."""
    application = submitted_event_permit(applicant, event_name="Seef Lantern Festival")
    officer = officer_of(application)
    for step in ("claim", "schedule_inspection", "approve"):
        actions.perform(application=application, actor=officer, action=step)
    application.refresh_from_db()
    assert application.state == "approved"
    return application


def test_the_holder_downloads_the_certificate_as_a_pdf(
    signed_in: Client, client: Client, approved: Application
) -> None:
    html = page(signed_in, f"/en/my/applications/{approved.reference}/")
    pdf_url = f"/en/my/applications/{approved.reference}/certificate.pdf"
    assert f'href="{pdf_url}"' in html and "Download certificate (PDF)" in html
    response = signed_in.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert approved.certificate.number in response["Content-Disposition"]

    client.force_login(make_user("stranger"))
    assert client.get(pdf_url).status_code == 404


@pytest.mark.parametrize(
    ("language", "valid", "kind"),
    [("en", "Valid", "Permit"), ("ar", 'class="verify-result verify-result--valid"', "تصريح")],
)
def test_anyone_can_verify_a_certificate_and_sees_only_what_it_prints(
    client: Client, approved: Application, applicant: User, language: str, valid: str, kind: str
) -> None:
    number = approved.certificate.number
    html = page(client, f"/{language}/verify/{number}/")  # no sign-in
    assert valid in html and kind in html
    assert number in html
    assert "أمينة خليل" in html and "Amina Khalil" in html
    assert approved.service.name_en in html or approved.service.name_ar in html
    assert approved.entity.name_en in html or approved.entity.name_ar in html
    for private in (applicant.national_id, approved.reference, "Seef Lantern Festival", "33123456", "site plan"):
        assert private not in html


def test_the_verification_form_takes_the_number_as_people_type_it(client: Client, approved: Application) -> None:
    number = approved.certificate.number
    assert 'id="verify-number"' in page(client, "/en/verify/")
    typed = number.lower().replace("-", " ")
    response = client.get("/en/verify/", {"number": typed})
    assert response.status_code == 302 and response.url == f"/en/verify/{number}/"
    response = client.get("/en/verify/", {"number": ""})
    assert response.status_code == 400
    assert 'href="#verify-number"' in response.content.decode()


def test_a_revoked_certificate_says_so(client: Client, approved: Application) -> None:
    Certificate.objects.filter(pk=approved.certificate.pk).update(revoked_at=timezone.now())
    html = page(client, f"/en/verify/{approved.certificate.number}/")
    assert "Revoked" in html and "verify-result--revoked" in html and "Valid:" not in html


def test_an_unknown_number_is_reported_as_not_found(client: Client) -> None:
    html = page(client, "/en/verify/CE-0000-0000-0000/", status=404)
    assert "Not found" in html and "verify-result--not-found" in html
