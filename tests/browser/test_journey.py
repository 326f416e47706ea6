"""The whole Arabic journey on a phone, against ``tahawul run`` itself.

Fatima applies for a commercial registration (MOIC-CR-ISSUE: a fee paid online, an upload, a
correction asked by an officer, and a certificate when approved), the MOIC officer works it in
the back office, she corrects what was asked and downloads her certificate, and anyone can check
that certificate on the public verification page. Every page is audited with axe, measured for
sideways scrolling at 360 px, and one form is filled with the keyboard alone. The SMS the
worker delivers are read from the server's own outbox.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import RunningServer

pytestmark = pytest.mark.browser

PASSWORD = "demo-tahawul-2026"  # every demo account's, printed by `tahawul run`
SERVICE = "MOIC-CR-ISSUE"
OFFICER = "moic.officer"
FATIMA_NAME_AR = "فاطمة عبدالله الكعبي"
FATIMA_NAME_EN = "Fatima Abdulla Alkaabi"
FATIMA_MOBILE = "+97333100001"
FATIMA_NATIONAL_ID = "900101234"
PHONE_WIDTH = 360
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
REFERENCE = re.compile(r"^TH-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
VERIFY_URL = re.compile(r"https?://\S+/ar/verify/([0-9A-Z-]+)/")
CORRECTION_COMMENT = "رقم حجز الاسم التجاري لا يطابق الحجز المسجّل لدينا. اكتب الرقم TN654321."
SMS_WAIT_SECONDS = 20

AXE = Axe()


class Audit:
    """Collects every page's accessibility and layout problems, so one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH + 1:
            self.problems.append(f"{name} {page.url}: {width}px wide, scrolls sideways on a {PHONE_WIDTH}px phone")
        for violation in AXE.run(page).response["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            self.problems.append(f"{name} {page.url}: axe {violation['id']} ({violation['impact']}) at {targets}")


@pytest.fixture
def new_phone(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """A fresh phone (its own cookies) per person: Fatima, the officer, a stranger checking a certificate."""
    opened: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True, locale="ar"
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def go(page: Page, control: Locator) -> None:
    """Click something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        control.click()


def sign_in(context: BrowserContext, base: str, username: str, then: str) -> Page:
    page = context.new_page()
    page.goto(f"{base}/ar/accounts/login/?next={quote(then)}")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    go(page, page.locator("form.account-form button[type=submit]"))
    assert "/accounts/login/" not in page.url, f"{username} could not sign in: {page.locator('main').inner_text()}"
    return page


def save_and_continue(page: Page) -> None:
    go(page, page.locator("form.answer-form button[type=submit]"))


def expect_at(page: Page, path: str) -> None:
    """The page shows ``path`` (a regular expression); a fragment carried over a redirect is ignored."""
    expect(page).to_have_url(re.compile(rf"^[^#]*{path}(#.*)?$"))


def top(element: Locator) -> float:
    box = element.bounding_box()
    assert box is not None, f"{element} is not displayed"
    return box["y"]


def tab_to(page: Page, element_id: str, *, most: int = 40) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} on {page.url} cannot be reached with the Tab key")


def test_arabic_journey_from_application_to_verified_certificate_on_a_phone(
    running_server: RunningServer, new_phone: Callable[[], BrowserContext], tmp_path: Path
) -> None:
    base = running_server.url
    audit = Audit()
    memorandum = tmp_path / "memorandum.pdf"
    memorandum.write_bytes(PDF_BYTES)

    # --- 1. Fatima finds the service, fills it in, uploads, pays with the test provider, submits ---
    fatima_phone = new_phone()
    fatima = sign_in(fatima_phone, base, "fatima", "/ar/")
    fatima.goto(f"{base}/ar/search/?q={quote('سجل تجاري')}")
    go(fatima, fatima.locator(f'a[href="/ar/services/{SERVICE}/"]').first)
    go(fatima, fatima.locator(f'a[href="/ar/services/{SERVICE}/apply/"]').first)
    expect(fatima.locator("html")).to_have_attribute("dir", "rtl")
    expect(fatima.get_by_role("heading", level=1)).to_have_text("إصدار سجل تجاري")
    audit(fatima, "start page")
    go(fatima, fatima.locator("button.button--start"))

    # The first page, sent with a required answer missing.
    expect_at(fatima, r"/ar/applications/TH-[0-9A-Z-]+/business/")
    reference = fatima.url.split("/applications/")[1].split("/")[0]
    assert REFERENCE.match(reference), reference
    fatima.locator("#field-legal_form-spc").check()
    fatima.locator("#field-main_activity-it_services").check()
    fatima.locator("#field-capital").fill("1000")
    fatima.locator("#field-registration_years").fill("1")
    save_and_continue(fatima)
    summary = fatima.locator("main .error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")  # announced as soon as the page loads
    expect(summary.get_by_role("heading")).to_have_text("توجد مشكلة")
    assert top(summary) < top(fatima.get_by_role("heading", level=1)), "the error summary must come before the <h1>"
    link = summary.get_by_role("link", name=re.compile("رقم حجز الاسم التجاري"))
    expect(link).to_have_text(re.compile(r"[\u0600-\u06FF]"))
    trade_name = fatima.locator("#field-trade_name_reservation")
    expect(trade_name).to_have_attribute("aria-invalid", "true")
    described_by = (trade_name.get_attribute("aria-describedby") or "").split()
    assert "field-trade_name_reservation-error" in described_by, described_by
    expect(fatima.locator("#field-trade_name_reservation-error")).to_be_visible()
    expect(fatima.locator("#field-capital")).to_have_value("1000")  # what was typed is kept
    audit(fatima, "section page with errors")
    link.click()
    expect(trade_name).to_be_focused()
    trade_name.fill("TN123456")
    save_and_continue(fatima)

    expect_at(fatima, r"/premises/")
    save_and_continue(fatima)  # no shop or office: the address and lease are not asked

    # The owner page with the keyboard alone.
    expect_at(fatima, r"/owner/")
    tab_to(fatima, "field-owner_cpr")
    fatima.keyboard.type(FATIMA_NATIONAL_ID)
    for element_id, typed in (("field-owner_phone", "33100001"), ("field-owner_email", "fatima@demo.example")):
        fatima.keyboard.press("Tab")
        expect(fatima.locator(f"#{element_id}")).to_be_focused()
        fatima.keyboard.type(typed)
    fatima.keyboard.press("Tab")
    expect(fatima.locator("#field-declaration")).to_be_focused()
    fatima.keyboard.press("Space")
    expect(fatima.locator("#field-declaration")).to_be_checked()
    fatima.keyboard.press("Tab")
    expect(fatima.locator("form.answer-form button[type=submit]")).to_be_focused()
    with fatima.expect_navigation():
        fatima.keyboard.press("Enter")

    expect_at(fatima, r"/documents/")
    audit(fatima, "documents")
    fatima.locator("#document-memorandum").set_input_files(memorandum)
    save_and_continue(fatima)

    expect_at(fatima, r"/review/")
    review = fatima.locator("main")
    for shown in ("شركة الشخص الواحد", "TN123456", "خدمات تقنية المعلومات", "1000.000", FATIMA_NATIONAL_ID):
        expect(review).to_contain_text(shown)
    expect(review.get_by_role("link", name="memorandum.pdf")).to_be_visible()
    expect(review).to_contain_text("50.000")
    audit(fatima, "review")
    go(fatima, fatima.locator("main form button[type=submit]"))

    expect_at(fatima, rf"/ar/applications/{reference}/pay/")
    go(fatima, fatima.locator("main form button[type=submit]"))
    expect_at(fatima, r"/ar/pay/test/[^/]+/")
    banner = fatima.locator(".test-payment-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("تجريبي")  # nobody mistakes it for a real payment page
    expect(fatima.locator("main")).to_contain_text("50.000")
    audit(fatima, "test payment")
    go(fatima, fatima.locator("button[name=decision][value=pay]"))

    expect_at(fatima, r"/review/")
    go(fatima, fatima.locator("main form button[type=submit]"))
    expect_at(fatima, rf"/ar/applications/{reference}/done/")
    expect(fatima.locator(".confirmation-panel .reference")).to_have_text(reference)
    expected_by = fatima.locator("main p strong")
    expect(expected_by).to_have_text(re.compile(r"\d{4}"))  # the date the work is expected to be done
    audit(fatima, "confirmation")

    # --- 2. The officer claims it, opens the upload, and asks for one correction ---
    officer_phone = new_phone()
    officer = sign_in(officer_phone, base, OFFICER, "/ar/office/")
    expect_at(officer, r"/ar/office/MOIC/queue/")
    officer.locator("#id_service").select_option(SERVICE)
    go(officer, officer.locator("form.search-filters button[type=submit]"))
    in_queue = officer.locator("table.office-table a", has_text=reference)
    expect(in_queue).to_be_visible()
    audit(officer, "back-office queue")
    go(officer, in_queue)

    expect_at(officer, rf"/ar/office/applications/{reference}/")
    answers = officer.locator("main section[aria-labelledby=answers-title]")
    expect(answers).to_contain_text("TN123456")
    expect(answers).to_contain_text("1000.000")  # the capital Fatima typed, in dinars
    audit(officer, "back-office application")
    go(officer, officer.locator("form.action-form:has(input[name=do][value=claim]) button[type=submit]"))
    expect(officer.locator("form.action-form:has(input[name=do][value=claim])")).to_have_count(0)

    document_href = officer.locator("ul.document-list a").first.get_attribute("href")
    assert document_href, "the back office lists no uploaded document"
    opened = officer_phone.request.get(base + document_href)
    assert opened.status == 200, opened.status
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline"), opened.headers["content-disposition"]
    assert opened.body() == PDF_BYTES

    correction = officer.locator("form.action-form:has(input[name=transition][value=request_correction])")
    correction.locator("textarea[name=comment]").fill(CORRECTION_COMMENT)
    correction.locator("input[name=correction_fields][value=trade_name_reservation]").check()
    go(officer, correction.locator("button[type=submit]"))
    expect(officer.locator("main .notice")).to_contain_text(CORRECTION_COMMENT)
    expect(officer.locator("main dl.key-facts")).to_contain_text("بانتظار التصحيح")

    # --- 3. Fatima reads the request, corrects that one answer, and resubmits ---
    fatima.goto(f"{base}/ar/my/applications/")
    card = fatima.locator("li.application-card", has_text=reference)
    expect(card).to_contain_text("بانتظار التصحيح")
    audit(fatima, "my applications")
    go(fatima, card.get_by_role("link").first)

    expect_at(fatima, rf"/ar/my/applications/{reference}/")
    asked = fatima.locator("main .notice--action")
    expect(asked).to_be_visible()
    expect(asked.locator("blockquote")).to_contain_text(CORRECTION_COMMENT)
    expect(asked.locator("li")).to_have_text(["رقم حجز الاسم التجاري"])
    audit(fatima, "my application with correction")
    go(fatima, asked.locator(f'a[href="/ar/my/applications/{reference}/correct/"]'))

    editable = fatima.locator("main form.answer-form").locator("input:not([type=hidden]), select, textarea")
    expect(editable).to_have_count(1)  # only what the officer asked about
    expect(editable).to_have_id("field-trade_name_reservation")
    expect(editable).to_have_value("TN123456")
    editable.fill("TN654321")
    go(fatima, fatima.locator("main form.answer-form button[type=submit]"))
    expect_at(fatima, rf"/ar/my/applications/{reference}/")
    go(fatima, fatima.locator(f'form[action="/ar/my/applications/{reference}/actions/resubmit/"] button'))
    expect(fatima.locator("main dl.key-facts .status")).to_have_text("قيد المراجعة")

    # --- 4. The officer approves: the registration is issued ---
    officer.reload()
    expect(answers).to_contain_text("TN654321")
    go(officer, officer.locator("form.action-form:has(input[name=transition][value=approve]) button[type=submit]"))
    expect(officer.locator("main dl.key-facts")).to_contain_text("صدر السجل")

    # --- 5. Fatima downloads her certificate; a stranger checks it ---
    fatima.goto(f"{base}/ar/my/applications/{reference}/")
    expect(fatima.locator("main dl.key-facts .status")).to_have_text("صدر السجل")
    certificate = fatima.locator("main section[aria-labelledby=certificate-title]")
    number = certificate.locator("[dir=ltr]").first.inner_text().strip()
    pdf_href = certificate.locator('a[href$="/certificate.pdf"]').get_attribute("href")
    assert pdf_href, "no certificate link on the application page"
    downloaded = fatima_phone.request.get(base + pdf_href)
    assert downloaded.status == 200, downloaded.status
    assert downloaded.headers["content-type"] == "application/pdf"
    content = downloaded.body()
    assert content.startswith(b"%PDF"), content[:20]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert reference in text, text
    assert FATIMA_NAME_EN in text, text
    printed = VERIFY_URL.search(text)
    assert printed is not None, f"the certificate prints no verification address:\n{text}"
    assert printed.group(1) == number, (printed.group(1), number)
    assert printed.group(0).startswith(base + "/"), f"the certificate's QR address leads elsewhere: {printed.group(0)}"

    stranger = new_phone().new_page()
    stranger.goto(printed.group(0))
    valid = stranger.locator("main .verify-result--valid")
    expect(valid).to_be_visible()
    expect(valid).to_contain_text(number)
    expect(valid).to_contain_text(FATIMA_NAME_AR)
    expect(valid).to_contain_text(FATIMA_NAME_EN)
    assert FATIMA_NATIONAL_ID not in stranger.content(), "the public verification page shows the national ID"
    audit(stranger, "verification")

    # --- 6. The worker delivered her SMS (the outbox the demo SMS sender writes to) ---
    outbox = running_server.var_dir / "outbox" / "sms.jsonl"
    deadline = time.monotonic() + SMS_WAIT_SECONDS
    received: list[dict[str, str]] = []
    while time.monotonic() < deadline:
        lines = outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []
        received = [message for message in map(json.loads, lines) if message["to"] == FATIMA_MOBILE]
        if any(reference in message["body"] for message in received):
            break
        time.sleep(0.5)
    assert any(reference in message["body"] for message in received), (
        f"no SMS to {FATIMA_MOBILE} about {reference} within {SMS_WAIT_SECONDS}s: {received}"
    )

    # --- 7. Every page type: no axe violation, no sideways scrolling on the phone ---
    assert audit.problems == [], "\n".join(audit.problems)
