"""What the integrations and Open311 tests share: an entity admin, an integrator with a key, and
services offered on Open311, all made through the real actions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from tahawul.catalog.models import Entity, Service
from tahawul.identity.models import Membership, User
from tahawul.integrations.keys import IssuedKey, issue_api_key, register_integrator
from tahawul.integrations.models import Becomes, Integrator, Open311Service
from tahawul.integrations.open311 import configure_open311_service

ROAD_DAMAGE = "MUN-ROAD-DAMAGE-REPORT"  # a municipal report Open311 can make as an application
BULKY_WASTE = "MUN-BULKY-WASTE-COLLECTION"  # may cost a fee online: only ever a case
METER_DISPUTE = "EWA-METER-READING-COMPLAINT"  # another entity's service
CONSUMER_COMPLAINT = "MOIC-CONSUMER-COMPLAINT"

_numbers = itertools.count(1)


def person(name: str, **roles: str) -> User:
    """A user; ``roles`` maps a role to an entity code (``entity_admin="MUN"``)."""
    user = User.objects.create(username=f"{name}-{next(_numbers)}", name_en=name.title(), name_ar=name)
    for role, code in roles.items():
        Membership.objects.create(user=user, entity=Entity.objects.get(code=code), role=role)
    return user


def offer(code: str, becomes: str, *, public_location: bool = False, exposed: bool = True) -> Open311Service:
    service = Service.objects.select_related("entity").get(code=code)
    return configure_open311_service(
        actor=None, service=service, exposed=exposed, becomes=becomes, public_location=public_location
    )


def key_for(integrator: Integrator, entity_code: str) -> IssuedKey:
    return issue_api_key(actor=None, integrator=integrator, entity=Entity.objects.get(code=entity_code))


@dataclass
class Open311World:
    """Road damage reports become applications (their places are public); bulky waste and meter
    disputes become cases. CityFix holds a key for the municipality (MUN) only."""

    mun_admin: User
    integrator: Integrator
    key: str
    mun_key: IssuedKey


@pytest.fixture
def world(db: None) -> Open311World:
    offer(ROAD_DAMAGE, Becomes.APPLICATION, public_location=True)
    offer(BULKY_WASTE, Becomes.CASE)
    offer(METER_DISPUTE, Becomes.CASE)
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    issued = key_for(integrator, "MUN")
    return Open311World(
        mun_admin=person("mun admin", entity_admin="MUN"), integrator=integrator, key=issued.raw, mun_key=issued
    )
