"""Only the entity's officers and supervisors see its back office; everyone else gets 404, as
if nothing were there, never 403."""

from __future__ import annotations

import pytest
from django.test import Client

from tahawul.applications.models import Application
from tahawul.identity.models import User
from tests.backoffice.conftest import logged_in, page_url

pytestmark = pytest.mark.django_db

MOE_PAGES = ["/en/office/MOE/queue/", "/en/office/MOE/load/", "/en/office/MOE/counter/"]


@pytest.mark.parametrize("path", MOE_PAGES)
def test_staff_of_another_entity_get_404_for_this_entitys_pages(outsider: User, path: str) -> None:
    assert logged_in(outsider).get(path).status_code == 404


@pytest.mark.parametrize("path", [*MOE_PAGES, "/en/office/"])
def test_a_beneficiary_gets_404_in_the_back_office(beneficiary: User, path: str) -> None:
    assert logged_in(beneficiary).get(path).status_code == 404


def test_an_unknown_entity_is_404_like_one_you_do_not_work_for(officer: User) -> None:
    assert logged_in(officer).get("/en/office/NOPE/queue/").status_code == 404


def test_logging_in_is_required(client: Client) -> None:
    response = client.get("/en/office/MOE/queue/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_entitys_officer_can_neither_see_nor_act_on_an_application(
    outsider: User, submitted: Application
) -> None:
    client = logged_in(outsider)
    assert client.get(page_url(submitted)).status_code == 404
    for data in (
        {"do": "claim", "revision": submitted.revision},
        {"do": "assign", "assignee": outsider.pk, "revision": submitted.revision},
        {"do": "perform", "transition": "claim", "revision": submitted.revision},
    ):
        assert client.post(page_url(submitted), data).status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert submitted.assignee is None
    assert list(submitted.events.values_list("action", flat=True)) == ["start", "submit"]


def test_the_applicant_does_not_see_their_application_in_the_back_office(
    beneficiary: User, submitted: Application
) -> None:
    assert logged_in(beneficiary).get(page_url(submitted)).status_code == 404


def test_a_draft_is_not_the_entitys_business_yet(officer: User, beneficiary: User) -> None:
    from tahawul.applications import actions

    draft = actions.start_application(applicant=beneficiary, service_code="MOE-SCHOOL-TRANSFER", channel="web")
    assert logged_in(officer).get(page_url(draft)).status_code == 404


def test_an_officer_who_is_not_a_supervisor_gets_404_for_the_load_page(officer: User) -> None:
    assert logged_in(officer).get("/en/office/MOE/load/").status_code == 404


def test_home_takes_someone_working_for_one_entity_straight_to_its_queue(officer: User) -> None:
    response = logged_in(officer).get("/en/office/")
    assert response.status_code == 302
    assert response["Location"] == "/en/office/MOE/queue/"


def test_home_lists_the_entities_of_someone_working_for_several(officer: User) -> None:
    from tahawul.catalog.models import Entity
    from tahawul.identity.models import Membership, Role

    Membership.objects.create(user=officer, entity=Entity.objects.get(code="MOL"), role=Role.OFFICER)
    html = logged_in(officer).get("/en/office/").content.decode()
    assert 'href="/en/office/MOE/queue/"' in html
    assert 'href="/en/office/MOL/queue/"' in html
    assert "/en/office/MOE/load/" not in html  # an officer there, not a supervisor


def test_home_takes_an_entity_admin_to_the_entitys_cases(beneficiary: User) -> None:
    from tahawul.catalog.models import Entity
    from tahawul.identity.models import Membership, Role

    Membership.objects.create(user=beneficiary, entity=Entity.objects.get(code="MOE"), role=Role.ENTITY_ADMIN)
    response = logged_in(beneficiary).get("/en/office/")
    assert response.status_code == 302
    assert response["Location"] == "/en/office/MOE/cases/"


def test_home_takes_the_analyst_to_the_satisfaction_figures(beneficiary: User) -> None:
    from tahawul.identity.models import Membership, Role

    Membership.objects.create(user=beneficiary, entity=None, role=Role.ANALYST)
    response = logged_in(beneficiary).get("/en/office/")
    assert response.status_code == 302
    assert response["Location"] == "/en/insights/satisfaction/"


def test_every_back_office_page_links_to_the_figures_and_to_reporting_a_problem(officer: User) -> None:
    html = logged_in(officer).get("/en/office/MOE/queue/").content.decode()
    assert 'href="/en/insights/satisfaction/"' in html
    assert 'href="/en/feedback/new/?kind=technical&amp;page=/en/office/MOE/queue/"' in html
