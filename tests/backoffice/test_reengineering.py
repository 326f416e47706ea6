"""The re-engineering report on the demo passport renewal (version 1: before its re-engineering,
version 2: now), and "what to re-engineer next", for the people allowed to see them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tahawul.applications.models import ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Entity, Service
from tahawul.demo.loader import load_demo
from tahawul.identity.models import Role
from tahawul.performance.spans import add_months
from tests.applications.conftest import give_role, make_user
from tests.backoffice.conftest import logged_in
from tests.performance.test_reengineering import PILOT, pilot_history

pytestmark = pytest.mark.django_db

PASSPORT = "NPRA-PASSPORT-RENEW"


def report_url(language: str = "en", query: str = "", entity: str = "NPRA", service: str = PASSPORT) -> str:
    path = reverse("backoffice:reengineering_report", kwargs={"entity_code": entity, "service_code": service})
    return path.replace("/ar/", f"/{language}/") + query


def next_url(language: str = "en", entity: str | None = "NPRA") -> str:
    if entity is None:
        path = reverse("backoffice:reengineering_next_national")
    else:
        path = reverse("backoffice:reengineering_next", kwargs={"entity_code": entity})
    return path.replace("/ar/", f"/{language}/")


def person(role: str, entity: str | None = "NPRA") -> Client:
    found = Entity.objects.get(code=entity) if entity else None
    return logged_in(give_role(make_user(role), found, role))


def designer() -> Client:
    return person(Role.DESIGNER)


def text_of(html: str) -> str:
    """The words of ``html``, without tags and the marks that keep signed numbers left to right."""
    words = re.sub(r"<[^>]+>", " ", html).replace("\u2066", "").replace("\u2069", "")
    return re.sub(r"\s+", " ", words)


def row(html: str, label: str) -> str:
    """The text of the table row whose header starts with ``label``."""
    for found in re.findall(r"<tr>.*?</tr>", html, re.DOTALL):
        cells = text_of(found).strip()
        if cells.startswith(label):
            return cells
    raise AssertionError(f"no row {label!r}")


def test_the_demo_passport_renewal_has_its_earlier_version_first() -> None:
    service = Service.objects.get(code=PASSPORT)
    sources = dict(service.versions.values_list("number", "source_name"))
    assert set(sources) == {1, 2}
    assert "services_earlier" in sources[1] and "services_earlier" not in sources[2]
    assert service.current_version == 2


def test_loading_the_demo_again_publishes_neither_version_again() -> None:
    published = load_demo()
    assert [item for item in published if item.changed] == []
    assert Service.objects.get(code=PASSPORT).versions.count() == 2


def test_the_report_shows_both_versions_side_by_side_in_english() -> None:
    response = designer().get(report_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Re-engineering report: Passport renewal" in html
    assert row(html, "Required documents").startswith(
        "Required documents Removed: Copy of your identity card (both sides), Copy of your birth certificate "
        "4 2 -2 ✓ better"
    )
    assert row(html, "In-person visits").startswith(
        "In-person visits Removed: Waiting for your appointment 2 1 -1 ✓ better"
    )
    assert (
        row(html, "Expected working days")
        == "Expected working days 28 working days 15 working days -13 working days ✓ better"
    )
    assert row(html, "Where the fee is paid") == "Where the fee is paid Paid at a counter Paid online ✓ better"
    assert row(html, "Fee") == "Fee 12.000 BHD 12.000 BHD 0 no change"
    assert row(html, "Channels").startswith("Channels Added: Mobile app, Kiosk 2 4 +2 ✓ better")
    # Both versions were published as the demo loaded, so nothing has run long enough yet.
    assert "Not run long enough yet: the new version has been current for 0 full months" in text_of(html)


def test_once_the_new_version_has_run_the_report_shows_what_it_changed() -> None:
    pilot_history()  # version 2 published in April 2021, whole months of figures on both sides

    html = designer().get(report_url(service=PILOT)).content.decode()

    assert "6 months under the earlier version compared with 6 under the new one" in text_of(html)
    assert "Before: October 2020 to March 2021, 100 transactions. After: May 2021 to October 2021" in text_of(html)
    assert row(html, "Digital take-up") == "Digital take-up 30 % 80 % +50 percentage points ✓ better"
    assert row(html, "Completion rate") == "Completion rate 60 % 90 % +30 percentage points ✓ better"
    assert row(html, "Median processing time") == (
        "Median processing time 10 working days 3 working days -7 working days ✓ better"
    )
    assert row(html, "Satisfied users") == "Satisfied users 50 % 90 % +40 percentage points ✓ better"


def test_the_report_reads_right_to_left_in_arabic() -> None:
    response = designer().get(report_url("ar"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "تجديد جواز السفر" in html
    assert "صورة من البطاقة الذكية (الوجهان)" in html  # the removed document, by its Arabic name
    assert "\u2066-13\u2069" in html  # a signed number stays "-13", not "13-", in a right-to-left line


@pytest.mark.parametrize("query", ["?from=1&to=2", "?from=&to=", "?from=1", "?to=2"])
def test_two_versions_can_be_chosen_and_the_selects_show_them(query: str) -> None:
    response = designer().get(report_url(query=query))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<select id="id_from" name="from">\s*<option value="2">Version 2</option><option value="1" selected>', html
    )
    assert '<label for="id_to">Later version</label>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=abc&to=2", "There is no version abc of this service. Choose one of the published versions."),
        ("?from=1&to=9", "There is no version 9 of this service. Choose one of the published versions."),
        ("?from=2&to=1", "Choose two different published versions of the service, the earlier one first."),
        ("?from=2&to=2", "Choose two different published versions of the service, the earlier one first."),
    ],
)
def test_bad_version_numbers_are_explained_in_the_page(query: str, message: str) -> None:
    response = designer().get(report_url(query=query))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert message in html
    assert "Required documents" not in html  # no table built on a bad choice


def test_a_service_with_one_version_says_there_is_nothing_to_compare() -> None:
    response = designer().get(report_url(service="NPRA-ID-CARD"))
    assert response.status_code == 400
    assert "This service has only one published version: there is nothing to compare yet." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "entity", "status"),
    [
        (Role.DESIGNER, "NPRA", 200),
        (Role.ENTITY_ADMIN, "NPRA", 200),
        (Role.SUPERVISOR, "NPRA", 200),
        (Role.OFFICER, "IGA", 200),  # the eGovernment authority's staff see every entity
        (Role.ANALYST, None, 200),
        (Role.OFFICER, "NPRA", 404),
        (Role.DESIGNER, "MOE", 404),
    ],
)
def test_who_may_see_the_report_and_the_ranking(role: str, entity: str | None, status: int) -> None:
    client = person(role, entity)
    assert client.get(report_url()).status_code == status
    assert client.get(next_url()).status_code == status


def test_a_service_of_another_entity_is_not_found_under_this_one() -> None:
    assert designer().get(report_url(entity="NPRA", service="MOE-SCHOOL-TRANSFER")).status_code == 404
    assert designer().get(report_url(entity="NOPE")).status_code == 404


def test_signed_out_people_are_sent_to_sign_in() -> None:
    response = Client().get(report_url())
    assert response.status_code == 302


def counter_work(code: str, completed: int, days: int) -> None:
    service = Service.objects.select_related("entity").get(code=code)
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    ServiceMonth.objects.create(
        service=service, entity=service.entity, channel="counter", month=last_month, completed=completed
    )
    ProcessingMonth.objects.create(
        service=service,
        entity=service.entity,
        channel="counter",
        month=last_month,
        working_days=days,
        completed=completed,
    )


def test_the_ranking_explains_each_row_and_links_to_the_report() -> None:
    counter_work(PASSPORT, 400, 12)
    counter_work("NPRA-ID-CARD", 100, 2)
    counter_work("MOE-SCHOOL-TRANSFER", 5000, 30)  # another entity: not on NPRA's page

    html = designer().get(next_url()).content.decode()

    assert "What to re-engineer next at" in html
    passport, id_card = (row(html, "1 Passport renewal"), row(html, "2 "))
    assert "400" in passport and "Median processing time: 12 working days." in passport
    assert "400 transactions at a counter, by phone or by post" in passport
    assert "NPRA-ID-CARD" in id_card
    assert "MOE-SCHOOL-TRANSFER" not in html
    assert report_url("en") in html  # the passport has two versions to compare
    assert report_url("en", service="NPRA-ID-CARD") not in html  # the ID card has only one


def test_the_national_ranking_is_the_authoritys_alone() -> None:
    counter_work("MOE-SCHOOL-TRANSFER", 5000, 30)
    counter_work(PASSPORT, 400, 12)
    html = person(Role.ANALYST, None).get(next_url(entity=None)).content.decode()
    assert "What to re-engineer next across the government" in html
    assert text_of(html).index("MOE-SCHOOL-TRANSFER") < text_of(html).index(PASSPORT)
    assert designer().get(next_url(entity=None)).status_code == 404
    assert person(Role.ENTITY_ADMIN).get(next_url(entity=None)).status_code == 404


def test_the_ranking_in_arabic() -> None:
    counter_work(PASSPORT, 400, 12)
    response = designer().get(next_url("ar"))
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
