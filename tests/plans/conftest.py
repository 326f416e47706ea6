"""People and plans for the plan tests, made through the real actions."""

from __future__ import annotations

from datetime import date

import pytest

from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.plans import actions
from tahawul.plans.models import Plan, PlanItem, Stage
from tests.backoffice.conftest import make_person

TRANSFER = "MOE-SCHOOL-TRANSFER"  # transactional on web, mobile and counter; 3 staff steps, 9 days
REPLACEMENT = "MOE-CERTIFICATE-REPLACEMENT"  # interactive; collected in person
LABOUR_SERVICE_ENTITY = "MOL"


@pytest.fixture
def moe(db: None) -> Entity:
    return Entity.objects.get(code="MOE")


@pytest.fixture
def admin(db: None) -> User:
    return make_person("Admin Huda", entity_admin="MOE")


@pytest.fixture
def moe_officer(db: None) -> User:
    return make_person("Officer Amal", officer="MOE")


@pytest.fixture
def other_admin(db: None) -> User:
    return make_person("Labour Admin", entity_admin="MOL")


@pytest.fixture
def authority(db: None) -> User:
    return make_person("Authority Noor", officer="IGA")


@pytest.fixture
def plan(admin: User, moe: Entity) -> Plan:
    return actions.create_plan(actor=admin, entity=moe, first_year=2026, last_year=2028)


def rev(plan: Plan) -> int:
    """The plan's revision as stored: what a page drawn now would carry."""
    plan.refresh_from_db()
    return plan.revision


def add_transfer(admin: User, plan: Plan, **changes: object) -> PlanItem:
    arguments: dict[str, object] = {
        "service_code": TRANSFER,
        "target_stage": Stage.CONNECTED,
        "target_channels": ["web", "mobile"],
        "target_date": date(2027, 6, 30),
    }
    arguments.update(changes)
    return actions.add_item(actor=admin, plan=plan, expected_revision=rev(plan), **arguments)  # type: ignore[arg-type]


@pytest.fixture
def item(admin: User, plan: Plan) -> PlanItem:
    return add_transfer(admin, plan)
