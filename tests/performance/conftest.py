"""Small hand-made histories written straight into the month aggregates (the counters the
application actions keep are tested with those actions), in 2021, long before any other test's
data, so every expected figure can be worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tahawul.applications.models import CompletedDay, ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Entity, Service
from tahawul.feedback.models import SatisfactionDay
from tahawul.identity.models import Role, User
from tahawul.performance.models import ChannelCost, OfflineVolume
from tests.applications.conftest import give_role, make_user

PASSPORT = "NPRA-PASSPORT-RENEW"
ID_CARD = "NPRA-ID-CARD"
EVENT_PERMIT = "CIVDEF-EVENT-PERMIT"


def service(code: str) -> Service:
    return Service.objects.select_related("entity").get(code=code)


def month_counts(code: str, channel: str, month: date, **counts: int) -> None:
    found = service(code)
    ServiceMonth.objects.create(service=found, entity=found.entity, channel=channel, month=month, **counts)


def processing(code: str, channel: str, month: date, histogram: dict[int, int]) -> None:
    found = service(code)
    for days, completed in histogram.items():
        ProcessingMonth.objects.create(
            service=found, entity=found.entity, channel=channel, month=month, working_days=days, completed=completed
        )


def offline(code: str, channel: str, month: date, completed: int) -> None:
    found = service(code)
    OfflineVolume.objects.create(service=found, entity=found.entity, channel=channel, month=month, completed=completed)


def cost(entity_code: str, channel: str, quarter: date, staff_fils: int, running_fils: int = 0) -> None:
    ChannelCost.objects.create(
        entity=Entity.objects.get(code=entity_code),
        channel=channel,
        quarter=quarter,
        staff_fils=staff_fils,
        running_fils=running_fils,
    )


def ratings(code: str, channel: str, day: date, *, satisfied: int, neutral: int = 0, dissatisfied: int = 0) -> None:
    found = service(code)
    SatisfactionDay.objects.create(
        service=found,
        entity=found.entity,
        channel=channel,
        day=day,
        satisfied=satisfied,
        neutral=neutral,
        dissatisfied=dissatisfied,
    )


def completed_on(code: str, channel: str, day: date, completed: int) -> None:
    """The per-day completions the satisfaction index weighs its cells by."""
    found = service(code)
    CompletedDay.objects.create(service=found, entity=found.entity, channel=channel, day=day, completed=completed)


@dataclass
class Admins:
    npra: User  # NPRA's entity admin
    civdef: User  # CIVDEF's entity admin
    npra_officer: User
    authority: User  # the eGovernment authority's (IGA) entity admin
    analyst: User


@pytest.fixture
def admins(db: None) -> Admins:
    npra = Entity.objects.get(code="NPRA")
    return Admins(
        npra=give_role(make_user("npra-admin"), npra, Role.ENTITY_ADMIN),
        civdef=give_role(make_user("civdef-admin"), Entity.objects.get(code="CIVDEF"), Role.ENTITY_ADMIN),
        npra_officer=give_role(make_user("npra-officer"), npra, Role.OFFICER),
        authority=give_role(make_user("iga-admin"), Entity.objects.get(code="IGA"), Role.ENTITY_ADMIN),
        analyst=give_role(make_user("analyst"), None, Role.ANALYST),
    )


@pytest.fixture(autouse=True)
def _no_other_history(db: None) -> None:
    # Whatever history the shared test database was given (a simulated demo, say), these tests
    # work out every figure by hand from the rows they write themselves.
    for model in (ServiceMonth, ProcessingMonth, CompletedDay, SatisfactionDay, OfflineVolume, ChannelCost):
        model.objects.all().delete()
