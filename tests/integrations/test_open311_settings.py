"""The entity admin's Open311 setting of a service, the services that can take applications from
Open311, how a definition's questions become attributes, and the rate limit's windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.errors import ServiceNotOnline
from tahawul.catalog.models import Service
from tahawul.core.choices import Channel
from tahawul.definitions.selectors import current_definition
from tahawul.identity.selectors import NotFound
from tahawul.integrations.attributes import answers_from, attributes_of
from tahawul.integrations.errors import InvalidIntegration, InvalidServiceRequest, TooManyRequests
from tahawul.integrations.limits import consume_request_allowance
from tahawul.integrations.models import Becomes, IntegrationEvent, RequestWindow
from tahawul.integrations.open311 import configure_open311_service
from tahawul.integrations.selectors import entity_service_settings, requestable_services
from tests.integrations.conftest import (
    BULKY_WASTE,
    CONSUMER_COMPLAINT,
    METER_DISPUTE,
    ROAD_DAMAGE,
    Open311World,
    key_for,
    offer,
    person,
)

pytestmark = pytest.mark.django_db


def service(code: str) -> Service:
    return Service.objects.select_related("entity").get(code=code)


def test_a_service_needing_an_online_fee_can_be_a_case_but_not_an_application() -> None:
    admin = person("mun admin", entity_admin="MUN")

    with pytest.raises(InvalidIntegration) as refused:
        configure_open311_service(actor=admin, service=service(BULKY_WASTE), exposed=True, becomes=Becomes.APPLICATION)
    setting = configure_open311_service(actor=admin, service=service(BULKY_WASTE), exposed=True, becomes=Becomes.CASE)

    assert "fee paid online" in refused.value.errors["becomes"].en
    assert setting.becomes == Becomes.CASE
    assert [item.service.code for item in requestable_services()] == [BULKY_WASTE]
    (event,) = IntegrationEvent.objects.filter(action="open311_configured")
    assert event.actor == admin
    assert event.details == {"service": BULKY_WASTE, "exposed": True, "becomes": "case", "public_location": False}


def test_a_service_the_applicant_must_attend_in_person_can_only_be_a_case() -> None:
    with pytest.raises(InvalidIntegration) as refused:
        offer("MOSD-FAMILY-COUNSELLING", Becomes.APPLICATION)  # a counselling session is booked
    offer("MOSD-FAMILY-COUNSELLING", Becomes.CASE)

    assert refused.value.errors["becomes"].en == (
        'The step "Session booked" needs the applicant in person, which an Open311 request cannot arrange.'
    )
    assert [item.service.code for item in requestable_services()] == ["MOSD-FAMILY-COUNSELLING"]


def test_only_the_services_entity_admins_set_it() -> None:
    for stranger in (person("ewa admin", entity_admin="EWA"), person("mun officer", supervisor="MUN")):
        with pytest.raises(NotFound):
            configure_open311_service(actor=stranger, service=service(ROAD_DAMAGE), exposed=True, becomes="case")
        with pytest.raises(NotFound):
            entity_service_settings(stranger, service(ROAD_DAMAGE).entity)


def test_the_admin_sees_why_a_service_cannot_take_applications() -> None:
    admin = person("ewa admin", entity_admin="EWA")

    settings = {item.service.code: item for item in entity_service_settings(admin, service(METER_DISPUTE).entity)}

    reasons = [reason.en for reason in settings[METER_DISPUTE].not_an_application]
    assert any("needs a file" in reason for reason in reasons)
    assert any("waits for the applicant" in reason for reason in reasons)
    assert any("issues a document" in reason for reason in reasons)
    assert settings[METER_DISPUTE].setting is None


def test_applications_on_open311_only_where_the_admin_switched_it_on(world: Open311World) -> None:
    account = world.integrator.account
    assert account is not None
    answers = {
        "shop_name": "Gadget House",
        "complaint_type": "warranty",
        "purchase_date": timezone.localdate().isoformat(),
        "details": "The shop refuses to repair a phone still under warranty.",
        "complainant_phone": "33123456",
    }

    with pytest.raises(ServiceNotOnline):
        actions.apply(applicant=account, service_code=CONSUMER_COMPLAINT, channel=Channel.OPEN311, answers=answers)
    offer(CONSUMER_COMPLAINT, Becomes.APPLICATION)
    applied = actions.apply(
        applicant=account, service_code=CONSUMER_COMPLAINT, channel=Channel.OPEN311, answers=answers
    )

    assert applied.submitted
    assert applied.application.channel == Channel.OPEN311


def test_every_question_type_becomes_one_of_the_six_datatypes() -> None:
    _version, definition = current_definition(code=METER_DISPUTE)

    datatypes = {attribute.code: attribute.datatype for attribute in attributes_of(definition)}

    assert datatypes == {
        "account_no": "string",
        "meter_type": "singlevaluelist",
        "bill_date": "datetime",
        "disputed_amount": "number",
        "current_reading": "number",
        "reasons": "multivaluelist",
        "details": "text",
        "lab_test": "singlevaluelist",
        "mobile": "string",
    }  # the meter photo, a file, is left out


def test_attribute_values_become_raw_answers_for_the_validator() -> None:
    _version, definition = current_definition(code=ROAD_DAMAGE)

    answers = answers_from(
        definition,
        {"damage_type": ["pothole"], "location.road": ["45"], "location.block": ["678"], "reporter_phone": [" "]},
    )
    with pytest.raises(InvalidServiceRequest) as refused:
        answers_from(definition, {"damage_type": ["pothole", "other"], "damage_photo": ["x.jpg"]})

    assert answers == {"damage_type": "pothole", "location": {"road": "45", "block": "678"}}
    assert set(refused.value.errors) == {"attribute[damage_type]", "attribute[damage_photo]"}


def test_each_key_has_its_own_hourly_window(world: Open311World, settings: Any) -> None:
    settings.TAHAWUL_OPEN311_REQUESTS_PER_HOUR = 2
    ten_past = datetime(2026, 3, 1, 9, 10, tzinfo=UTC)
    key = world.mun_key.api_key
    other = key_for(world.integrator, "EWA").api_key

    consume_request_allowance(api_key=key, now=ten_past)
    consume_request_allowance(api_key=key, now=ten_past + timedelta(minutes=5))
    with pytest.raises(TooManyRequests) as limited:
        consume_request_allowance(api_key=key, now=ten_past + timedelta(minutes=20))
    consume_request_allowance(api_key=other, now=ten_past + timedelta(minutes=20))
    consume_request_allowance(api_key=key, now=ten_past + timedelta(hours=1))

    assert limited.value.retry_after == 30 * 60
    # The new hour's window replaced the old one.
    assert list(RequestWindow.objects.filter(api_key=key).values_list("starts_at", "count")) == [
        (datetime(2026, 3, 1, 10, 0, tzinfo=UTC), 1)
    ]
