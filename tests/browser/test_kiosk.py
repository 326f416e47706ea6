"""Kiosk mode in a real browser on a 1080 × 1920 portrait touch screen, against ``tahawul run``
itself: the kiosk enrolled with the one-time link ``tahawul run`` prints; a one-tap rating; signing
in with the code the worker wrote to the SMS outbox, applying for a kiosk service and rating it at
the end; checking that application's status; and the idle timer warning, then wiping the session.
Every page type is audited with axe and measured for touch targets."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import RunningServer

pytestmark = pytest.mark.browser

SCREEN = {"width": 1080, "height": 1920}
TOUCH_TARGET = 64  # px, the smallest a kiosk button or link may be
FATIMA = {"national_id": "900101234", "mobile": "+97333100001"}  # a demo beneficiary
TRAINING = "MOL-TRAINING-REGISTER"
AXE = Axe()


class Audit:
    """Problems found on the way, reported together at the end of a journey."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def page(self, page: Page, name: str) -> None:
        for violation in AXE.run(page).response["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            self.problems.append(f"{name} {page.url}: axe {violation['id']} ({violation['impact']}) at {targets}")
        small = page.evaluate(
            """(least) => Array.from(document.querySelectorAll('main a, main button, header a, header button'))
                .filter((el) => el.offsetParent !== null && !el.closest('dialog:not([open])'))
                .map((el) => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect()])
                .filter(([, box]) => box.height < least || box.width < least)
                .map(([text, box]) => `${text} ${Math.round(box.width)}x${Math.round(box.height)}`)""",
            TOUCH_TARGET,
        )
        self.problems += [f"{name}: touch target too small: {item}" for item in small]
        if page.evaluate("document.documentElement.scrollWidth") > SCREEN["width"] + 1:
            self.problems.append(f"{name}: wider than the screen")

    def check(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def enrolment_link(server: RunningServer) -> str:
    """The one-time link ``tahawul run`` printed for the demo kiosk K-01."""
    found = re.search(r"kiosk K-01: +(http://\S+/kiosk/enrol/\S+/)", (server.var_dir / "server.log").read_text())
    assert found is not None, "tahawul run printed no kiosk enrolment link"
    return found.group(1)


def sms_code(outbox: Path, mobile: str, after: int) -> str:
    """The newest sign-in code the worker sent to ``mobile``, waiting for it as a person would."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = outbox.read_text(encoding="utf-8").splitlines()[after:] if outbox.exists() else []
        codes = [re.search(r"\b\d{6}\b", line["body"]) for line in map(json.loads, lines) if line["to"] == mobile]
        if codes and codes[-1] is not None:
            return codes[-1].group(0)
        time.sleep(0.3)
    pytest.fail(f"no sign-in code reached {mobile} in {outbox}")


def lines_in(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def tap_through(page: Page, selector: str) -> None:
    """Tap what leads to another page, and wait for it."""
    with page.expect_navigation():
        page.locator(selector).tap()


def tap_keys(page: Page, field: str, text: str) -> None:
    keypad = page.locator(f"[data-keypad-for='kiosk-{field}']")
    for key in text:
        keypad.locator(f"[data-key='{key}']").tap()
    expect(page.locator(f"#kiosk-{field}")).to_have_value(text)


@pytest.fixture(scope="module")
def kiosk(browser: Browser, running_server: RunningServer) -> Iterator[Page]:
    """The kiosk's browser, enrolled once through the printed link."""
    context = browser.new_context(viewport=SCREEN, has_touch=True, locale="ar")
    context.set_default_timeout(15_000)
    screen = context.new_page()
    screen.goto(enrolment_link(running_server))
    with screen.expect_navigation():
        screen.locator("main button[type=submit]").tap()
    assert screen.url == f"{running_server.url}/ar/kiosk/"
    yield screen
    context.close()


def test_a_visitor_rates_a_service_with_one_tap(kiosk: Page, running_server: RunningServer) -> None:
    audit = Audit()
    expect(kiosk.locator("html")).to_have_attribute("dir", "rtl")
    expect(kiosk.locator(".kiosk-choice")).to_have_count(4)
    audit.page(kiosk, "start")
    tap_through(kiosk, "a[href='/ar/kiosk/rate/']")
    audit.page(kiosk, "which service")
    tap_through(kiosk, f"a[href='/ar/kiosk/rate/{TRAINING}/?back=start']")
    faces = kiosk.locator("form.kiosk-faces button[name=face]")
    expect(faces).to_have_count(3)
    audit.page(kiosk, "faces")
    for index in range(3):
        box = faces.nth(index).bounding_box()
        assert box is not None and min(box["width"], box["height"]) >= 120, box  # the faces are bigger still

    tap_through(kiosk, "button[name=face][value=unhappy]")
    expect(kiosk.locator("a[href*='/more/']")).to_be_visible()
    audit.page(kiosk, "thanks")
    tap_through(kiosk, "a[href*='/more/']")
    audit.page(kiosk, "tell us more")
    kiosk.locator("#kiosk-comment").fill("آلة الأرقام كانت معطلة")
    tap_through(kiosk, "form.kiosk-more button[type=submit]")
    # Nobody touches anything: the thanks page returns to the start by itself.
    kiosk.wait_for_url(f"{running_server.url}/ar/kiosk/", timeout=12_000)
    audit.check()


def test_a_person_signs_in_applies_rates_and_checks_the_status(kiosk: Page, running_server: RunningServer) -> None:
    audit = Audit()
    outbox = running_server.var_dir / "outbox" / "sms.jsonl"
    kiosk.goto(f"{running_server.url}/ar/kiosk/")
    tap_through(kiosk, "a[href='/ar/kiosk/sign-in/']")
    expect(kiosk.locator("#kiosk-national_id")).to_have_attribute("inputmode", "none")  # the keypad types
    tap_keys(kiosk, "national_id", "12")
    kiosk.locator("[data-keypad-for='kiosk-national_id'] [data-key='clear']").tap()
    tap_keys(kiosk, "national_id", FATIMA["national_id"])
    audit.page(kiosk, "sign in")
    sent_before = lines_in(outbox)
    tap_through(kiosk, "form.kiosk-form button[type=submit]")
    audit.page(kiosk, "code")
    tap_keys(kiosk, "code", sms_code(outbox, FATIMA["mobile"], sent_before))
    tap_through(kiosk, "form.kiosk-form button[type=submit]")
    assert kiosk.url.endswith("/ar/kiosk/apply/")
    audit.page(kiosk, "services to apply for")

    with kiosk.expect_navigation():
        kiosk.locator(f"#service-{TRAINING} button").tap()
    expect(kiosk.locator("body.kiosk")).to_be_visible()  # the portal's journey, in the kiosk's layout
    audit.page(kiosk, "journey section")
    kiosk.locator("input[name=programme_choice][value=office_computing] + label").tap()  # a choice, not typing
    kiosk.locator("input[name=preferred_time][value=morning] + label").tap()
    kiosk.locator("input[name=mobile_number]").fill("33100001")
    tap_through(kiosk, "form.answer-form button[type=submit]")
    assert kiosk.url.endswith("/review/")
    audit.page(kiosk, "check your answers")
    with kiosk.expect_navigation():
        kiosk.locator("main form button[type=submit]").last.tap()
    assert kiosk.url.endswith("/done/")
    reference = kiosk.locator(".reference").inner_text().strip()
    audit.page(kiosk, "application submitted")
    tap_through(kiosk, "button[name=face][value=happy]")  # the rating ends the session
    audit.page(kiosk, "thanks after applying")
    tap_through(kiosk, "main a.kiosk-button--secondary")
    expect(kiosk.locator("a[href='/ar/kiosk/sign-in/']")).to_be_visible()  # signed out

    tap_through(kiosk, "a[href='/ar/kiosk/status/']")
    reference_keys = kiosk.locator("[data-keypad-for='kiosk-reference']")
    reference_keys.locator("[data-key='TH-']").tap()  # the prefix is one key
    for key in reference.replace("-", "")[2:]:
        reference_keys.locator(f"[data-key='{key}']").tap()
    tap_keys(kiosk, "mobile", FATIMA["mobile"])
    audit.page(kiosk, "status check")
    tap_through(kiosk, "form.kiosk-form button[type=submit]")
    expect(kiosk.locator("h1")).not_to_be_empty()
    expect(kiosk.locator(".kiosk__caption")).to_contain_text(reference)
    assert "/kiosk/status/" in kiosk.url and reference not in kiosk.url and FATIMA["mobile"] not in kiosk.url
    audit.page(kiosk, "status")
    audit.check()


def test_the_idle_timer_warns_then_wipes_the_session(kiosk: Page, running_server: RunningServer) -> None:
    audit = Audit()
    kiosk.clock.install()
    kiosk.goto(f"{running_server.url}/ar/kiosk/status/")
    idle = int(kiosk.locator("body").get_attribute("data-idle-seconds") or 0)
    warning = int(kiosk.locator("body").get_attribute("data-warning-seconds") or 0)
    assert idle > 0 and warning > 0
    tap_keys(kiosk, "mobile", "+973")

    kiosk.clock.run_for(idle * 1000)
    dialog = kiosk.locator("dialog#kiosk-idle")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("role", "alertdialog")
    expect(dialog.locator("[data-idle-continue]")).to_be_focused()
    audit.page(kiosk, "idle warning")
    dialog.locator("[data-idle-continue]").tap()
    expect(dialog).to_be_hidden()
    expect(kiosk.locator("#kiosk-mobile")).to_have_value("+973")  # the person is still here

    kiosk.clock.run_for(idle * 1000)
    expect(dialog).to_be_visible()
    with kiosk.expect_navigation():
        kiosk.clock.run_for(warning * 1000 + 1000)
    assert kiosk.url == f"{running_server.url}/ar/kiosk/"
    kiosk.goto(f"{running_server.url}/ar/kiosk/status/")
    expect(kiosk.locator("#kiosk-mobile")).to_have_value("")  # nothing kept
    audit.check()
