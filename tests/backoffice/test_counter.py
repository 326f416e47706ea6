"""Applying at the counter or by phone on someone's behalf, found by their national ID."""

from __future__ import annotations

import pytest

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.identity.models import User
from tests.backoffice.conftest import TRANSFER, TRANSFER_ANSWERS, logged_in

pytestmark = pytest.mark.django_db

COUNTER = "/en/office/MOE/counter/"


def test_the_counter_offers_the_services_taking_assisted_applications(officer: User) -> None:
    html = logged_in(officer).get(COUNTER).content.decode()
    assert f'<option value="{TRANSFER}"' in html
    assert '<option value="MOE-CERTIFICATE-REPLACEMENT"' in html  # counter only
    assert "MOE-SCHOLARSHIPS-INFO" not in html  # information only: nothing to apply for
    assert '<label for="id_national_id">' in html


def test_an_officer_applies_at_the_counter_for_a_beneficiary(officer: User, beneficiary: User) -> None:
    response = logged_in(officer).post(
        COUNTER, {"national_id": beneficiary.national_id, "channel": "counter", "service": TRANSFER}
    )
    assert response.status_code == 302
    application = Application.objects.get(applicant=beneficiary)
    assert response["Location"] == f"/en/applications/{application.reference}/student/"
    assert (application.channel, application.assisted_by, application.state) == ("counter", officer, "draft")

    # The officer goes through the journey with the beneficiary and submits it.
    assert actions.save_answers(application=application, actor=officer, answers=TRANSFER_ANSWERS).ok
    actions.submit(application=application, actor=officer)
    submit = application.events.get(action="submit")
    assert (submit.actor, submit.on_behalf_of, submit.channel) == (officer, beneficiary, "counter")


def test_by_telephone(officer: User, beneficiary: User) -> None:
    response = logged_in(officer).post(
        COUNTER, {"national_id": beneficiary.national_id, "channel": "call_centre", "service": TRANSFER}
    )
    # The school transfer is not offered by telephone: the form says so and nothing is started.
    assert response.status_code == 422
    assert "not offered by Call centre" in response.content.decode()
    assert not Application.objects.filter(applicant=beneficiary).exists()


def test_an_unknown_national_id_is_said_clearly(officer: User) -> None:
    response = logged_in(officer).post(COUNTER, {"national_id": "999999999", "channel": "counter", "service": TRANSFER})
    html = response.content.decode()
    assert response.status_code == 422
    assert "No one is registered with this national ID number." in html
    assert 'href="#id_national_id"' in html
    assert 'aria-describedby="id_national_id-hint id_national_id-error"' in html


def test_a_national_id_must_have_nine_digits(officer: User) -> None:
    response = logged_in(officer).post(COUNTER, {"national_id": "12345", "channel": "counter", "service": TRANSFER})
    assert response.status_code == 422
    assert "A national ID number has 9 digits." in response.content.decode()


def test_arabic_digits_are_read(officer: User, beneficiary: User) -> None:
    assert beneficiary.national_id is not None
    arabic = beneficiary.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = logged_in(officer).post(COUNTER, {"national_id": arabic, "channel": "counter", "service": TRANSFER})
    assert response.status_code == 302
    assert Application.objects.filter(applicant=beneficiary, assisted_by=officer).exists()
