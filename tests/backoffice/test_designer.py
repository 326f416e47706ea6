"""The service designer's pages: the entity's services with the linter's findings, one service's
versions and findings, in Arabic and English; nobody else's to see."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tahawul.catalog.models import Service
from tahawul.identity.models import User
from tests.backoffice.conftest import make_person

pytestmark = pytest.mark.django_db

RENEWAL = "NPRA-PASSPORT-RENEW"  # two versions in the demo; its current one asks for a passport scan


def services_url(lang: str = "en", entity: str = "NPRA") -> str:
    return f"/{lang}/office/{entity}/services/"


def service_url(code: str = RENEWAL, lang: str = "en", entity: str = "NPRA") -> str:
    return f"/{lang}/office/{entity}/services/{code}/"


@pytest.fixture
def designer() -> User:
    return make_person("Designer Huda", designer="NPRA")


def row_of(html: str, code: str) -> str:
    found = re.search(rf"<tr>\s*<th scope=\"row\">(?:(?!</tr>).)*{code}(?:(?!</tr>).)*</tr>", html, re.DOTALL)
    assert found is not None, f"no row for {code}"
    return found.group(0)


def version_counts(html: str, number: int) -> list[int]:
    """Errors, warnings and advice in the versions table's row of version ``number``."""
    found = re.search(rf'<th scope="row" class="numeric">{number}\b(?:(?!</tr>).)*</tr>', html, re.DOTALL)
    assert found is not None, f"no row for version {number}"
    return numbers_in(found.group(0))


def numbers_in(row: str) -> list[int]:
    return [int(number) for number in re.findall(r'<td class="numeric">(\d+)</td>', row)]


def test_a_designer_sees_the_entitys_services_with_their_findings(
    designer: User, as_user: Callable[[User], Client]
) -> None:
    response = as_user(designer).get(services_url())
    assert response.status_code == 200
    html = response.content.decode()
    renewal = row_of(html, RENEWAL)
    service = Service.objects.get(code=RENEWAL)
    version, errors, warnings, _advice = numbers_in(renewal)
    assert version == service.current_version
    assert errors >= 1  # the passport scan the directorate already holds
    assert warnings >= 1
    assert "Transactional" in renewal
    assert f'href="{service_url()}"' in renewal
    assert "NPRA-VISITOR-VISA-INFO" in html
    assert "MOE-SCHOOL-TRANSFER" not in html  # another entity's service


def test_an_entity_admin_sees_them_too(as_user: Callable[[User], Client]) -> None:
    admin = make_person("Admin Yusuf", entity_admin="NPRA")
    assert as_user(admin).get(services_url()).status_code == 200
    assert as_user(admin).get(service_url()).status_code == 200


@pytest.mark.parametrize(
    "roles", [{"officer": "MOL"}, {"designer": "MOL"}, {"officer": "NPRA"}, {"supervisor": "NPRA"}]
)
def test_anyone_else_gets_404(roles: dict[str, str], as_user: Callable[[User], Client]) -> None:
    stranger = as_user(make_person("Stranger", **roles))
    assert stranger.get(services_url()).status_code == 404
    assert stranger.get(service_url()).status_code == 404


def test_signing_in_comes_first(client: Client) -> None:
    response = client.get(services_url())
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_service_of_another_entity_or_none_is_404(designer: User, as_user: Callable[[User], Client]) -> None:
    office = as_user(designer)
    assert office.get(service_url("MOE-SCHOOL-TRANSFER")).status_code == 404
    assert office.get(service_url("NPRA-NO-SUCH-SERVICE")).status_code == 404
    assert office.get(service_url(RENEWAL, entity="MOE")).status_code == 404  # not the designer's entity


def test_the_service_page_explains_each_finding_in_english(designer: User, as_user: Callable[[User], Client]) -> None:
    html = as_user(designer).get(service_url()).content.decode()
    assert "TW101-held-document" in html
    assert "documents[1]" in html
    assert "“Scan of your current passport data page” asks for a copy of a passport issued by the Kingdom" in html
    assert "TW104-in-person-visit" in html
    assert '<h3 id="findings-error">Errors</h3>' in html


def test_the_service_page_in_arabic(designer: User, as_user: Callable[[User], Client]) -> None:
    html = as_user(designer).get(service_url(lang="ar")).content.decode()
    assert 'dir="rtl"' in html
    assert "TW101-held-document" in html
    assert "«صورة صفحة بيانات الجواز الحالي»" in html  # the document's Arabic label inside the explanation
    assert "Scan of your current passport data page" not in html


def test_the_list_in_arabic(designer: User, as_user: Callable[[User], Client]) -> None:
    html = as_user(designer).get(services_url(lang="ar")).content.decode()
    assert 'dir="rtl"' in html
    assert Service.objects.get(code=RENEWAL).name_ar in html


def test_versions_are_listed_and_the_report_compares_the_last_two(
    designer: User, as_user: Callable[[User], Client]
) -> None:
    service = Service.objects.get(code=RENEWAL)
    assert service.current_version >= 2
    html = as_user(designer).get(service_url()).content.decode()
    for number in range(1, service.current_version + 1):
        assert re.search(rf'<th scope="row" class="numeric">{number}\b', html)
    before, after = service.current_version - 1, service.current_version
    assert f'href="/en/office/NPRA/services/{RENEWAL}/compare/?from={before}&amp;to={after}"' in html


def test_each_version_shows_its_own_findings_so_re_engineering_shows(
    designer: User, as_user: Callable[[User], Client]
) -> None:
    html = as_user(designer).get(service_url()).content.decode()
    current, first = (version_counts(html, number) for number in (2, 1))
    assert first[0] > current[0]  # version 1 asked for three documents the government holds
    assert sum(first) > sum(current)


def test_a_service_with_one_version_offers_no_comparison(designer: User, as_user: Callable[[User], Client]) -> None:
    html = as_user(designer).get(service_url("NPRA-VISIT-VISA")).content.decode()
    assert Service.objects.get(code="NPRA-VISIT-VISA").current_version == 1
    assert "/compare/" not in html
