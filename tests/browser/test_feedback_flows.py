"""The beneficiary's voice in a real browser, against ``tahawul run`` itself: the kiosk's one-tap
rating on a portrait touch screen, the counter receipt's QR rating on a phone, and a complaint
filed with the keyboard alone. All in Arabic, every page audited with axe."""

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
KIOSK = "K-BROWSER-1"
PHONE_WIDTH = 360
KIOSK_SIZE = {"width": 1080, "height": 1920}
TOUCH_TARGET = 120  # px: the smallest a kiosk face may be
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


def axe_problems(page: Page, name: str, *, except_rule: str = "") -> list[str]:
    problems = []
    for violation in AXE.run(page).response["violations"]:
        if violation["id"] == except_rule:
            continue
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


def test_the_kiosk_takes_one_tap_thanks_and_returns_to_the_faces(live_url: str, context_for: NewContext) -> None:
    kiosk = context_for(viewport=KIOSK_SIZE, has_touch=True).new_page()
    faces_url = f"{live_url}/ar/kiosk/rate/{SERVICE}/?device={KIOSK}"
    kiosk.goto(faces_url)
    expect(kiosk.locator("html")).to_have_attribute("dir", "rtl")
    buttons = kiosk.locator("form.kiosk-faces button[name=face]")
    expect(buttons).to_have_count(3)
    problems = axe_problems(kiosk, "kiosk faces") + sideways(kiosk, KIOSK_SIZE["width"])
    for index in range(3):
        button = buttons.nth(index)
        box = button.bounding_box()
        assert box is not None and min(box["width"], box["height"]) >= TOUCH_TARGET, box
        # Each face says what it means in words (JavaScript's \w is ASCII only: match any letters).
        expect(button).to_have_text(re.compile(r"[^\s\d]{3,}"))
    expect(kiosk.locator("a.kiosk__language")).to_have_attribute("href", f"/en/kiosk/rate/{SERVICE}/?device={KIOSK}")

    with kiosk.expect_navigation():
        kiosk.locator("button[name=face][value=happy]").tap()
    expect(kiosk.locator("h1")).to_be_visible()
    assert "/thanks/" in kiosk.url
    expect(kiosk.locator("a[href*='/more/']")).to_have_count(0)
    # The one rule waived, on this page only: its timed return is the kiosk's reset for the next
    # person (the brief asks for it without script). Nothing is lost by it: the rating is saved.
    problems += axe_problems(kiosk, "kiosk thanks", except_rule="meta-refresh")
    # Nobody touches anything: after five seconds the next person finds the faces again.
    kiosk.wait_for_url(faces_url, timeout=9_000)
    expect(buttons).to_have_count(3)

    # An unhappy tap may say more, on a screen of its own.
    with kiosk.expect_navigation():
        kiosk.locator("button[name=face][value=unhappy]").tap()
    more = kiosk.locator("a[href*='/more/']")
    expect(more).to_be_visible()
    with kiosk.expect_navigation():
        more.tap()
    expect(kiosk.locator("#kiosk-comment")).to_be_visible()
    problems += axe_problems(kiosk, "kiosk tell us more")
    assert problems == [], "\n".join(problems)


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
