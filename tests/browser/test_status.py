"""The status page on a phone, in Arabic then English, as `tahawul run` serves it with the demo's
history: reached from the footer, read with the keyboard, each page free of axe violations and of
sideways scrolling."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import RunningServer

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
AXE = Axe()


def problems_on(page: Page) -> list[str]:
    found = [f"{page.url}: axe {item['id']} ({item['impact']})" for item in AXE.run(page).response["violations"]]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH + 1:
        found.append(f"{page.url}: {width}px wide on a {PHONE_WIDTH}px phone")
    return found


def test_the_status_page_on_a_phone(running_server: RunningServer, phone: Page) -> None:
    problems = []
    phone.goto(f"{running_server.url}/ar/")
    phone.locator('footer a[href="/ar/status/"]').click()
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator(".component")).to_have_count(8)
    expect(phone.locator(".component").first.locator(".uptime-bar")).to_have_count(90)
    problems += problems_on(phone)

    table_link = phone.locator('a[href="/ar/status/components/payments/"]')
    table_link.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("table caption")).to_be_visible()
    expect(phone.locator("tbody tr")).to_have_count(90)
    problems += problems_on(phone)

    phone.goto(f"{running_server.url}/en/status/")
    expect(phone.get_by_role("heading", name="Past incidents")).to_be_visible()
    phone.get_by_role("link", name="Payments could not be completed on the portal").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Payments could not be completed on the portal")
    expect(phone.get_by_text("The payment gateway's certificate had expired; it is renewed.")).to_be_visible()
    problems += problems_on(phone)

    assert problems == []
