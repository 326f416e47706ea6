"""The beneficiary's voice in a real browser, against ``tahawul run`` itself: the counter
receipt's QR rating on a phone, and a complaint filed with the keyboard alone (the kiosk's one-tap
rating is in test_kiosk.py). All in Arabic, every page audited with axe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import RunningServer

pytestmark = pytest.mark.browser

SERVICE = "EWA-DISCONNECTION"  # on the web and at the counter, no fee, no documents
PHONE_WIDTH = 360
REFERENCE = re.compile(r"^CS-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
AXE = Axe()

# Made through the real actions in the server's own database: John closes his electricity account
# at the counter, and the officer prints his receipt, whose QR code carries this token.
COUNTER_APPLICATION = """
from datetime import timedelta
from django.utils import timezone
from tahawul.applications import actions
from tahawul.feedback.ratings import receipt_token
from tahawul.identity.models import User

officer = User.objects.get(username="ewa.officer")
john = User.objects.get(username="john")
application = actions.start_application(
    applicant=john, service_code="EWA-DISCONNECTION", channel="counter", assisted_by=officer
)
answers = {
    "account_no": "1234567890",
    "vacating_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
    "reason": "leaving_country",
    "mobile": "33100002",
}
check = actions.save_answers(application=application, actor=officer, answers=answers)
assert check.ok, check.errors
application = actions.submit(application=application, actor=officer)
print(receipt_token(application))
"""


def axe_problems(page: Page, name: str) -> list[str]:
    problems = []
    for violation in AXE.run(page).response["violations"]:
        targets = [node["target"] for node in violation["nodes"]]
        problems.append(f"{name} {page.url}: axe {violation['id']} ({violation['impact']}) at {targets}")
    return problems


def sideways(page: Page, width: int) -> list[str]:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    return [f"{page.url}: {scrolled}px wide on a {width}px screen"] if scrolled > width + 1 else []


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def context_for(browser: Browser) -> Iterator[NewContext]:
    """A fresh device (its own cookies) in Arabic, of the size given."""
    opened: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        context = browser.new_context(locale="ar", **options)  # type: ignore[arg-type]
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def test_the_counter_receipt_qr_code_rates_the_visit_on_a_phone(
    running_server: RunningServer, context_for: NewContext
) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["TAHAWUL_VAR_DIR"] = str(running_server.var_dir)
    made = subprocess.run(
        [sys.executable, "-m", "tahawul", "shell", "-c", COUNTER_APPLICATION],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]

    phone = context_for(viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{running_server.url}/ar/rate/receipt/{token}/")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("h1")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("إغلاق")  # the service's Arabic name
    problems = axe_problems(phone, "receipt rating") + sideways(phone, PHONE_WIDTH)

    phone.locator("label[for=rate-face-neutral]").tap()
    expect(phone.locator("#rate-face-neutral")).to_be_checked()
    phone.locator("#rate-comment").fill("الموظف كان لطيفاً لكن الانتظار طال نصف ساعة.")
    with phone.expect_navigation():
        phone.locator("form.rate-form button[type=submit]").tap()
    expect(phone.locator(".confirmation-panel h1")).to_be_visible()
    assert phone.url.endswith("/ar/rate/thanks/"), phone.url
    problems += axe_problems(phone, "rating thanks") + sideways(phone, PHONE_WIDTH)

    forged = phone.request.get(f"{running_server.url}/ar/rate/receipt/{token[:-2]}xx/")
    assert forged.status == 404
    assert problems == [], "\n".join(problems)


def tab_to(page: Page, element_id: str, *, most: int = 40) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} on {page.url} cannot be reached with the Tab key")


def test_a_complaint_is_filed_with_the_keyboard_alone_after_an_error(live_url: str, context_for: NewContext) -> None:
    page = context_for(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_url}/ar/feedback/new/?service={SERVICE}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#case-service")).to_have_value(SERVICE)
    problems = axe_problems(page, "new case")

    tab_to(page, "case-kind-complaint")
    page.keyboard.press("Space")
    expect(page.locator("#case-kind-complaint")).to_be_checked()
    tab_to(page, "case-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the description is still empty

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.locator('a[href="#case-description"]')
    expect(link).to_be_visible()
    expect(page.locator("#case-kind-complaint")).to_be_checked()  # what was chosen stays
    expect(page.locator("#case-description")).to_have_attribute("aria-invalid", "true")
    problems += axe_problems(page, "new case with an error")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#case-description")).to_be_focused()
    page.keyboard.type("انقطعت الكهرباء بعد تقديم طلب الإغلاق وقبل موعد الإخلاء.")
    tab_to(page, "case-contact_email")
    page.keyboard.type("reader@example.com")
    tab_to(page, "case-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The fragment of the error link followed earlier is carried over the redirect.
    assert re.search(r"/ar/feedback/filed/(#.*)?$", page.url), page.url
    reference = page.locator(".confirmation-panel .reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    problems += axe_problems(page, "case filed")
    with page.expect_navigation():
        page.locator(f'a[href="/ar/feedback/cases/{reference}/"]').first.press("Enter")
    expect(page.locator("main")).to_contain_text("انقطعت الكهرباء")
    problems += axe_problems(page, "case status")
    assert problems == [], "\n".join(problems)
