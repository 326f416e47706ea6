"""The isolation promise of DESIGN.md §1 as one matrix: every role, on every interface (portal,
back office, API), against an application of its own entity and one of another entity.

An officer of entity A gets 404 for any application, document or person of entity B, whatever
the interface. What a person may not see answers exactly like what does not exist: each refusal
is compared with the same request for something that does not exist, and its body must not carry
the application's reference, its document, or the applicant's name or national ID.

Entity A is MOL (MOL-DISPUTE-MEDIATION), entity B is MOHUP (MOHUP-HOUSING-APPLICATION): both
offered on the web, mobile and at the counter, with no fee, a required document, and a workflow
that ends in a certificate. The world (their staff, a submitted application with a document in
each, and an approved one with a certificate in each) is built once for the module through the
real actions, inside a transaction rolled back at the end; each test's own writes (a claim, a
withdrawal) are rolled back by the test's own transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.identity.models import Membership, Role, User
from tahawul.identity.tokens import issue_token

pytestmark = pytest.mark.django_db

# A minimal but real PDF: the store reads the type from the content, not the name.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
NOWHERE_REFERENCE = "TH-0000-0000-0000"
NOWHERE_TOKEN = "no-such-document-token-000"
NOWHERE_ENTITY = "NOWHERE"
NOBODY_NATIONAL_ID = "999999990"
# What the test client returns: an HttpResponse or a FileResponse, with .json() added at run time.
Response = Any
LANGUAGE_PREFIX = re.compile(r"^/(ar|en)(?=/)")
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


# --- the two services ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """A service of one entity: web and mobile, also at the counter, no fee, one required document,
    an applicant's withdraw step from "submitted", and a path to an approval that issues a letter."""

    entity: str
    code: str
    document: str
    answers: dict[str, object]
    staff_action: str  # a workflow step officers take from "submitted"
    answer_key: str  # an answer the API's PATCH tries to change
    approval: tuple[tuple[str, str], ...]  # (action, who: "officer" | "supervisor") to the certificate


SERVICES = {
    "A": Service(
        entity="MOL",
        code="MOL-DISPUTE-MEDIATION",
        document="contract_or_payslips",
        answers={
            "applicant_role": "worker",
            "other_party_name": "Gulf Example Trading",
            "claim_types": ["wages"],
            "claimed_amount": "250.000",
            "dispute_summary": "Three months of wages were not paid after the shop closed in the spring.",
            "preferred_session": "morning",
        },
        staff_action="schedule",
        answer_key="other_party_name",
        approval=(("schedule", "officer"), ("record_settlement", "officer")),
    ),
    "B": Service(
        entity="MOHUP",
        code="MOHUP-HOUSING-APPLICATION",
        document="salary_certificate",
        answers={
            "service_type": "purchase_loan",
            "marital_status": "single_over_40",
            "dependants": "0",
            "special_needs_member": False,
            "employer": "Example Bank",
            "monthly_income": "600.000",
            "current_housing": "rented",
            "contact_email": "owner@example.com",
            "contact_mobile": "33123456",
            "no_property_declaration": True,
        },
        staff_action="claim",
        answer_key="employer",
        approval=(("claim", "officer"), ("recommend_approval", "officer"), ("approve", "supervisor")),
    ),
}

# --- the people ----------------------------------------------------------------------------------

ROLES = (
    "owner",
    "other_beneficiary",
    "officer_A",
    "supervisor_A",
    "officer_B",
    "supervisor_B",
    "designer_A",
    "entity_admin_A",
    "analyst",
    "anonymous",
)
# role → (national ID, entity key or None for the analyst's cross-government role, Role)
PEOPLE: dict[str, tuple[str, str | None, Role | None]] = {
    "owner": ("912340001", None, None),
    "other_beneficiary": ("912340002", None, None),
    "officer_A": ("912340003", "A", Role.OFFICER),
    "supervisor_A": ("912340004", "A", Role.SUPERVISOR),
    "officer_B": ("912340005", "B", Role.OFFICER),
    "supervisor_B": ("912340006", "B", Role.SUPERVISOR),
    "designer_A": ("912340007", "A", Role.DESIGNER),
    "entity_admin_A": ("912340008", "A", Role.ENTITY_ADMIN),
    "analyst": ("912340009", None, Role.ANALYST),
}
OWNER_NAME_EN = "Maryam Owner-Isolation"
OWNER_NAME_AR = "مريم صاحبة الطلب"


@dataclass
class Target:
    """What the matrix asks for in one entity: its submitted application (with a document), its
    approved application (with a certificate), and the officer looked up at the counter."""

    key: str
    service: Service
    application: Application
    document_token: str
    document_name: str
    certified: Application
    person: User  # officer of this entity: a person of this entity

    @property
    def reference(self) -> str:
        return self.application.reference


@dataclass
class World:
    people: dict[str, User]
    tokens: dict[str, str]  # API bearer tokens
    sessions: dict[str, str]  # session cookies of the web interfaces
    targets: dict[str, Target]
    documents: Path

    @property
    def owner(self) -> User:
        return self.people["owner"]


def work_entity(role: str) -> str | None:
    """The entity key ("A"/"B") whose applications ``role`` works (officers and supervisors), if any."""
    _national_id, entity_key, role_held = PEOPLE.get(role, ("", None, None))
    return entity_key if role_held in {Role.OFFICER, Role.SUPERVISOR} else None


def _person(role: str) -> User:
    national_id, _entity, _role = PEOPLE[role]
    title = role.replace("_", " ").title().replace(" ", "-")
    return User.objects.create(
        username=f"isolation-{role}",
        national_id=national_id,
        name_en=OWNER_NAME_EN if role == "owner" else f"{title} Isolation",
        name_ar=OWNER_NAME_AR if role == "owner" else f"{role} بالعربية",
        email=f"{role}@isolation.example",
    )


def _submitted(owner: User, service: Service, document_name: str) -> Application:
    application = actions.start_application(applicant=owner, service_code=service.code, channel=Channel.WEB)
    check = actions.save_answers(application=application, actor=owner, answers=service.answers)
    assert check.ok, {key: str(message) for key, message in check.errors.items()}
    upload = SimpleUploadedFile(document_name, PDF, content_type="application/pdf")
    actions.attach_document(application=application, actor=owner, key=service.document, upload=upload)
    return actions.submit(application=application, actor=owner)


def _build(documents: Path) -> World:
    people = {role: _person(role) for role in PEOPLE}
    entities = {key: Entity.objects.get(code=service.entity) for key, service in SERVICES.items()}
    for role, (_id, entity_key, role_held) in PEOPLE.items():
        if role_held is not None:
            entity = entities[entity_key] if entity_key else None
            Membership.objects.create(user=people[role], entity=entity, role=role_held)
    owner = people["owner"]
    targets = {}
    for key, service in SERVICES.items():
        document_name = f"payslips-of-owner-{key}.pdf"
        application = _submitted(owner, service, document_name)
        certified = _submitted(owner, service, f"certified-{key}.pdf")
        for action, who in service.approval:
            actor = people[f"{who}_{key}"]
            certified = actions.perform(application=certified, actor=actor, action=action)
        assert certified.certificate is not None  # the approval issued a certificate
        targets[key] = Target(
            key=key,
            service=service,
            application=application,
            document_token=application.documents.get(key=service.document).token,
            document_name=document_name,
            certified=certified,
            person=people[f"officer_{key}"],
        )
    tokens = {role: issue_token(user=user, name="isolation matrix") for role, user in people.items()}
    sessions = {}
    for role, user in people.items():
        # Logged in once for the module: each test's client only carries the cookie.
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return World(people=people, tokens=tokens, sessions=sessions, targets=targets, documents=documents)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    documents = tmp_path_factory.mktemp("isolation-documents")
    with override_settings(TAHAWUL_DOCUMENT_ROOT=documents):
        with django_db_blocker.unblock():
            # Everything built here is undone at the end of the module: other modules never see it.
            outer = transaction.atomic()
            outer.__enter__()
            try:
                built = _build(documents)
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield built
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _documents_in_the_module_directory(settings: Any, world: World) -> None:
    # The files uploaded while building the world live there; the document view reads them back.
    settings.TAHAWUL_DOCUMENT_ROOT = world.documents


# --- the requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    form: dict[str, str] | None = None
    body: dict[str, Any] | None = None  # JSON
    upload: str | None = None  # multipart field name of a PDF
    api: bool = False

    @property
    def echoes(self) -> list[str]:
        """What a refusal may legitimately repeat back: the address the requester sent (the 404 page
        links to it in the other language; problem+json names it as ``instance``) and what they typed."""
        tail = LANGUAGE_PREFIX.sub("", self.path)
        typed = [self.form["national_id"]] if self.form and "national_id" in self.form else []
        return [tail, quote(tail), quote(tail, safe=""), *typed]


def _url(name: str, **kwargs: str) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _api(reference: str, suffix: str = "") -> str:
    return f"/api/v1/applications/{reference}{suffix}"


Builder = Callable[[World, str, Target, bool], Call]


def _reference(target: Target, missing: bool) -> str:
    return NOWHERE_REFERENCE if missing else target.reference


def _entity(target: Target, missing: bool) -> str:
    return NOWHERE_ENTITY if missing else target.service.entity


def _counter_lookup(world: World, role: str, target: Target, missing: bool) -> Call:
    """Look up the target entity's officer by national ID at the counter: the requester's own
    counter when they work one (that is where a real lookup happens), else the target's."""
    own = work_entity(role)
    counter = SERVICES[own] if own else target.service
    national_id = NOBODY_NATIONAL_ID if missing else str(target.person.national_id)
    form = {"national_id": national_id, "channel": Channel.COUNTER.value, "service": counter.code}
    return Call("POST", _url("backoffice:counter", entity_code=counter.entity), form=form)


def _revision_form(target: Target, **extra: str) -> dict[str, str]:
    return {"revision": str(target.application.revision), **extra}


BUILDERS: dict[str, Builder] = {
    "portal.my_application": lambda w, r, t, m: Call("GET", _url("portal:my_application", reference=_reference(t, m))),
    "portal.document": lambda w, r, t, m: Call(
        "GET", _url("portal:document", token=NOWHERE_TOKEN if m else t.document_token)
    ),
    "portal.certificate_pdf": lambda w, r, t, m: Call(
        "GET", _url("portal:certificate_pdf", reference=NOWHERE_REFERENCE if m else t.certified.reference)
    ),
    "portal.application_review": lambda w, r, t, m: Call(
        "GET", _url("portal:application_review", reference=_reference(t, m))
    ),
    "backoffice.application": lambda w, r, t, m: Call(
        "GET", _url("backoffice:application", reference=_reference(t, m))
    ),
    "backoffice.queue": lambda w, r, t, m: Call("GET", _url("backoffice:queue", entity_code=_entity(t, m))),
    "backoffice.load": lambda w, r, t, m: Call("GET", _url("backoffice:load", entity_code=_entity(t, m))),
    "backoffice.counter": lambda w, r, t, m: Call("GET", _url("backoffice:counter", entity_code=_entity(t, m))),
    "backoffice.claim": lambda w, r, t, m: Call(
        "POST", _url("backoffice:application", reference=_reference(t, m)), form=_revision_form(t, do="claim")
    ),
    "backoffice.perform": lambda w, r, t, m: Call(
        "POST",
        _url("backoffice:application", reference=_reference(t, m)),
        form=_revision_form(t, do="perform", transition=t.service.staff_action, comment=""),
    ),
    "backoffice.counter_lookup": _counter_lookup,
    "api.get": lambda w, r, t, m: Call("GET", _api(_reference(t, m)), api=True),
    "api.upload": lambda w, r, t, m: Call(
        "POST", _api(_reference(t, m), f"/documents/{t.service.document}"), upload="file", api=True
    ),
    "api.action": lambda w, r, t, m: Call(
        "POST", _api(_reference(t, m), "/actions/withdraw"), body={"comment": ""}, api=True
    ),
    "api.answers": lambda w, r, t, m: Call(
        "PATCH", _api(_reference(t, m), "/answers"), body={"answers": {t.service.answer_key: "Changed"}}, api=True
    ),
}


def _send(world: World, role: str, call: Call) -> Response:
    client = Client()
    headers = {"Accept-Language": "en"}
    if role != "anonymous":
        if call.api:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if call.upload:
        upload = SimpleUploadedFile("again.pdf", PDF, content_type="application/pdf")
        response = client.post(call.path, {call.upload: upload}, headers=headers)
    elif call.body is not None:
        response = client.generic(
            call.method, call.path, json.dumps(call.body), content_type="application/json", headers=headers
        )
    elif call.method == "POST":
        response = client.post(call.path, call.form or {}, headers=headers)
    else:
        response = client.get(call.path, headers=headers)
    return response


# --- the expectations ----------------------------------------------------------------------------

# One row per request and target entity; one column per role. 200 seen, 302 redirected (to the
# login page for anonymous; elsewhere see _check_redirect), 401 no token, 404 as if it did not
# exist, 409 the applicant's own application but not changeable now, 422 the counter's "no one
# is registered with this national ID" (the same words as for an unknown number).
EXPECTED_TABLE = """
request                     target   owner other offA supA offB supB desA admA analyst anon
portal.my_application       entityA  200   404   404  404  404  404  404  404  404     302
portal.my_application       entityB  200   404   404  404  404  404  404  404  404     302
portal.document             entityA  200   404   200  200  404  404  404  404  404     302
portal.document             entityB  200   404   404  404  200  200  404  404  404     302
portal.certificate_pdf      entityA  200   404   404  404  404  404  404  404  404     302
portal.certificate_pdf      entityB  200   404   404  404  404  404  404  404  404     302
portal.application_review   entityA  302   404   404  404  404  404  404  404  404     302
portal.application_review   entityB  302   404   404  404  404  404  404  404  404     302
backoffice.application      entityA  404   404   200  200  404  404  404  404  404     302
backoffice.application      entityB  404   404   404  404  200  200  404  404  404     302
backoffice.queue            entityA  404   404   200  200  404  404  404  404  404     302
backoffice.queue            entityB  404   404   404  404  200  200  404  404  404     302
backoffice.load             entityA  404   404   404  200  404  404  404  404  404     302
backoffice.load             entityB  404   404   404  404  404  200  404  404  404     302
backoffice.counter          entityA  404   404   200  200  404  404  404  404  404     302
backoffice.counter          entityB  404   404   404  404  200  200  404  404  404     302
backoffice.claim            entityA  404   404   302  302  404  404  404  404  404     302
backoffice.claim            entityB  404   404   404  404  302  302  404  404  404     302
backoffice.perform          entityA  404   404   302  302  404  404  404  404  404     302
backoffice.perform          entityB  404   404   404  404  302  302  404  404  404     302
backoffice.counter_lookup   entityA  404   404   302  302  422  422  404  404  404     302
backoffice.counter_lookup   entityB  404   404   422  422  302  302  404  404  404     302
api.get                     entityA  200   404   404  404  404  404  404  404  404     401
api.get                     entityB  200   404   404  404  404  404  404  404  404     401
api.upload                  entityA  409   404   404  404  404  404  404  404  404     401
api.upload                  entityB  409   404   404  404  404  404  404  404  404     401
api.action                  entityA  200   404   404  404  404  404  404  404  404     401
api.action                  entityB  200   404   404  404  404  404  404  404  404     401
api.answers                 entityA  409   404   404  404  404  404  404  404  404     401
api.answers                 entityB  409   404   404  404  404  404  404  404  404     401
"""

# (role, request, target) → why a cell that should refuse does not. Empty: no leak found.
LEAKS: dict[tuple[str, str, str], str] = {}


def _expected() -> dict[tuple[str, str, str], int]:
    lines = [line.split() for line in EXPECTED_TABLE.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert len(header) == 2 + len(ROLES)
    table = {}
    for request, target, *statuses in rows:
        assert request in BUILDERS and target in {"entityA", "entityB"}
        for role, status in zip(ROLES, statuses, strict=True):
            assert (role, request, target) not in table, f"{role} {request} {target} twice in the table"
            table[(role, request, target)] = int(status)
    return table


EXPECTED = _expected()


def _cases() -> list[Any]:
    cases = []
    for (role, request, target), status in EXPECTED.items():
        marks = []
        leak = LEAKS.get((role, request, target))
        if leak:
            marks.append(pytest.mark.xfail(strict=True, reason=f"LEAK: {leak}"))
        cases.append(pytest.param(role, request, target, status, id=f"{role}-{request}-{target}", marks=marks))
    return cases


def test_the_table_covers_every_role_request_and_entity() -> None:
    assert set(EXPECTED) == {
        (role, request, target) for role in ROLES for request in BUILDERS for target in ("entityA", "entityB")
    }


# --- the checks ----------------------------------------------------------------------------------


def _text(response: Response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _without_echoes(text: str, call: Call) -> str:
    for echo in sorted(set(call.echoes), key=len, reverse=True):
        text = text.replace(echo, "")
    return CSRF_VALUE.sub(r'\1"', text)


def _secrets(world: World, request: str, target: Target) -> list[str]:
    """What a refused requester must not learn: the application, its document, its applicant and
    (at the counter) the person looked up."""
    owner = world.owner
    found = [
        target.reference,
        target.certified.reference,
        target.document_token,
        target.document_name,
        owner.name_en,
        owner.name_ar,
        str(owner.national_id),
    ]
    if request == "backoffice.counter_lookup":
        found += [target.person.name_en, target.person.name_ar]
    return found


def _check_shown(request: str, response: Response, world: World, target: Target) -> None:
    """A 200 shows the thing asked for, so a 200 that shows nothing would not pass as access."""
    if request == "portal.document":
        assert b"".join(response.streaming_content) == PDF
    elif request == "portal.certificate_pdf":
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    elif request in {"portal.my_application", "backoffice.application", "backoffice.queue"}:
        assert target.reference in _text(response)
    elif request == "backoffice.load":
        assert target.person.name_en in _text(response)
    elif request == "backoffice.counter":
        assert f'value="{target.service.code}"' in _text(response)
    elif request == "api.get":
        assert response.json()["reference"] == target.reference
    elif request == "api.action":
        assert response.json()["state"] == "withdrawn"
    else:  # pragma: no cover - the table has no other 200
        raise AssertionError(f"no check for a 200 on {request}")


def _check_redirect(role: str, request: str, response: Response, world: World, target: Target) -> None:
    location = response["Location"]
    if role == "anonymous":
        assert location.startswith(_url("account_login") + "?next="), location
    elif request == "portal.application_review":
        # A submitted application has nothing left to review: its applicant is sent to follow it.
        assert location == _url("portal:my_application", reference=target.reference)
    elif request in {"backoffice.claim", "backoffice.perform"}:
        assert location == _url("backoffice:application", reference=target.reference)
        assert Application.objects.get(pk=target.application.pk).assignee_id == world.people[role].pk
    elif request == "backoffice.counter_lookup":
        # The person was found: a draft was started for them, assisted by the requester.
        started = Application.objects.get(applicant=target.person, assisted_by=world.people[role])
        assert started.reference in location
    else:  # pragma: no cover - the table has no other redirect
        raise AssertionError(f"no check for a redirect on {request}")


def _check_refusal_like_nothing(world: World, role: str, request: str, target: Target, response: Response) -> None:
    """The refusal is the very answer given for something that does not exist."""
    call = BUILDERS[request](world, role, target, False)
    nowhere_call = BUILDERS[request](world, role, target, True)
    nowhere = _send(world, role, nowhere_call)
    assert nowhere.status_code == response.status_code
    assert nowhere["Content-Type"] == response["Content-Type"]
    if call.api:
        refused, missing = response.json(), nowhere.json()
        assert response["Content-Type"] == "application/problem+json"
        assert refused.pop("instance") == call.path
        assert missing.pop("instance") == nowhere_call.path
        assert refused == missing
    else:
        assert _without_echoes(_text(response), call) == _without_echoes(_text(nowhere), nowhere_call)


WRITES = {"backoffice.claim", "backoffice.perform", "backoffice.counter_lookup", "api.action"}


@pytest.mark.parametrize(("role", "request_name", "target_key", "expected"), _cases())
def test_isolation(world: World, role: str, request_name: str, target_key: str, expected: int) -> None:
    target = world.targets[target_key[-1]]
    call = BUILDERS[request_name](world, role, target, False)
    counted = Application.objects.count()

    response = _send(world, role, call)

    assert response.status_code == expected, f"{role} {call.method} {call.path}"
    if expected == 200:
        _check_shown(request_name, response, world, target)
    elif expected == 302:
        _check_redirect(role, request_name, response, world, target)
    elif expected == 409:
        assert response.json()["code"] == "not_in_this_state"
    refused = expected in {401, 404, 422} or (expected == 302 and role == "anonymous")
    if refused:
        if role != "owner":  # the applicant's own name in their own page header reveals nothing
            body = _without_echoes(_text(response), call)
            for secret in _secrets(world, request_name, target):
                assert secret not in body, f"{role} {call.method} {call.path} reveals {secret!r}"
        if expected != 302:
            _check_refusal_like_nothing(world, role, request_name, target, response)
    if request_name in WRITES and expected in {200, 302} and role != "anonymous":
        return  # a write that was allowed: _check_shown and _check_redirect saw its effect
    # Whatever was refused changed nothing: no application started, none moved, no file replaced.
    # (The shared objects are never refreshed: they keep the revision the forms send.)
    assert Application.objects.count() == counted
    untouched = Application.objects.get(pk=target.application.pk)
    assert (untouched.state, untouched.assignee_id, untouched.revision) == (
        "submitted",
        None,
        target.application.revision,
    )
    assert untouched.documents.get(superseded=False).token == target.document_token
