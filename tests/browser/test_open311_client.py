"""Open311 against ``tahawul run`` itself: the municipality's admin, on a phone in Arabic, registers
an integrator and issues its key (shown once) and offers one more service; then a real Open311
client from PyPI (``georeport``) uses that key, in JSON and in XML: the service list, a definition,
a request posted as clients post it, read back by id, in the list and through its token. Both
back-office pages are audited with axe and measured for sideways scrolling.

georeport has no POST; the request is posted with ``requests``, form-encoded, as Open311 clients do.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
import requests
import xmltodict
from axe_playwright_python.sync_playwright import Axe
from georeport import GeoReport
from playwright.sync_api import Browser, Page

from tests.browser.conftest import RunningServer

pytestmark = pytest.mark.browser

PASSWORD = "demo-tahawul-2026"  # every demo account's, printed by `tahawul run`
ROAD_DAMAGE = "MUN-ROAD-DAMAGE-REPORT"  # offered as applications in the demo government
PARK_BOOKING = "MUN-PARK-BOOKING"  # offered here by the admin, as cases
PHONE_WIDTH = 360
JURISDICTION = "127.0.0.1"  # the host of the server's TAHAWUL_PUBLIC_URL


def audited(page: Page, problems: list[str]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH + 1:
        problems.append(f"{page.url}: {width}px wide on a {PHONE_WIDTH}px phone")
    for violation in Axe().run(page).response["violations"]:
        problems.append(f"{page.url}: axe {violation['id']} at {[node['target'] for node in violation['nodes']]}")


def issue_key_on_a_phone(browser: Browser, base: str, problems: list[str]) -> str:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, locale="ar")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/ar/accounts/login/?next={quote('/ar/office/MUN/integrations/')}")
    page.locator("#id_login").fill("mun.admin")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
    assert page.url.endswith("/ar/office/MUN/integrations/"), page.url
    assert page.locator("html").get_attribute("dir") == "rtl"
    audited(page, problems)

    page.locator("#id_integrator").select_option("new")
    page.locator("#id_new_name").fill("تطبيق المدينة")
    page.locator("#id_new_email").fill("api@city-app.example")
    with page.expect_navigation():
        page.locator("#id_new_email").press("Enter")  # the keyboard is enough
    raw = page.locator(".notice code").inner_text()
    assert re.fullmatch(r"o311_[\w-]{40,}", raw), raw
    audited(page, problems)

    with page.expect_navigation():
        page.locator("main a[href$='/office/MUN/integrations/open311/']").click()
    audited(page, problems)
    form = page.locator(f"#service-{PARK_BOOKING}")
    form.locator(f"#id_{PARK_BOOKING}-exposed").check()
    form.locator(f"#id_{PARK_BOOKING}-becomes").check()  # a case: the only choice a fee leaves
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".message--success").count() == 1
    context.close()
    return raw


def as_list(value: Any) -> list[Any]:
    """xmltodict gives one repeated element as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


def follow_a_request(root: str, key: str, output_format: str) -> None:
    client = GeoReport(root, jurisdiction=JURISDICTION, output_format=output_format)

    services = [service["service_code"] for service in as_list(client.get_service_list())]
    definition = client.get_service_definition(ROAD_DAMAGE)
    posted = requests.post(
        f"{root}/requests.{output_format}",
        data={
            "api_key": key,
            "jurisdiction_id": JURISDICTION,
            "service_code": ROAD_DAMAGE,
            "lat": "26.2285",
            "long": "50.5860",
            "attribute[damage_type]": "street_light",
            "attribute[location.building]": "101",
            "attribute[location.road]": "2803",
            "attribute[location.block]": "428",
            "attribute[location_details]": "The street light at the corner has been off for a week.",
            "email": "reporter@example.com",
        },
        timeout=30,
    )

    assert {ROAD_DAMAGE, PARK_BOOKING} <= set(services)
    attributes = definition["attributes"] if output_format == "json" else as_list(definition["attributes"]["attribute"])
    assert {"damage_type", "location.block", "location_details"} <= {item["code"] for item in attributes}
    assert posted.status_code == 200, posted.text
    if output_format == "json":
        (created,) = posted.json()
    else:
        created = xmltodict.parse(posted.content)["service_requests"]["request"]  # as georeport reads XML
    request_id = created["service_request_id"]

    one = client.get_service_request(request_id)
    listed = as_list(client.get_service_requests(service_code=ROAD_DAMAGE, status="open"))

    assert (one["service_request_id"], one["status"], one["service_code"]) == (request_id, "open", ROAD_DAMAGE)
    assert request_id in [item["service_request_id"] for item in listed]
    assert "token" not in created  # a realtime service answers with the id alone
    assert "reporter@example.com" not in str(listed)


def test_an_admin_issues_a_key_on_a_phone_and_a_georeport_client_uses_it(
    browser: Browser, running_server: RunningServer
) -> None:
    problems: list[str] = []
    key = issue_key_on_a_phone(browser, running_server.url, problems)

    for output_format in ("json", "xml"):
        follow_a_request(f"{running_server.url}/open311/v2", key, output_format)
    assert problems == [], "\n".join(problems)
