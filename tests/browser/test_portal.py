"""The portal in a real browser: both languages, a phone, the keyboard, and an axe audit."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AUDITED = [
    "/{lang}/",
    "/{lang}/search/?q={query}",
    "/{lang}/services/NPRA-PASSPORT-RENEW/",
    "/{lang}/search/?q=passport&page=abc",  # the error summary
]
QUERIES = {"ar": "جوازات", "en": "passports"}


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("path", AUDITED)
def test_pages_have_no_serious_accessibility_violations(live_url: str, page: Page, language: str, path: str) -> None:
    page.goto(live_url + path.format(lang=language, query=QUERIES[language]))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert serious_violations(page) == []


def test_search_from_the_home_page_with_the_keyboard(live_url: str, page: Page) -> None:
    page.goto(live_url + "/ar/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.get_by_role("searchbox").first.fill("الجواز")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/search/**")
    first = page.locator(".service-card__title a").first
    expect(first).to_have_attribute("href", "/ar/services/NPRA-PASSPORT-RENEW/")
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/services/NPRA-PASSPORT-RENEW/")
    expect(page.get_by_role("heading", level=1)).to_have_text("تجديد جواز السفر")


def test_language_switch_keeps_the_page(live_url: str, page: Page) -> None:
    page.goto(live_url + "/ar/services/NPRA-PASSPORT-RENEW/")
    page.locator('a[hreflang="en"]').first.click()
    page.wait_for_url("**/en/services/NPRA-PASSPORT-RENEW/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Passport renewal")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_service_page_fits_a_phone_without_sideways_scrolling(live_url: str, phone: Page) -> None:
    for path in ("/ar/", "/ar/search/?q=جواز", "/ar/services/MUN-BUILDING-PERMIT/"):
        phone.goto(live_url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
    expect(phone.get_by_role("link", name="ابدأ الآن")).to_be_visible()


def test_api_docs_work_offline_from_our_own_static_files(live_url: str, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_url + "/api/v1/docs")
    expect(page.get_by_text("/api/v1/services/{code}", exact=True)).to_be_visible()
    assert requested
    assert all(url.startswith((live_url, "data:")) for url in requested), requested
