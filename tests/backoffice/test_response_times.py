"""The entity admin sets how many working days the entity has to answer each kind of case."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tahawul.catalog.models import Entity
from tahawul.core.calendar import deadline_after
from tahawul.feedback.cases import CaseInput, open_case, response_days
from tahawul.feedback.models import ResponseSla
from tahawul.identity.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def staff(username: str, entity: Entity, role: str) -> Client:
    user = User.objects.create_user(username=username, password="x", preferred_language="en")
    Membership.objects.create(user=user, entity=entity, role=role)
    client = Client()
    client.force_login(user)
    return client


def url(entity: Entity) -> str:
    return reverse("backoffice:response_times", kwargs={"entity_code": entity.code}).replace("/ar/", "/en/")


def days_of(entity: Entity) -> dict[str, int]:
    return {
        kind: response_days(entity, kind) for kind in ("complaint", "technical", "inquiry", "suggestion", "compliment")
    }


def form(**changes: int | str) -> dict[str, int | str]:
    return {"complaint": 5, "technical": 2, "inquiry": 3, "suggestion": 10, "compliment": 10, **changes}


def test_an_entity_admin_shortens_complaints_and_new_cases_get_the_new_deadline() -> None:
    npra = Entity.objects.get(code="NPRA")
    admin = staff("npra.admin.t", npra, Role.ENTITY_ADMIN)

    response = admin.post(url(npra), form(complaint=2))

    assert response.status_code == 302
    assert days_of(npra)["complaint"] == 2
    assert days_of(Entity.objects.get(code="CIVDEF"))["complaint"] == 5  # another entity keeps the default
    case = open_case(
        values=CaseInput(kind="complaint", description="The counter closed early.", entity_code="NPRA"),
        filed_on="web",
        language="en",
        client="ip:198.51.100.1",
    )
    assert case.due_at == deadline_after(case.created_at, 2)
    page = admin.get(url(npra)).content.decode()
    assert 'value="2"' in page


def test_going_back_to_the_default_removes_the_override() -> None:
    npra = Entity.objects.get(code="NPRA")
    admin = staff("npra.admin.t", npra, Role.ENTITY_ADMIN)
    admin.post(url(npra), form(technical=4))
    assert ResponseSla.objects.filter(entity=npra).count() == 1

    admin.post(url(npra), form())

    assert not ResponseSla.objects.filter(entity=npra).exists()


@pytest.mark.parametrize("bad", ["0", "61", "two", "", "1.5"])
def test_a_bad_number_is_refused_with_a_linked_error_and_nothing_changes(bad: str) -> None:
    npra = Entity.objects.get(code="NPRA")
    admin = staff("npra.admin.t", npra, Role.ENTITY_ADMIN)

    response = admin.post(url(npra), form(complaint=2, inquiry=bad))

    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#id_inquiry"' in page  # the error summary links to the field
    assert 'aria-invalid="true"' in page
    assert days_of(npra)["complaint"] == 5  # the valid change beside it was not saved either


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_only_the_entity_admin_sets_response_times(role: str) -> None:
    npra = Entity.objects.get(code="NPRA")
    other = staff("npra.staff.t", npra, role)

    assert other.get(url(npra)).status_code == 404
    assert other.post(url(npra), form(complaint=1)).status_code == 404
    assert days_of(npra)["complaint"] == 5


def test_another_entitys_admin_gets_not_found() -> None:
    civdef_admin = staff("civdef.admin.t", Entity.objects.get(code="CIVDEF"), Role.ENTITY_ADMIN)

    assert civdef_admin.get(url(Entity.objects.get(code="NPRA"))).status_code == 404


def test_the_page_reads_in_arabic() -> None:
    npra = Entity.objects.get(code="NPRA")
    admin = staff("npra.admin.t", npra, Role.ENTITY_ADMIN)

    page = admin.get(url(npra).replace("/en/", "/ar/")).content.decode()

    assert 'dir="rtl"' in page
