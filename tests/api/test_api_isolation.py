"""The API never shows or changes another person's application: on every endpoint, someone
else's reference answers exactly like a reference that does not exist. Officers get the same
beneficiary view: their entity's applications are worked in the back office, not here."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tahawul.applications import actions
from tahawul.applications.models import Application, Document, Event, Payment
from tahawul.catalog.models import Entity
from tahawul.identity.models import Membership, Role, User
from tests.api.test_applications_api import (
    PDF,
    SIMPLE,
    SIMPLE_ANSWERS,
    WITH_DOCUMENTS,
    WITH_DOCUMENTS_ANSWERS,
    WITH_FEE,
    WITH_FEE_ANSWERS,
    bearer,
    make_person,
)

pytestmark = pytest.mark.django_db

NOWHERE = "TH-0000-0000-0000"


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_directory(settings: Any, tmp_path: Path) -> None:
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"


def _json(method: str, suffix: str, body: Any = None) -> Callable[[Client, str, dict[str, str]], Any]:
    def send(client: Client, reference: str, headers: dict[str, str]) -> Any:
        return client.generic(
            method,
            f"/api/v1/applications/{reference}{suffix}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={**headers, "Accept-Language": "en"},
        )

    return send


def _upload(key: str) -> Callable[[Client, str, dict[str, str]], Any]:
    def send(client: Client, reference: str, headers: dict[str, str]) -> Any:
        return client.post(
            f"/api/v1/applications/{reference}/documents/{key}",
            data={"file": SimpleUploadedFile("report.pdf", PDF)},
            headers={**headers, "Accept-Language": "en"},
        )

    return send


ENDPOINTS = {
    "read": _json("GET", ""),
    "change answers": _json("PATCH", "/answers", {"answers": {"requested_school": "Hidd Primary"}}),
    "upload": _upload("health_report"),
    "pay": _json("POST", "/payment"),
    "submit": _json("POST", "/submit"),
    # A step both services have (a staff one: the owner is refused it, but only after the guard).
    "take a step": _json("POST", "/actions/reject", {"comment": "not mine"}),
}


def _snapshot(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (
        application.revision,
        application.state,
        application.answers,
        Document.objects.filter(application=application).count(),
        Event.objects.filter(application=application).count(),
        Payment.objects.filter(application=application).count(),
    )


def _draft_of(person: User, service: str, answers: dict[str, Any]) -> Application:
    application = actions.start_application(applicant=person, service_code=service, channel="mobile")
    assert actions.save_answers(application=application, actor=person, answers=answers).ok
    return application


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("service", ["documents", "fee"])
def test_another_persons_application_is_404_like_a_missing_one(client: Client, endpoint: str, service: str) -> None:
    owner, intruder = make_person("owner"), make_person("intruder")
    code, answers = (WITH_DOCUMENTS, WITH_DOCUMENTS_ANSWERS) if service == "documents" else (WITH_FEE, WITH_FEE_ANSWERS)
    application = _draft_of(owner, code, answers)
    before = _snapshot(application)
    send = ENDPOINTS[endpoint]

    theirs = send(client, application.reference, bearer(intruder))
    missing = send(client, NOWHERE, bearer(intruder))

    assert (theirs.status_code, theirs["Content-Type"]) == (404, "application/problem+json")
    assert missing.status_code == 404
    body, nothing = json.loads(theirs.content), json.loads(missing.content)
    assert {**body, "instance": ""} == {**nothing, "instance": ""}
    assert _snapshot(application) == before
    # The owner, with the same request, gets past the guard.
    assert send(client, application.reference, bearer(owner)).status_code != 404


def test_someone_elses_applications_never_appear_in_my_list(client: Client) -> None:
    owner, other = make_person("owner"), make_person("other")
    _draft_of(owner, SIMPLE, SIMPLE_ANSWERS)
    response = client.get("/api/v1/applications", headers=bearer(other))
    assert json.loads(response.content) == {"count": 0, "limit": 20, "offset": 0, "items": []}


def test_an_officer_gets_the_beneficiary_view_only(client: Client) -> None:
    citizen = make_person("citizen")
    officer = make_person("officer")
    Membership.objects.create(user=officer, entity=Entity.objects.get(code="MOE"), role=Role.OFFICER)
    application = _draft_of(citizen, WITH_DOCUMENTS, {**WITH_DOCUMENTS_ANSWERS, "reason": "other"})
    actions.submit(application=application, actor=citizen)
    # In the back office this officer works this application...
    actions.claim(application=application, actor=officer)
    before = _snapshot(application)
    officer_headers = bearer(officer)

    # ...but over the API it is not theirs: not in their list, not readable, not actionable.
    page = json.loads(client.get("/api/v1/applications", headers=officer_headers).content)
    assert page["count"] == 0
    for endpoint, send in ENDPOINTS.items():
        assert send(client, application.reference, officer_headers).status_code == 404, endpoint
    staff_step = _json("POST", "/actions/recommend_approval", {})(client, application.reference, officer_headers)
    assert staff_step.status_code == 404
    assert _snapshot(application) == before

    # Their own applications, as a beneficiary, are theirs as for anyone.
    own = _draft_of(officer, SIMPLE, SIMPLE_ANSWERS)
    assert ENDPOINTS["read"](client, own.reference, officer_headers).status_code == 200


def test_an_applicant_cannot_take_the_staff_steps_of_their_own_application(client: Client) -> None:
    # The applicant is also an officer of the entity: over the API they are only the applicant.
    officer = make_person("officer")
    Membership.objects.create(user=officer, entity=Entity.objects.get(code="MOE"), role=Role.OFFICER)
    application = _draft_of(officer, WITH_DOCUMENTS, {**WITH_DOCUMENTS_ANSWERS, "reason": "other"})
    actions.submit(application=application, actor=officer)
    response = _json("POST", "/actions/claim", {})(client, application.reference, bearer(officer))
    assert (response.status_code, json.loads(response.content)["code"]) == (403, "not_allowed")
    application.refresh_from_db()
    assert application.state == "submitted"
