"""The beneficiary's pages, rendered in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/{lang}/",
    "/{lang}/search/?q=passport",
    "/{lang}/entities/",
    "/{lang}/entities/NPRA/",
    "/{lang}/categories/health/",
    "/{lang}/life-events/having-a-baby/",
    "/{lang}/services/NPRA-PASSPORT-RENEW/",
    "/{lang}/services/NPRA-PASSPORT-RENEW/apply/",
]


def html(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_right_to_left_in_arabic_and_left_to_right_in_english(client: Client, page: str) -> None:
    arabic = html(client, page.format(lang="ar"))
    english = html(client, page.format(lang="en"))
    assert '<html lang="ar" dir="rtl">' in arabic
    assert '<html lang="en" dir="ltr">' in english
    for document in (arabic, english):
        assert document.count("<h1") == 1
        assert 'href="#main"' in document and 'id="main"' in document


@pytest.mark.parametrize("page", PAGES)
def test_every_page_switches_to_itself_in_the_other_language(client: Client, page: str) -> None:
    arabic = html(client, page.format(lang="ar"))
    switch = re.search(r'<a href="([^"]+)" lang="en" hreflang="en">English</a>', arabic)
    assert switch is not None
    response = client.get(switch.group(1).replace("&amp;", "&"))
    assert response.status_code == 302
    assert response.url == page.format(lang="en")


def test_root_sends_arabic_by_default_then_the_language_last_chosen(client: Client) -> None:
    assert client.get("/").url == "/ar/"
    client.get("/language/en/?next=/en/entities/")
    assert client.get("/").url == "/en/"
    client.get("/language/ar/?next=/ar/")
    assert client.get("/").url == "/ar/"


def test_the_language_switch_never_sends_people_to_another_site(client: Client) -> None:
    assert client.get("/language/en/?next=https://evil.example/").url == "/en/"
    assert client.get("/language/en/?next=//evil.example/").url == "/en/"
    assert client.get("/language/fr/?next=/en/").status_code == 404


def test_home_offers_search_topics_and_life_events(client: Client) -> None:
    page = html(client, "/en/")
    assert '<label for="id_q">Search for a service</label>' in page
    assert 'href="/en/life-events/having-a-baby/"' in page
    assert 'href="/en/categories/identity-travel/"' in page
    assert "Having a baby" in page


def test_demo_data_is_marked_in_the_footer(client: Client) -> None:
    assert "Demo data" in html(client, "/en/")


def test_search_page_lists_ranked_results_with_a_count(client: Client) -> None:
    page = html(client, "/en/search/?q=passports")
    first_link = re.search(r'class="service-card__title"><a href="([^"]+)"', page)
    assert first_link is not None and first_link.group(1) == "/en/services/NPRA-PASSPORT-RENEW/"
    assert re.search(r"\d+ services found", page)


def test_search_with_a_bad_page_number_shows_an_error_summary_linked_to_the_field(client: Client) -> None:
    page = html(client, "/en/search/?q=passport&page=abc", status=400)
    assert 'class="error-summary"' in page
    assert '<a href="#id_page">Page: Enter a whole number.</a>' in page
    assert 'id="id_page"' in page and 'aria-invalid="true"' in page


def test_search_for_nothing_and_for_an_essay(client: Client) -> None:
    assert "All services" in html(client, "/en/search/?q=")
    html(client, "/en/search/?q=" + "passport " * 300)


def test_a_search_that_finds_nothing_says_what_to_do(client: Client) -> None:
    page = html(client, "/en/search/?q=qwertyuiop")
    assert "0 services found" in page
    assert "Try other words" in page


def test_service_page_tells_what_a_person_needs_to_know(client: Client) -> None:
    page = html(client, "/en/services/NPRA-PASSPORT-RENEW/")
    for expected in [
        "<h1>Passport renewal</h1>",
        "Who can use it",
        "What you need",
        "Current passport number",  # a field
        "Recent photo",  # a document
        "JPEG, PNG, up to 2 MB",
        "12.000 BHD",
        "15 working days",
        "Web portal",
        "Transactional",
        'href="/en/services/NPRA-PASSPORT-RENEW/apply/"',
        "Start now",
        "passports@npra.demo.example",
    ]:
        assert expected in page, expected


def test_an_informational_service_has_no_start_button(client: Client) -> None:
    page = html(client, "/en/services/EWA-TARIFF-INFO/")
    assert "Start now" not in page
    assert "Informational" in page


def test_unknown_pages_are_404_in_the_visitor_language(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    arabic = html(client, "/ar/services/NOPE-NOTHING/", status=404)
    english = html(client, "/en/services/NOPE-NOTHING/", status=404)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "Page not found" in english
    html(client, "/en/entities/NOPE/", status=404)
    html(client, "/en/no-such-page/", status=404)


def test_pages_only_answer_get_and_head(client: Client) -> None:
    assert client.post("/en/search/", {"q": "x"}).status_code == 405


def test_pages_forbid_anything_not_served_by_the_portal_itself(client: Client) -> None:
    policy = client.get("/en/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
