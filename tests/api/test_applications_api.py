"""Applying, uploading, paying and tracking over the JSON API, as the mobile app does it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application, Document, Event, IdempotencyRecord, Payment
from tahawul.catalog.models import Entity
from tahawul.identity.models import ApiToken, Membership, Role, User
from tahawul.identity.tokens import issue_token

pytestmark = pytest.mark.django_db

# Free, no documents, offered on mobile: submitted at once.
SIMPLE = "MOL-TRAINING-REGISTER"
SIMPLE_ANSWERS = {"programme_choice": "office_computing", "preferred_time": "morning", "mobile_number": "3312 3456"}
# A medical report (PDF only) is required when the reason is health; corrections are possible.
WITH_DOCUMENTS = "MOE-SCHOOL-TRANSFER"
WITH_DOCUMENTS_ANSWERS = {
    "student_cpr": "120512345",
    "current_school": "Isa Town Primary",
    "grade": "grade_4",
    "reason": "health",
    "reason_details": "Asthma: the new school is next to the health centre.",
    "requested_school": "Riffa Primary",
    "guardian_phone": "33123456",
}
# A 5 BHD fee paid online.
WITH_FEE = "MOIC-TRADE-NAME-RESERVE"
WITH_FEE_ANSWERS = {"name_ar": "مطبعة النور"}

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
)


def make_person(username: str, **fields: Any) -> User:
    return User.objects.create_user(username=username, name_en=username.title(), name_ar="مستخدم", **fields)


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user=user, name='test phone')}"}


def call(
    client: Client,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any = None,
    language: str = "en",
    **extra_headers: str,
) -> tuple[int, Any, Any]:
    """(status, parsed body or None, the response)."""
    response = client.generic(
        method,
        path,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={**headers, "Accept-Language": language, **extra_headers},
    )
    parsed = json.loads(response.content) if response.content else None
    return response.status_code, parsed, response


def upload(client: Client, headers: dict[str, str], reference: str, key: str, name: str, content: bytes) -> Any:
    return client.post(
        f"/api/v1/applications/{reference}/documents/{key}",
        data={"file": SimpleUploadedFile(name, content)},
        headers={**headers, "Accept-Language": "en"},
    )


@pytest.fixture
def applicant() -> User:
    return make_person("amina", national_id="850312345")


@pytest.fixture
def auth(applicant: User) -> dict[str, str]:
    return bearer(applicant)


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_directory(settings: Any, tmp_path: Path) -> None:
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"


def officer_of(code: str, username: str = "officer") -> User:
    officer = make_person(username)
    Membership.objects.create(user=officer, entity=Entity.objects.get(code=code), role=Role.OFFICER)
    return officer


# --- logging in -------------------------------------------------------------------------------


def test_log_in_with_password_then_use_and_revoke_the_token(client: Client) -> None:
    make_person("layla", password="a long and private passphrase")
    status, body, _ = call(
        client,
        "POST",
        "/api/v1/auth/token",
        {},
        {"username": "layla", "password": "a long and private passphrase", "device": "Layla's phone"},
    )
    assert status == 200
    assert body["user"]["username"] == "layla"
    assert ApiToken.objects.get(user__username="layla").name == "Layla's phone"
    headers = {"Authorization": f"Bearer {body['token']}"}

    assert call(client, "GET", "/api/v1/applications", headers)[0] == 200
    status, _, response = call(client, "DELETE", "/api/v1/auth/token", headers)
    assert status == 204
    status, problem, response = call(client, "GET", "/api/v1/applications", headers)
    assert (status, response["Content-Type"]) == (401, "application/problem+json")
    assert response["WWW-Authenticate"] == "Bearer"
    assert problem["code"] == "not_authenticated"


def test_a_wrong_password_and_an_unknown_user_get_the_same_401(client: Client) -> None:
    make_person("layla", password="a long and private passphrase")
    wrong_password = call(client, "POST", "/api/v1/auth/token", {}, {"username": "layla", "password": "guess"})
    unknown_user = call(client, "POST", "/api/v1/auth/token", {}, {"username": "nobody", "password": "guess"})
    assert wrong_password[0] == unknown_user[0] == 401
    assert wrong_password[1] == unknown_user[1]
    assert wrong_password[1]["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_an_inactive_account_cannot_log_in(client: Client) -> None:
    make_person("gone", password="a long and private passphrase", is_active=False)
    status, body, _ = call(
        client, "POST", "/api/v1/auth/token", {}, {"username": "gone", "password": "a long and private passphrase"}
    )
    assert (status, body["code"]) == (401, "invalid_credentials")


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer thw_not-a-real-token", "Token abc", "Bearer " + "x" * 5000])
def test_applications_need_a_valid_bearer_token(client: Client, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    status, problem, response = call(client, "GET", "/api/v1/applications", headers)
    assert (status, response["Content-Type"]) == (401, "application/problem+json")
    assert problem["status"] == 401


def test_a_session_login_does_not_authenticate_the_api(client: Client, applicant: User) -> None:
    client.force_login(applicant)
    status, _, _ = call(client, "GET", "/api/v1/applications", {})
    assert status == 401


# --- applying ---------------------------------------------------------------------------------


def test_a_free_service_without_documents_is_submitted_at_once(client: Client, auth: dict[str, str]) -> None:
    status, body, response = call(
        client, "POST", "/api/v1/applications", auth, {"service": SIMPLE, "answers": SIMPLE_ANSWERS}
    )
    assert status == 201, body
    assert body["state"] == "submitted"
    assert body["state_label"] == {"ar": "مُقدَّم", "en": "Submitted"}
    assert body["channel"] == "mobile"
    assert body["submitted_at"] and body["expected_by"]
    assert body["missing_documents"] == []
    assert body["links"]["submit"] is None
    assert response["Location"] == f"/api/v1/applications/{body['reference']}"
    stored = Application.objects.get(reference=body["reference"])
    assert stored.answers["mobile_number"] == "+97333123456"
    assert stored.applicant.username == "amina"
    assert [event["action"] for event in body["timeline"]] == ["start", "submit"]


def test_a_service_needing_a_document_stays_a_draft_until_it_is_uploaded(client: Client, auth: dict[str, str]) -> None:
    status, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": WITH_DOCUMENTS, "answers": WITH_DOCUMENTS_ANSWERS}
    )
    assert status == 201, body
    assert body["state"] == "draft"
    reference = body["reference"]
    (needed,) = body["missing_documents"]
    assert needed["key"] == "health_report"
    assert needed["types"] == ["application/pdf"]
    assert needed["max_bytes"] == 5 * 1024 * 1024
    assert needed["upload"] == f"/api/v1/applications/{reference}/documents/health_report"
    status, problem, _ = call(client, "POST", body["links"]["submit"], auth)
    assert (status, problem["code"]) == (422, "invalid_answers")
    assert [error["field"] for error in problem["errors"]] == ["health_report"]

    renamed_png = upload(client, auth, reference, "health_report", "report.pdf", PNG)
    assert (renamed_png.status_code, renamed_png["Content-Type"]) == (422, "application/problem+json")
    assert json.loads(renamed_png.content)["code"] == "bad_document"
    assert not Document.objects.filter(application__reference=reference).exists()

    uploaded = upload(client, auth, reference, "health_report", "report.pdf", PDF)
    assert uploaded.status_code == 201
    document = json.loads(uploaded.content)
    assert document["content_type"] == "application/pdf"
    assert document["size"] == len(PDF)
    assert document["name"] == "report.pdf"
    assert len(document["sha256"]) == 64

    status, body, _ = call(client, "POST", body["links"]["submit"], auth)
    assert status == 200, body
    assert body["state"] == "submitted"
    assert body["missing_documents"] == []
    assert [d["token"] for d in body["documents"]] == [document["token"]]


def test_a_document_the_service_does_not_ask_for_is_refused(client: Client, auth: dict[str, str]) -> None:
    _, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": WITH_DOCUMENTS, "answers": WITH_DOCUMENTS_ANSWERS}
    )
    response = upload(client, auth, body["reference"], "passport_scan", "scan.pdf", PDF)
    assert response.status_code == 422
    assert "passport_scan" in json.loads(response.content)["detail"]


def test_a_fee_keeps_the_draft_until_paid(client: Client, auth: dict[str, str], settings: Any) -> None:
    settings.TAHAWUL_PAYMENT_PROVIDER = "test"
    status, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": WITH_FEE, "answers": WITH_FEE_ANSWERS}
    )
    assert status == 201, body
    assert (body["state"], body["fee_fils"], body["fee"], body["paid"]) == ("draft", 5000, "5.000", False)
    reference = body["reference"]
    assert body["links"]["pay"] == f"/api/v1/applications/{reference}/payment"

    status, problem, _ = call(client, "POST", body["links"]["submit"], auth)
    assert (status, problem["code"]) == (402, "payment_required")

    status, payment, _ = call(client, "POST", body["links"]["pay"], auth)
    assert status == 201, payment
    assert payment["amount_fils"] == 5000
    assert payment["checkout_url"].startswith("http://testserver/")
    token = Payment.objects.get(application__reference=reference).token
    assert token in payment["checkout_url"]
    actions.settle_payment(token=token, succeeded=True)

    status, body, _ = call(client, "POST", body["links"]["submit"], auth)
    assert status == 200, body
    assert (body["state"], body["paid"], body["links"]["pay"]) == ("submitted", True, None)


def test_a_web_channel_is_recorded(client: Client, auth: dict[str, str]) -> None:
    _, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": SIMPLE, "answers": SIMPLE_ANSWERS, "channel": "web"}
    )
    assert Application.objects.get(reference=body["reference"]).channel == "web"


def test_a_service_not_offered_on_mobile_is_refused(client: Client, auth: dict[str, str]) -> None:
    # Offered on the web and at the counter only.
    request = {"service": "CUSTOMS-DUTY-REFUND", "answers": {}}
    status, problem, _ = call(client, "POST", "/api/v1/applications", auth, request)
    assert (status, problem["code"]) == (422, "service_not_online")
    assert not Application.objects.exists()


# --- idempotency ------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer(client: Client, auth: dict[str, str]) -> None:
    request = {"service": SIMPLE, "answers": SIMPLE_ANSWERS}
    first = call(client, "POST", "/api/v1/applications", auth, request, **{"Idempotency-Key": "c1d2-e3f4"})
    retry = call(client, "POST", "/api/v1/applications", auth, request, **{"Idempotency-Key": "c1d2-e3f4"})
    assert first[0] == retry[0] == 201
    assert first[1] == retry[1]
    assert "Idempotent-Replayed" not in first[2]
    assert retry[2]["Idempotent-Replayed"] == "true"
    assert retry[2]["Location"] == first[2]["Location"]
    assert Application.objects.filter(applicant__username="amina").count() == 1


def test_the_same_key_with_another_body_is_a_422(client: Client, auth: dict[str, str]) -> None:
    key = {"Idempotency-Key": "one-key"}
    call(client, "POST", "/api/v1/applications", auth, {"service": SIMPLE, "answers": SIMPLE_ANSWERS}, **key)
    changed = {"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "preferred_time": "evening"}}
    status, problem, _ = call(client, "POST", "/api/v1/applications", auth, changed, **key)
    assert (status, problem["code"]) == (422, "idempotency_key_reused")
    assert Application.objects.filter(applicant__username="amina").count() == 1


def test_a_rejected_request_keeps_no_idempotency_record_and_can_be_corrected(
    client: Client, auth: dict[str, str]
) -> None:
    key = {"Idempotency-Key": "fix-and-retry"}
    bad = {"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "programme_choice": "flying"}}
    assert call(client, "POST", "/api/v1/applications", auth, bad, **key)[0] == 422
    assert not IdempotencyRecord.objects.exists()
    # A rejected request changed nothing, so the key is still free for the corrected one.
    good = {"service": SIMPLE, "answers": SIMPLE_ANSWERS}
    assert call(client, "POST", "/api/v1/applications", auth, good, **{"Idempotency-Key": "fix-and-retry-2"})[0] == 201


def test_an_idempotency_key_longer_than_100_characters_is_refused(client: Client, auth: dict[str, str]) -> None:
    request = {"service": SIMPLE, "answers": SIMPLE_ANSWERS}
    status, problem, _ = call(client, "POST", "/api/v1/applications", auth, request, **{"Idempotency-Key": "k" * 101})
    assert status == 422
    assert [error["location"] for error in problem["errors"]] == ["header.Idempotency-Key"]
    assert not Application.objects.exists()


def test_a_retried_submit_replays_instead_of_failing(client: Client, auth: dict[str, str]) -> None:
    _, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": WITH_DOCUMENTS, "answers": WITH_DOCUMENTS_ANSWERS}
    )
    upload(client, auth, body["reference"], "health_report", "report.pdf", PDF)
    key = {"Idempotency-Key": "submit-once"}
    first = call(client, "POST", body["links"]["submit"], auth, **key)
    retry = call(client, "POST", body["links"]["submit"], auth, **key)
    assert first[0] == retry[0] == 200
    assert first[1] == retry[1]
    assert Event.objects.filter(application__reference=body["reference"], action="submit").count() == 1
    assert call(client, "POST", body["links"]["submit"], auth)[0] == 409  # without the key: already submitted


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "location", "field"),
    [
        ({"service": SIMPLE, "answers": "all of them"}, "body.answers", None),
        ({"service": 17, "answers": SIMPLE_ANSWERS}, "body.service", None),
        ({"service": SIMPLE, "answers": SIMPLE_ANSWERS, "priority": "high"}, "body.priority", None),
        ({"answers": SIMPLE_ANSWERS}, "body.service", None),
        ({"service": SIMPLE, "answers": SIMPLE_ANSWERS, "channel": "counter"}, "body.channel", None),
        ({"service": "NOPE-NOTHING", "answers": SIMPLE_ANSWERS}, "body.service", None),
        ({"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "programme_choice": "flying"}}, None, "programme_choice"),
        ({"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "mobile_number": "3" * 1_000_000}}, None, "mobile_number"),
        (
            {"service": SIMPLE, "answers": {k: v for k, v in SIMPLE_ANSWERS.items() if k != "preferred_time"}},
            None,
            "preferred_time",
        ),
        ({"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "shoe_size": "44"}}, None, "shoe_size"),
        ({"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "preferred_time": ["morning"]}}, None, "preferred_time"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    client: Client, auth: dict[str, str], body: dict[str, Any], location: str | None, field: str | None
) -> None:
    before = (Application.objects.count(), Event.objects.count())
    status, problem, response = call(client, "POST", "/api/v1/applications", auth, body)
    assert (status, response["Content-Type"]) == (422, "application/problem+json")
    if field is not None:
        assert problem["code"] == "invalid_answers"
        assert [error["field"] for error in problem["errors"]] == [field]
        assert problem["errors"][0]["location"] == f"answers.{field}"
    else:
        assert [error["location"] for error in problem["errors"]] == [location]
    assert all(error["message"] for error in problem["errors"])
    assert (Application.objects.count(), Event.objects.count()) == before


def test_answer_errors_follow_accept_language(client: Client, auth: dict[str, str]) -> None:
    body = {"service": SIMPLE, "answers": {**SIMPLE_ANSWERS, "programme_choice": "flying"}}
    english = call(client, "POST", "/api/v1/applications", auth, body, language="en")[1]
    arabic = call(client, "POST", "/api/v1/applications", auth, body, language="ar")[1]
    assert english["errors"][0]["message"] == "Choose one of the options."
    assert arabic["errors"][0]["message"] == "اختر أحد الخيارات."


def test_a_body_that_is_not_json_is_a_400_problem(client: Client, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/applications", data="{not json", content_type="application/json", headers=auth)
    assert (response.status_code, response["Content-Type"]) == (400, "application/problem+json")
    assert json.loads(response.content)["code"] == "unreadable_body"
    assert not Application.objects.exists()


# --- tracking, correcting, withdrawing ----------------------------------------------------------


def test_list_is_mine_newest_first_and_paginated(client: Client, auth: dict[str, str], applicant: User) -> None:
    references = []
    for _ in range(3):
        _, body, _ = call(client, "POST", "/api/v1/applications", auth, {"service": SIMPLE, "answers": SIMPLE_ANSWERS})
        references.append(body["reference"])
    someone_else = make_person("someone")
    actions.start_application(applicant=someone_else, service_code=SIMPLE, channel="web")

    status, page, _ = call(client, "GET", "/api/v1/applications?limit=2", auth)
    assert status == 200
    assert page["count"] == 3
    assert [item["reference"] for item in page["items"]] == references[::-1][:2]
    _, rest, _ = call(client, "GET", "/api/v1/applications?limit=2&offset=2", auth)
    assert [item["reference"] for item in rest["items"]] == [references[0]]
    status, problem, _ = call(client, "GET", "/api/v1/applications?limit=1000", auth)
    assert (status, problem["errors"][0]["location"]) == (422, "query.limit")


def test_listing_takes_as_many_queries_for_20_applications_as_for_2(client: Client) -> None:
    few, many = make_person("few"), make_person("many")
    for person, count in ((few, 2), (many, 20)):
        for _ in range(count):
            actions.start_application(applicant=person, service_code=SIMPLE, channel="mobile")
    few_auth, many_auth = bearer(few), bearer(many)
    for headers in (few_auth, many_auth):  # the first use of a token records when it was used
        call(client, "GET", "/api/v1/applications", headers)
    with CaptureQueriesContext(connection) as small:
        _, few_page, _ = call(client, "GET", "/api/v1/applications?limit=50", few_auth)
    with CaptureQueriesContext(connection) as large:
        _, many_page, _ = call(client, "GET", "/api/v1/applications?limit=50", many_auth)
    assert (len(few_page["items"]), len(many_page["items"])) == (2, 20)
    assert len(small) == len(large) <= 4


def test_a_correction_round_trip(client: Client, auth: dict[str, str]) -> None:
    _, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": WITH_DOCUMENTS, "answers": WITH_DOCUMENTS_ANSWERS}
    )
    reference = body["reference"]
    upload(client, auth, reference, "health_report", "report.pdf", PDF)
    call(client, "POST", body["links"]["submit"], auth)
    officer = officer_of("MOE")
    application = Application.objects.get(reference=reference)
    actions.claim(application=application, actor=officer)
    actions.perform(
        application=application,
        actor=officer,
        action="request_correction",
        comment="Which Riffa school? There are three.",
        correction_fields=["requested_school"],
    )

    status, body, _ = call(client, "GET", f"/api/v1/applications/{reference}", auth)
    assert status == 200
    assert body["state"] == "needs_correction"
    assert body["correction"] == {"fields": ["requested_school"], "comment": "Which Riffa school? There are three."}
    assert [action["action"] for action in body["actions"]] == ["resubmit"]
    correction_event = body["timeline"][-1]
    assert (correction_event["by"], correction_event["comment"]) == ("staff", "Which Riffa school? There are three.")
    assert "assign" not in [event["action"] for event in body["timeline"]]
    revision = body["revision"]

    status, problem, _ = call(client, "PATCH", body["links"]["answers"], auth, {"answers": {"grade": "grade_5"}})
    assert (status, problem["errors"][0]["field"]) == (422, "grade")
    status, body, _ = call(
        client, "PATCH", body["links"]["answers"], auth, {"answers": {"requested_school": "Riffa Views Primary"}}
    )
    assert status == 200, body
    assert body["answers"]["requested_school"] == "Riffa Views Primary"

    action = body["actions"][0]["href"]
    status, problem, _ = call(client, "POST", action, auth, {"revision": revision})
    assert (status, problem["code"]) == (409, "changed_by_someone_else")
    status, body, _ = call(client, "POST", action, auth, {"revision": body["revision"]})
    assert status == 200, body
    assert (body["state"], body["correction"], body["actions"]) == ("in_review", None, [])


def test_withdrawing_and_staff_steps(client: Client, auth: dict[str, str]) -> None:
    answers = {
        "account_no": "1234567890",
        "vacating_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "reason": "leaving_country",
        "mobile": "+973 3600 1234",
    }
    status, body, _ = call(
        client, "POST", "/api/v1/applications", auth, {"service": "EWA-DISCONNECTION", "answers": answers}
    )
    assert (status, body["state"]) == (201, "submitted"), body
    assert [action["action"] for action in body["actions"]] == ["cancel"]
    base = body["links"]["self"]

    status, problem, _ = call(client, "POST", f"{base}/actions/schedule_reading", auth, {})
    assert (status, problem["code"]) == (403, "not_allowed")
    status, problem, _ = call(client, "POST", f"{base}/actions/teleport", auth, {})
    assert status == 404
    status, problem, _ = call(client, "POST", f"{base}/actions/cancel", auth, {"comment": "x", "reason": "y"})
    assert (status, problem["errors"][0]["location"]) == (422, "body.reason")

    status, body, _ = call(client, "POST", f"{base}/actions/cancel", auth, {"comment": "We are staying after all."})
    assert status == 200, body
    assert (body["state"], body["outcome"], body["state_label"]["en"]) == ("cancelled", "withdrawn", "Cancelled")
    assert body["closed_at"]
    assert body["timeline"][-1]["action"] == "cancel"
    status, problem, _ = call(client, "POST", f"{base}/actions/cancel", auth, {})
    assert (status, problem["code"]) == (409, "not_in_this_state")
    status, problem, _ = call(client, "PATCH", f"{base}/answers", auth, {"answers": {"mobile": "33000000"}})
    assert status == 409


def test_problem_titles_of_the_applications_api_are_not_bare_reason_phrases(client: Client) -> None:
    status, problem, _ = call(client, "GET", "/api/v1/applications", {})
    assert status == 401
    assert problem["title"] != "Unauthorized"
    assert problem["detail"]
