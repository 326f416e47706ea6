"""The demo government on Open311: some services as applications, some as cases, a demo
integrator without a key; loading twice changes nothing an admin set."""

from __future__ import annotations

import pytest

from tahawul.catalog.models import Service
from tahawul.demo.loader import load_people
from tahawul.demo.open311 import DEMO_INTEGRATOR, load_open311_demo
from tahawul.identity.models import Role, User
from tahawul.integrations.models import ApiKey, Becomes, Integrator
from tahawul.integrations.open311 import configure_open311_service
from tahawul.integrations.selectors import requestable_services

pytestmark = pytest.mark.django_db


def test_the_demo_offers_applications_and_cases_and_keeps_what_an_admin_changed() -> None:
    load_people()  # the municipality's admin is one of the demo people
    load_open311_demo()
    offered = {item.service.code: item.setting.becomes for item in requestable_services()}
    admin = User.objects.get(username="mun.admin")
    configure_open311_service(
        actor=admin, service=Service.objects.get(code="MUN-BULKY-WASTE-COLLECTION"), exposed=False, becomes="case"
    )

    load_open311_demo()

    assert set(offered.values()) == {Becomes.APPLICATION, Becomes.CASE}
    assert offered["MUN-ROAD-DAMAGE-REPORT"] == Becomes.APPLICATION
    assert admin.memberships.get().role == Role.ENTITY_ADMIN
    assert Integrator.objects.filter(name=DEMO_INTEGRATOR).count() == 1
    assert not ApiKey.objects.exists()  # keys are secrets: never made by the demo
    assert "MUN-BULKY-WASTE-COLLECTION" not in {item.service.code for item in requestable_services()}
