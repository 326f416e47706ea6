"""An entity admin subscribes a receiver to the entity's events on a phone, in Arabic, with the
keyboard alone after a mistake; an application made at the counter then reaches that receiver,
signed with the secret the page showed, through ``tahawul run``'s own worker. Every page is
audited with axe and measured for sideways scrolling."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from tahawul.webhooks.signing import verify
from tests.browser.conftest import RunningServer
from tests.webhooks.conftest import Receiver, serve

pytestmark = pytest.mark.browser

PASSWORD = "demo-tahawul-2026"  # every demo account's
ADMIN = "npra.admin"
PHONE_WIDTH = 360
DELIVERY_WAIT_SECONDS = 30
AXE = Axe()

# Made through the real actions in the server's own database: Fatima applies at the counter for a
# certificate of her travel movements; the officer submits it.
COUNTER_APPLICATION = """
from django.utils import timezone
from tahawul.applications import actions
from tahawul.identity.models import User

officer = User.objects.get(username="npra.officer")
fatima = User.objects.get(username="fatima")
application = actions.start_application(
    applicant=fatima, service_code="NPRA-TRAVEL-RECORD", channel="counter", assisted_by=officer
)
answers = {
    "period_from": "2020-01-01",
    "period_to": timezone.localdate().isoformat(),
    "purpose": "court",
    "addressed_to": "High Civil Court",
    "contact_phone": "33100001",
}
check = actions.save_answers(application=application, actor=officer, answers=answers)
assert check.ok, check.errors
print(actions.submit(application=application, actor=officer).reference)
"""


class Audit:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH + 1:
            self.problems.append(f"{name} {page.url}: {width}px wide on a {PHONE_WIDTH}px phone")
        for violation in AXE.run(page).response["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            self.problems.append(f"{name} {page.url}: axe {violation['id']} ({violation['impact']}) at {targets}")


def go(page: Page, control: Locator) -> None:
    with page.expect_navigation():
        control.click()


def press(page: Page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def apply_at_the_counter(server: RunningServer) -> str:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["TAHAWUL_VAR_DIR"] = str(server.var_dir)
    made = subprocess.run(
        [sys.executable, "-m", "tahawul", "shell", "-c", COUNTER_APPLICATION],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


def wait_for_delivery(receiver: Receiver) -> None:
    deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
    while not receiver.requests:
        assert time.monotonic() < deadline, "the worker did not deliver the event"
        time.sleep(0.2)


def test_an_entity_admin_subscribes_a_receiver_that_hears_the_next_application(
    running_server: RunningServer, browser: Browser
) -> None:
    receiver, http_server = serve()
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True, locale="ar"
    )
    context.set_default_timeout(15_000)
    audit = Audit()
    try:
        page = context.new_page()
        base = running_server.url
        page.goto(f"{base}/ar/accounts/login/?next={quote('/ar/office/NPRA/webhooks/')}")
        page.locator("#id_login").fill(ADMIN)
        page.locator("#id_password").fill(PASSWORD)
        go(page, page.locator("form.account-form button[type=submit]"))
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("nav.office-nav a[aria-current=page]")).to_have_attribute(
            "href", "/ar/office/NPRA/webhooks/"
        )
        audit(page, "subscriptions")

        go(page, page.locator("main a[href='/ar/office/NPRA/webhooks/new/']"))
        go(page, page.locator("main form button[type=submit]"))  # nothing filled in
        expect(page.locator(".error-summary a[href='#id_events']")).to_be_visible()
        audit(page, "new subscription, with errors")

        # The keyboard alone: name, address, the first two events, past the rest, submit.
        page.locator("#id_name").focus()
        page.keyboard.type("نظام متابعة الطلبات")
        press(page, "Tab")
        page.keyboard.type(receiver.url)
        press(page, "Tab", "Space", "Tab", "Space")
        expect(page.locator("#id_events")).to_be_checked()
        expect(page.locator("#id_events-2")).to_be_checked()
        with page.expect_navigation():
            press(page, "Tab", "Tab", "Tab", "Tab", "Tab", "Enter")  # 3 boxes, the select, the button
        secret = page.locator("#webhook-secret").input_value()
        assert secret.startswith("whsec_")
        audit(page, "subscription, secret shown")
        subscription_url = page.url

        reference = apply_at_the_counter(running_server)
        wait_for_delivery(receiver)

        [request] = receiver.requests
        verify(request.body, request.headers["Tahawul-Signature"], secret)
        assert (request.json["type"], request.json["data"]["reference"]) == ("application.submitted", reference)
        assert request.json["data"]["channel"] == "counter"
        # The worker records the answer just after the receiver gave it.
        page.goto(subscription_url)
        expect(page.locator("#webhook-secret")).to_have_count(0)  # shown once, not on every visit
        for _ in range(20):
            if page.locator("main table td.numeric", has_text="200").count():
                break
            time.sleep(0.25)
            page.reload()
        expect(page.locator("main table td.numeric", has_text="200")).to_be_visible()
        audit(page, "subscription with a delivery")
        go(page, page.locator("main table a[href*='/webhooks/deliveries/']"))
        expect(page.locator("main pre")).to_contain_text(reference)
        audit(page, "delivery")

        page.goto(subscription_url)
        go(page, page.locator("form:has(input[value=pause]) button"))
        expect(page.locator("#paused-title")).to_be_visible()
        audit(page, "paused subscription")
        go(page, page.locator("form:has(input[value=resume]) button"))
        expect(page.locator("#paused-title")).to_have_count(0)
    finally:
        context.close()
        http_server.shutdown()
        http_server.server_close()
    assert audit.problems == [], "\n".join(audit.problems)
