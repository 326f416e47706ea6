"""The back-office case pages: each entity sees only its own cases, the authority routes the
unrouted ones, officers reply and close (one wins when two act at once), the analyst and entity
admins only read, staff file for callers, and counter receipts carry a QR code to rate."""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tahawul.applications.models import Application
from tahawul.catalog.models import Service
from tahawul.demo.loader import load_people
from tahawul.feedback import cases
from tahawul.feedback.cases import CaseInput
from tahawul.feedback.models import Case, CaseStatus, ServiceChange
from tahawul.feedback.ratings import application_for_receipt
from tahawul.identity.models import User
from tahawul.notifications.models import Notification
from tests.backoffice.conftest import logged_in, revision_on, submit_attestation, submit_transfer

pytestmark = pytest.mark.django_db

CIVDEF_SERVICE = "CIVDEF-EVENT-PERMIT"
CIVDEF_OTHER_SERVICE = "CIVDEF-PLAN-APPROVAL"
NPRA_SERVICE = "NPRA-PASSPORT-RENEW"
# A tiny but genuine PNG header: attachments are typed by their content, not their name.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

_clients = itertools.count(1)


@pytest.fixture(autouse=True)
def demo_people(db: None, settings: Any) -> None:
    # The shared test database may not hold the demo accounts (npra.officer, iga.officer, analyst...);
    # load them inside the test's transaction, with a fast hasher: the tests use force_login.
    if not User.objects.filter(username="iga.officer").exists():
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        load_people()


def person(username: str) -> User:
    return User.objects.get(username=username)


def file_case(
    *,
    service: str = CIVDEF_SERVICE,
    description: str = "The event permit page asked for the same document three times.",
    kind: str = "complaint",
    filer: User | None = None,
    language: str = "en",
    attachments: list[SimpleUploadedFile] | None = None,
    **contact: str,
) -> Case:
    """A case as a beneficiary files it on the portal, through the real action."""
    values = CaseInput(
        kind=kind,
        description=description,
        service_code=service,
        contact_preference=contact.pop("contact_preference", "none"),
        attachments=attachments or [],
        **contact,
    )
    return cases.open_case(
        values=values, filed_on="web", language=language, client=f"test:{next(_clients)}", filer=filer
    )


def case_url(case: Case, lang: str = "en") -> str:
    return f"/{lang}/office/cases/{case.reference}/"


def queue_url(entity_code: str, lang: str = "en") -> str:
    return f"/{lang}/office/{entity_code}/cases/"


ROUTING = "/en/office/cases/routing/"
NEW_CASE = "/en/office/cases/new/"


def text_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def act(client: Client, case: Case, do: str, **data: object) -> object:
    page = text_of(client.get(case_url(case)))
    return client.post(case_url(case), {"do": do, "revision": revision_on(page), **data})


# --- isolation -----------------------------------------------------------------------------------


def test_an_officer_of_another_entity_finds_nothing_of_a_case() -> None:
    screenshot = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    case = file_case(attachments=[screenshot])
    token = case.attachments.get().token
    npra = logged_in(person("npra.officer"))

    assert npra.get(case_url(case)).status_code == 404
    assert npra.get(f"/en/office/cases/attachments/{token}/").status_code == 404
    assert npra.get(queue_url("CIVDEF")).status_code == 404
    for do, data in (("reply", {"message": "Not mine to answer."}), ("close", {"outcome": "resolved"})):
        response = npra.post(case_url(case), {"do": do, "revision": case.revision, **data})
        assert response.status_code == 404
    case.refresh_from_db()
    assert (case.status, case.first_response_at, case.revision) == (CaseStatus.OPEN, None, 1)
    assert list(case.events.values_list("action", flat=True)) == ["filed"]
    # Their own queue does not list it either.
    assert case.reference not in text_of(npra.get(queue_url("NPRA")))


def test_the_entitys_officer_sees_the_case_and_downloads_its_attachment_safely() -> None:
    screenshot = SimpleUploadedFile("screen shot.png", PNG, content_type="image/png")
    case = file_case(attachments=[screenshot])
    civdef = logged_in(person("civdef.officer"))
    page = text_of(civdef.get(case_url(case)))
    attachment = case.attachments.get()
    assert f'href="/en/office/cases/attachments/{attachment.token}/"' in page

    response = civdef.get(f"/en/office/cases/attachments/{attachment.token}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('attachment; filename="screen shot.png"')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_description_is_shown_as_text_not_markup() -> None:
    case = file_case(description='<script>alert("x")</script> The <b>form</b> broke.')
    page = text_of(logged_in(person("civdef.officer")).get(case_url(case)))
    assert "<script>alert" not in page and "<b>form</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; The &lt;b&gt;form&lt;/b&gt; broke." in page


def test_the_analyst_and_the_entity_admin_read_but_cannot_act() -> None:
    npra_case = file_case(service=NPRA_SERVICE, description="The passport counter closed early.")
    for reader in (person("analyst"), person("npra.admin")):
        client = logged_in(reader)
        response = client.get(case_url(npra_case))
        page = text_of(response)
        assert response.status_code == 200
        assert "The passport counter closed early." in page
        assert "You can read this case but not act on it." in page
        assert 'name="revision"' not in page
        for do, data in (
            ("reply", {"message": "Looking into it."}),
            ("claim", {}),
            ("close", {"outcome": "resolved"}),
        ):
            assert client.post(case_url(npra_case), {"do": do, "revision": 1, **data}).status_code == 404
    npra_case.refresh_from_db()
    assert (npra_case.status, npra_case.assignee, npra_case.revision) == (CaseStatus.OPEN, None, 1)
    # The entity admin has the entity's queue; the analyst reads cases one by one, not queues.
    assert logged_in(person("npra.admin")).get(queue_url("NPRA")).status_code == 200
    assert logged_in(person("analyst")).get(queue_url("NPRA")).status_code == 404


# --- routing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["npra.officer", "civdef.supervisor", "analyst", "npra.admin", "fatima"])
def test_only_the_authoritys_staff_see_the_routing_queue(username: str) -> None:
    assert logged_in(person(username)).get(ROUTING).status_code == 404


def test_the_authority_routes_a_case_to_the_entity_that_owns_it() -> None:
    case = file_case(
        service="", description="My passport renewal was refused twice at the passport office and no one said why."
    )
    assert case.status == CaseStatus.TO_ROUTE and case.entity is None
    assert case.suggested_service is not None, "the classifier should suggest a service for a passport complaint"
    for username in ("iga.officer", "iga.supervisor"):
        routing = text_of(logged_in(person(username)).get(ROUTING))
        assert case.reference in routing
    iga = logged_in(person("iga.officer"))
    page = text_of(iga.get(case_url(case)))
    assert f'<option value="{case.suggested_service.code}" selected>' in page  # preselected
    assert case.reference not in text_of(logged_in(person("civdef.officer")).get(queue_url("CIVDEF")))

    response = iga.post(
        case_url(case),
        {"do": "route", "back": "routing", "revision": revision_on(page), "service": CIVDEF_SERVICE, "entity": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == ROUTING
    case.refresh_from_db()
    assert (case.status, case.entity.code, case.service.code) == (CaseStatus.OPEN, "CIVDEF", CIVDEF_SERVICE)
    assert case.routing_confirmed
    after = text_of(iga.get(ROUTING))
    assert f"Case {case.reference} is now with" in after
    assert f'href="/en/office/cases/{case.reference}/"' not in after
    assert case.reference in text_of(logged_in(person("civdef.officer")).get(queue_url("CIVDEF")))


def test_confirming_the_suggestion_from_the_routing_queue() -> None:
    case = file_case(service="", description="The passport renewal form rejects my photo every time.")
    assert case.suggested_service is not None
    iga = logged_in(person("iga.supervisor"))
    routing = text_of(iga.get(ROUTING))
    assert f'name="service" value="{case.suggested_service.code}"' in routing
    response = iga.post(
        case_url(case),
        {"do": "route", "back": "routing", "revision": case.revision, "service": case.suggested_service.code},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.entity_id == case.suggested_service.entity_id
    assert case.status == CaseStatus.OPEN


def test_routing_needs_a_service_or_an_entity() -> None:
    case = file_case(service="", description="Something is wrong somewhere.")
    response = act(logged_in(person("iga.officer")), case, "route", service="", entity="")
    assert response.status_code == 422
    assert 'href="#route-service"' in text_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.TO_ROUTE


# --- replying, closing, assigning ----------------------------------------------------------------


@pytest.mark.parametrize(("username", "language"), [("john", "en"), ("fatima", "ar")])
def test_a_reply_tells_the_filer_in_their_language_and_stops_the_clock(username: str, language: str) -> None:
    filer = person(username)
    case = file_case(filer=filer, language=language, contact_preference="email")
    officer = person("civdef.officer")
    client = logged_in(officer)
    response = act(client, case, "reply", message="We have fixed the form; please try again.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED
    assert case.first_response_at is not None
    assert case.assignee == officer
    told = Notification.objects.get(case_id=case.pk, event="case_replied")
    assert (told.language, told.to_address) == (language, filer.email)
    assert "We have fixed the form; please try again." in told.body
    page = text_of(client.get(response["Location"]))  # type: ignore[index]
    assert "Your reply was sent to the person who raised the case." in page
    assert "We have fixed the form; please try again." in page


def test_an_empty_reply_is_refused_next_to_its_field() -> None:
    case = file_case()
    response = act(logged_in(person("civdef.officer")), case, "reply", message="   ")
    page = text_of(response)
    assert response.status_code == 422
    assert '<a href="#reply-message">Write the reply.</a>' in page
    assert 'aria-invalid="true"' in page
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_not_resolved_needs_a_reason() -> None:
    case = file_case()
    client = logged_in(person("civdef.officer"))
    response = act(client, case, "close", outcome="not_resolved", reason="")
    assert response.status_code == 422
    assert 'href="#close-reason"' in text_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    response = act(client, case, "close", outcome="not_resolved", reason="The law sets this fee; we cannot waive it.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, "not_resolved")
    assert case.outcome_reason == "The law sets this fee; we cannot waive it."


def test_a_duplicate_names_a_case_of_the_same_entity() -> None:
    case = file_case()
    earlier_here = file_case(service=CIVDEF_OTHER_SERVICE)
    elsewhere = file_case(service=NPRA_SERVICE)
    client = logged_in(person("civdef.officer"))
    for wrong in (elsewhere.reference, "CS-0000-0000-0000", case.reference, ""):
        response = act(client, case, "close", outcome="duplicate", duplicate_of=wrong)
        assert response.status_code == 422, wrong
        assert 'href="#close-duplicate_of"' in text_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    response = act(client, case, "close", outcome="duplicate", duplicate_of=earlier_here.reference.lower())
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.duplicate_of) == (CaseStatus.CLOSED, "duplicate", earlier_here)


def test_two_officers_on_the_same_revision_one_wins_and_the_other_is_told() -> None:
    case = file_case()
    officer, supervisor = logged_in(person("civdef.officer")), logged_in(person("civdef.supervisor"))
    seen_by_officer = revision_on(text_of(officer.get(case_url(case))))
    seen_by_supervisor = revision_on(text_of(supervisor.get(case_url(case))))
    assert seen_by_officer == seen_by_supervisor

    won = officer.post(case_url(case), {"do": "reply", "revision": seen_by_officer, "message": "On it."})
    assert won.status_code == 302
    late = supervisor.post(
        case_url(case), {"do": "close", "revision": seen_by_supervisor, "outcome": "resolved", "reason": ""}
    )
    page = text_of(late)
    assert late.status_code == 409
    assert "Someone else changed this case while you were looking at it. Nothing you did was saved." in page
    assert "On it." in page  # the page shows how it stands now
    assert f'name="revision" value="{seen_by_supervisor}"' not in page
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED
    assert list(case.events.values_list("action", flat=True)) == ["filed", "replied"]


def test_claiming_and_a_supervisor_assigning() -> None:
    case = file_case()
    officer, supervisor = person("civdef.officer"), person("civdef.supervisor")
    assert act(logged_in(officer), case, "claim").status_code == 302
    case.refresh_from_db()
    assert case.assignee == officer
    # Only a supervisor gets the assignment list, among the entity's case staff only.
    assert 'name="assignee"' not in text_of(logged_in(officer).get(case_url(case)))
    page = text_of(logged_in(supervisor).get(case_url(case)))
    assert f'<option value="{supervisor.pk}"' in page
    assert f'<option value="{person("npra.officer").pk}"' not in page
    assert act(logged_in(supervisor), case, "assign", assignee=supervisor.pk).status_code == 302
    case.refresh_from_db()
    assert case.assignee == supervisor


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_lists_the_entitys_cases_with_their_response_clock() -> None:
    complaint = file_case(kind="complaint")
    suggestion = file_case(kind="suggestion", service=CIVDEF_OTHER_SERVICE)
    file_case(service=NPRA_SERVICE)
    client = logged_in(person("civdef.officer"))
    page = text_of(client.get(queue_url("CIVDEF")))
    assert complaint.reference in page and suggestion.reference in page
    assert "2 cases" in page
    assert "On track" in page and "No one yet" in page

    only_suggestions = text_of(client.get(queue_url("CIVDEF"), {"kind": "suggestion"}))
    assert suggestion.reference in only_suggestions and complaint.reference not in only_suggestions
    assert client.get(queue_url("CIVDEF"), {"kind": "gossip"}).status_code == 400


def test_the_number_of_queries_does_not_grow_with_the_rows() -> None:
    officer, supervisor = person("civdef.officer"), person("civdef.supervisor")

    def add(count: int) -> None:
        for n in range(count):
            case = file_case(kind=["complaint", "inquiry", "technical"][n % 3])
            if n % 2:
                cases.assign_case(case=case, actor=supervisor, assignee=officer if n % 4 == 1 else supervisor)

    def queries() -> int:
        client = logged_in(officer)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(queue_url("CIVDEF"))
        assert response.status_code == 200
        return len(captured)

    add(3)
    with_three = queries()
    add(27)
    with_thirty = queries()
    assert Case.objects.filter(entity__code="CIVDEF").count() == 30
    assert with_thirty == with_three


# --- filing for a caller -------------------------------------------------------------------------


def test_staff_file_a_case_for_a_caller() -> None:
    officer = person("civdef.officer")
    client = logged_in(officer)
    form = text_of(client.get(NEW_CASE))
    assert f'<option value="{CIVDEF_SERVICE}"' in form
    assert NPRA_SERVICE not in form  # only the services of the officer's own entity
    response = client.post(
        NEW_CASE,
        {
            "channel": "call_centre",
            "kind": "inquiry",
            "service": CIVDEF_SERVICE,
            "description": "Caller asks whether a permit is needed for a wedding tent.",
            "contact_name": "Layla Hasan",
            "contact_preference": "sms",
            "contact_mobile": "+97333999888",
            "language": "ar",
        },
    )
    case = Case.objects.get(contact_name="Layla Hasan")
    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    assert (case.filed_by, case.filer, case.filed_on) == (officer, None, "call_centre")
    assert (case.entity.code, case.kind, case.language) == ("CIVDEF", "inquiry", "ar")
    assert case.events.get().actor == officer
    assert "Filed by Yousif Jasim for the caller" in text_of(client.get(case_url(case)))


def test_filing_for_a_caller_shows_what_to_fix() -> None:
    client = logged_in(person("civdef.officer"))
    response = client.post(
        NEW_CASE,
        {
            "channel": "counter",
            "kind": "complaint",
            "service": NPRA_SERVICE,  # another entity's service: not offered
            "description": "",
            "contact_preference": "sms",
            "language": "en",
        },
    )
    page = text_of(response)
    assert response.status_code == 422
    assert 'href="#id_service"' in page
    assert not Case.objects.filter(filed_by__username="civdef.officer").exists()

    response = client.post(
        NEW_CASE,
        {
            "channel": "counter",
            "kind": "complaint",
            "service": CIVDEF_SERVICE,
            "description": "",
            "contact_preference": "sms",
            "language": "en",
        },
    )
    page = text_of(response)
    assert response.status_code == 422
    assert '<a href="#id_description">' in page and "Tell us what it is about." in page
    assert '<a href="#id_contact_mobile">' in page
    assert not Case.objects.filter(filed_by__username="civdef.officer").exists()


def test_only_staff_with_an_entity_file_for_callers() -> None:
    for username in ("analyst", "npra.admin", "john"):
        assert logged_in(person(username)).get(NEW_CASE).status_code == 404


# --- "you said, we did" --------------------------------------------------------------------------


def change_form(**changes: str) -> dict[str, str]:
    return {
        "service": CIVDEF_SERVICE,
        "you_said_ar": "طلبتم تقليل المستندات المطلوبة.",
        "you_said_en": "You asked us to ask for fewer documents.",
        "we_did_ar": "ألغينا شرط تقديم المخطط.",
        "we_did_en": "We no longer ask for the site plan.",
        "cases": "",
        "version": "",
        **changes,
    }


def test_a_supervisor_publishes_a_change_linked_to_their_cases() -> None:
    case = file_case()
    client = logged_in(person("civdef.supervisor"))
    assert client.get("/en/office/CIVDEF/you-said-we-did/new/").status_code == 200
    response = client.post("/en/office/CIVDEF/you-said-we-did/new/", change_form(cases=case.reference))
    assert response.status_code == 302
    change = ServiceChange.objects.get()
    assert list(change.cases.all()) == [case]
    assert (change.entity.code, change.we_did_en) == ("CIVDEF", "We no longer ask for the site plan.")


def test_a_change_cannot_claim_another_entitys_case() -> None:
    mine, theirs = file_case(), file_case(service=NPRA_SERVICE)
    client = logged_in(person("civdef.supervisor"))
    response = client.post(
        "/en/office/CIVDEF/you-said-we-did/new/", change_form(cases=f"{mine.reference}, {theirs.reference}")
    )
    page = text_of(response)
    assert response.status_code == 422
    assert '<a href="#id_cases">' in page and "not cases of your entity" in page
    assert not ServiceChange.objects.exists()


def test_a_change_needs_both_languages_and_a_real_version() -> None:
    client = logged_in(person("civdef.supervisor"))
    response = client.post("/en/office/CIVDEF/you-said-we-did/new/", change_form(we_did_en=""))
    assert response.status_code == 422
    assert '<a href="#id_we_did_en">' in text_of(response)
    response = client.post("/en/office/CIVDEF/you-said-we-did/new/", change_form(version="999"))
    assert response.status_code == 422
    assert '<a href="#id_version">' in text_of(response)
    assert not ServiceChange.objects.exists()

    current = Service.objects.get(code=CIVDEF_SERVICE).current_version
    response = client.post("/en/office/CIVDEF/you-said-we-did/new/", change_form(version=str(current)))
    assert response.status_code == 302
    assert ServiceChange.objects.get().version.number == current  # type: ignore[union-attr]


@pytest.mark.parametrize("username", ["civdef.officer", "npra.supervisor", "analyst"])
def test_only_the_entitys_admin_or_supervisor_publishes(username: str) -> None:
    client = logged_in(person(username))
    assert client.get("/en/office/CIVDEF/you-said-we-did/new/").status_code == 404
    assert client.post("/en/office/CIVDEF/you-said-we-did/new/", change_form()).status_code == 404
    assert not ServiceChange.objects.exists()


# --- the counter receipt -------------------------------------------------------------------------


def test_the_counter_receipt_carries_a_qr_code_to_rate_the_transaction(officer: User, beneficiary: User) -> None:
    application = submit_attestation(beneficiary, officer)
    response = logged_in(officer).get(f"/en/applications/{application.reference}/done/")
    page = text_of(response)
    assert response.status_code == 200
    assert "Scan to rate this service" in page
    assert re.search(r'<div class="receipt__qr" role="img" aria-label="[^"]+"><svg[^>]*>.*?</svg></div>', page, re.S)
    found = re.search(r'<span class="receipt__url" dir="ltr">([^<]+)</span>', page)
    assert found is not None
    url = html.unescape(found.group(1))
    prefix = f"{settings.TAHAWUL_PUBLIC_URL}/{beneficiary.preferred_language}/rate/receipt/"
    assert url.startswith(prefix) and url.endswith("/")
    assert application_for_receipt(url.removeprefix(prefix).rstrip("/")) == application


def test_an_application_made_online_has_no_counter_receipt(beneficiary: User) -> None:
    application = submit_transfer(beneficiary)
    page = text_of(logged_in(beneficiary).get(f"/en/applications/{application.reference}/done/", follow=True))
    assert "Scan to rate this service" not in page
    assert Application.objects.filter(pk=application.pk).exists()


# --- both languages ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_pages_render_in_arabic_and_english(lang: str) -> None:
    case = file_case(description="الاستمارة لا تقبل المرفقات.", kind="technical", doing="Uploading a plan")
    officer = logged_in(person("civdef.officer"))
    direction = "rtl" if lang == "ar" else "ltr"
    for path in (queue_url("CIVDEF", lang), case_url(case, lang), f"/{lang}/office/cases/new/"):
        response = officer.get(path)
        page = text_of(response)
        assert response.status_code == 200, path
        assert f'<html lang="{lang}" dir="{direction}">' in page
        assert page.count("<h1") == 1
    case_page = text_of(officer.get(case_url(case, lang)))
    assert "الاستمارة لا تقبل المرفقات." in case_page and "Uploading a plan" in case_page
    routing = text_of(logged_in(person("iga.officer")).get(f"/{lang}/office/cases/routing/"))
    assert f'<html lang="{lang}" dir="{direction}">' in routing
