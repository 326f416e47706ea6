"""The national plan page in Arabic on a phone, as ``tahawul run`` serves it: the analyst signs
in, the page reads right to left with its headings, the charts draw (time mirrored), every chart
has its table, the keyboard alone reaches the downloads, and axe finds nothing to fix."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import RunningServer

pytestmark = pytest.mark.browser

PASSWORD = "demo-tahawul-2026"  # every demo account's, printed by `tahawul run`
PHONE_WIDTH = 360
AXE = Axe()

# Plan rows made directly in the server's own database: NPRA's plan with a late build and a new
# service on track, CIVDEF's with a launched service, and a change after approval.
PLANS = """
from datetime import timedelta
from django.utils import timezone
from tahawul.catalog.models import Entity, Service
from tahawul.identity.models import User
from tahawul.plans.models import Milestone, Plan, PlanEvent, PlanItem

today = timezone.localdate()
admin = User.objects.get(username="npra.admin")


def plan_of(code, status):
    entity = Entity.objects.get(code=code)
    plan, _ = Plan.objects.get_or_create(
        entity=entity, first_year=today.year, defaults={"last_year": today.year + 2, "status": status}
    )
    return plan, entity


def milestone(item, kind, due, done=None):
    Milestone.objects.get_or_create(
        item=item,
        kind=kind,
        defaults={
            "due_on": today + timedelta(days=due),
            "status": "done" if done is not None else "in_progress",
            "done_on": today + timedelta(days=done) if done is not None else None,
        },
    )


npra, npra_entity = plan_of("NPRA", "approved")
late, _ = PlanItem.objects.get_or_create(
    plan=npra,
    service=Service.objects.filter(entity=npra_entity).order_by("code")[0],
    defaults={"baseline_stage": "informational", "target_stage": "transactional",
              "target_date": today + timedelta(days=300), "position": 1},
)
milestone(late, "analysis", -100, done=-90)
milestone(late, "build", -20)
milestone(late, "launch", 60)
new, _ = PlanItem.objects.get_or_create(
    plan=npra,
    new_name_en="New digital licence",
    defaults={"new_name_ar": "رخصة رقمية جديدة", "baseline_stage": "offline", "target_stage": "interactive",
              "target_date": today + timedelta(days=400), "position": 2},
)
milestone(new, "analysis", 30)
milestone(new, "launch", 200)
civdef, civdef_entity = plan_of("CIVDEF", "submitted")
done, _ = PlanItem.objects.get_or_create(
    plan=civdef,
    service=Service.objects.filter(entity=civdef_entity).order_by("code")[0],
    defaults={"baseline_stage": "interactive", "target_stage": "connected",
              "target_date": today + timedelta(days=10)},
)
milestone(done, "launch", -60, done=-61)
if not PlanEvent.objects.filter(plan=npra, action="item_updated").exists():
    PlanEvent.objects.create(
        plan=npra, actor=admin, action="item_updated", item=late, after_approval=True,
        reason="نقلت الميزانية إلى العام القادم",
    )
"""


def seed_plans(server: RunningServer) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["TAHAWUL_VAR_DIR"] = str(server.var_dir)
    made = subprocess.run(
        [sys.executable, "-m", "tahawul", "shell", "-c", PLANS],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr


@pytest.fixture
def arabic_phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True, locale="ar"
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


def problems_on(page: Page) -> list[str]:
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH + 1:
        found.append(f"{page.url}: {width}px wide on a {PHONE_WIDTH}px phone")
    for violation in AXE.run(page).response["violations"]:
        targets = [node["target"] for node in violation["nodes"]]
        found.append(f"{page.url}: axe {violation['id']} ({violation['impact']}) at {targets}")
    return found


def tab_until(page: Page, href_part: str, *, most: int = 150) -> None:
    """Press Tab until the link whose address holds ``href_part`` (or, for "summary", the
    timeline table's disclosure) has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement ? (document.activeElement.getAttribute('href') "
            "|| document.activeElement.tagName.toLowerCase()) : ''"
        )
        if href_part in focused:
            return
    pytest.fail(f"{href_part} on {page.url} cannot be reached with the Tab key")


def test_the_national_plan_in_arabic_on_a_phone(running_server: RunningServer, arabic_phone: BrowserContext) -> None:
    seed_plans(running_server)
    page = arabic_phone.new_page()
    page.goto(f"{running_server.url}/ar/accounts/login/?next={quote('/ar/insights/plans/')}")
    page.locator("#id_login").fill("analyst")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
    assert page.url.endswith("/ar/insights/plans/"), page.url

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # The wording is the translators'; in English it is "National transformation plan".
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main h2")).to_have_count(5)

    # Every chart draws, hidden from screen readers, beside a table with the same figures.
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(3)
    for index in range(3):
        chart = charts.nth(index)
        expect(chart).to_have_class(re.compile(r"\bchart--drawn\b"))
        expect(chart).to_have_attribute("aria-hidden", "true")
        expect(chart.locator("svg.main-svg").first).to_be_visible()
    # The demo may have plans of its own: these are at least the rows seeded above.
    for section, rows in (("entities", 2), ("late", 1)):
        table_rows = page.locator(f"section[aria-labelledby={section}-title] table tbody tr")
        expect(table_rows.first).to_be_visible()
        assert table_rows.count() >= rows, section
    expect(page.get_by_text("رخصة رقمية جديدة").first).to_be_attached()
    expect(page.locator("section[aria-labelledby=changes-title] .tag").first).to_be_visible()

    # The timeline runs from right to left: a later date is drawn further left.
    earlier, later = page.locator("[data-chart=chart-gantt-data]").evaluate(
        "chart => { const axis = chart._fullLayout.xaxis; "
        "return [axis.l2p(axis.d2l('2026-01-01')), axis.l2p(axis.d2l('2027-01-01'))]; }"
    )
    assert later < earlier, (earlier, later)

    problems = problems_on(page)

    # The keyboard alone reaches the downloads, from the top of the page.
    page.locator("h1").evaluate("heading => { heading.tabIndex = -1; heading.focus(); }")
    tab_until(page, "format=csv&section=entities")
    tab_until(page, "format=xlsx&section=entities")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith("-entities.xlsx")
    tab_until(page, "format=csv&section=late")
    # The timeline's table (every milestone) is folded under the chart; the keyboard opens it.
    tab_until(page, "summary")
    page.keyboard.press("Enter")
    gantt_rows = page.locator("section[aria-labelledby=gantt-title] table tbody tr")
    expect(gantt_rows.first).to_be_visible()
    assert gantt_rows.count() >= 6
    tab_until(page, "format=xlsx&section=gantt")
    tab_until(page, "format=xlsx&section=changes")
    problems += problems_on(page)  # with the table open

    page.goto(f"{running_server.url}/ar/insights/plans/")
    page.locator("section[aria-labelledby=entities-title] tbody a").first.click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-chart].chart--drawn")).to_have_count(2)
    problems += problems_on(page)

    assert problems == []
