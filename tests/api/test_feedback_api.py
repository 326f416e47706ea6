"""Rating, filing and following cases, and reading the satisfaction index over the JSON API, with
a token and without one, as the mobile app and other systems use them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.catalog.models import Entity, Service
from tahawul.feedback import cases as case_actions
from tahawul.feedback.errors import AlreadyRatedByAnother, InvalidFeedback
from tahawul.feedback.index import wilson
from tahawul.feedback.models import Case, CaseEvent, Rating, RatingChange, SatisfactionDay
from tahawul.feedback.ratings import RatingInput, record_rating
from tahawul.identity.models import Membership, Role, User
from tests.api.test_applications_api import SIMPLE, SIMPLE_ANSWERS, bearer, make_person

pytestmark = pytest.mark.django_db

PASSPORT = "NPRA-PASSPORT-RENEW"  # an NPRA service
TRAINING = SIMPLE  # a Ministry of Labour service, which the API can apply for
MONTH = "{:%Y-%m}"


def call(
    client: Client,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    language: str | None = "en",
    address: str = "198.51.100.7",
) -> tuple[int, Any, Any]:
    """(status, parsed body, the response); ``language=None`` sends no Accept-Language."""
    sent = dict(headers or {})
    if language is not None:
        sent["Accept-Language"] = language
    response = client.generic(
        method,
        path,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=sent,
        REMOTE_ADDR=address,
    )
    return response.status_code, json.loads(response.content) if response.content else None, response


def staff(username: str, entity: str | None, role: str = Role.OFFICER) -> User:
    person = make_person(username)
    Membership.objects.create(user=person, entity=Entity.objects.get(code=entity) if entity else None, role=role)
    return person


def applied(applicant: User) -> Application:
    return actions.apply(
        applicant=applicant, service_code=TRAINING, channel="mobile", answers=SIMPLE_ANSWERS
    ).application


def rate_many(service: str, faces: dict[str, int], *, channel: str = "mobile", ease: int | None = None) -> None:
    """Ratings from as many senders as ratings, through the real action (as the portal makes them)."""
    number = 0
    for face, count in faces.items():
        for _ in range(count):
            number += 1
            record_rating(
                values=RatingInput(face=face, ease=ease),
                channel=channel,
                language="ar",
                client=f"ip:203.0.113.{number}:{service}",
                service_code=service,
            )


def stored() -> tuple[int, int, int]:
    days = SatisfactionDay.objects.all()
    return (
        Rating.objects.count(),
        RatingChange.objects.count(),
        sum(d.satisfied + d.neutral + d.dissatisfied for d in days),
    )


@pytest.fixture
def fatima() -> User:
    return make_person("fatima", email="fatima@example.bh", mobile="+97333111222")


# --- ratings ----------------------------------------------------------------------------------


def test_anyone_can_rate_a_service_without_an_account(client: Client) -> None:
    status, body, response = call(client, "POST", "/api/v1/ratings", {"service": PASSPORT, "face": "happy", "ease": 6})
    assert (status, response["Content-Type"]) == (201, "application/json; charset=utf-8")
    assert body == {"id": body["id"], "mood": "satisfied", "replaced": False, "case": None}
    rating = Rating.objects.get(pk=body["id"])
    assert (rating.service.code, rating.channel, rating.rater, rating.ease) == (PASSPORT, "mobile", None, 6)
    assert rating.entity.code == "NPRA"
    assert rating.language == "en"
    day = SatisfactionDay.objects.get(service=rating.service, channel="mobile", day=rating.day)
    assert (day.satisfied, day.ease_n, day.ease_agree) == (1, 1, 1)


def test_a_score_alone_counts_by_its_score(client: Client) -> None:
    status, body, _ = call(client, "POST", "/api/v1/ratings", {"service": PASSPORT, "score": 2, "channel": "web"})
    assert (status, body["mood"]) == (201, "dissatisfied")
    assert Rating.objects.get(pk=body["id"]).channel == "web"


@pytest.mark.parametrize(
    ("request_body", "location"),
    [
        ({"service": PASSPORT, "score": 0}, "body.score"),
        ({"service": PASSPORT, "score": 6}, "body.score"),
        ({"service": PASSPORT, "face": "happy", "score": 6}, "body.score"),
        ({"service": PASSPORT, "score": "5"}, "body.score"),
        ({"service": PASSPORT, "score": 4.5}, "body.score"),
        ({"service": PASSPORT, "face": "happy", "ease": 0}, "body.ease"),
        ({"service": PASSPORT, "face": "happy", "ease": 8}, "body.ease"),
        ({"service": PASSPORT, "face": "ecstatic"}, "body.face"),
        ({"service": PASSPORT}, "body.face"),
        ({"service": PASSPORT, "face": "happy", "comment": "x" * 2001}, "body.comment"),
        ({"service": PASSPORT, "face": "happy", "channel": "counter"}, "body.channel"),
        ({"service": PASSPORT, "face": "happy", "endpoint": "somewhere"}, "body.endpoint"),
        ({"service": PASSPORT, "face": "happy", "stars": 5}, "body.stars"),
        ({"service": "NOPE-NOTHING", "face": "happy"}, "body.service"),
        ({"face": "happy"}, "body.service"),
    ],
)
def test_out_of_range_ratings_are_refused_field_by_field_and_nothing_is_stored(
    client: Client, request_body: dict[str, Any], location: str
) -> None:
    before = stored()
    status, problem, response = call(client, "POST", "/api/v1/ratings", request_body)
    assert (status, response["Content-Type"]) == (422, "application/problem+json")
    assert [error["location"] for error in problem["errors"]] == [location]
    assert all(error["message"] for error in problem["errors"])
    assert stored() == before


def test_the_applicant_rates_a_transaction_and_rating_it_again_replaces_the_first(client: Client, fatima: User) -> None:
    application = applied(fatima)
    auth = bearer(fatima)
    request = {"application": application.reference, "face": "neutral", "endpoint": "submitted"}
    status, first, _ = call(client, "POST", "/api/v1/ratings", request, headers=auth)
    assert (status, first["mood"], first["replaced"]) == (201, "neutral", False)
    status, second, _ = call(client, "POST", "/api/v1/ratings", {**request, "face": "happy"}, headers=auth)
    assert (status, second["mood"], second["replaced"]) == (201, "satisfied", True)
    assert second["id"] == first["id"]
    rating = Rating.objects.get(application=application)
    assert (rating.rater, rating.face, rating.service.code, rating.endpoint) == (fatima, "happy", TRAINING, "submitted")
    assert [change.before["face"] for change in rating.changes.all()] == ["neutral"]
    day = SatisfactionDay.objects.get(service=rating.service, day=rating.day, channel="mobile")
    assert (day.satisfied, day.neutral) == (1, 0)  # the replaced answer no longer counts


def test_someone_else_cannot_rate_a_transaction_that_is_not_theirs(client: Client, fatima: User) -> None:
    application = applied(fatima)
    call(
        client,
        "POST",
        "/api/v1/ratings",
        {"application": application.reference, "face": "happy"},
        headers=bearer(fatima),
    )
    before = stored()
    john = make_person("john")
    request = {"application": application.reference, "face": "unhappy", "score": 1}
    status, problem, response = call(client, "POST", "/api/v1/ratings", request, headers=bearer(john))
    assert (status, response["Content-Type"], problem["code"]) == (
        403,
        "application/problem+json",
        "rated_by_someone_else",
    )
    assert problem["title"] == "This is not allowed."
    with translation.override("en"):
        assert problem["detail"] == str(AlreadyRatedByAnother.message)
    assert stored() == before
    rating = Rating.objects.get(application=application)
    assert (rating.rater, rating.face, rating.score) == (fatima, "happy", None)


def test_a_transaction_nobody_rated_yet_is_still_only_the_applicants(client: Client, fatima: User) -> None:
    application = applied(fatima)
    request = {"application": application.reference, "face": "happy"}
    status, problem, _ = call(client, "POST", "/api/v1/ratings", request, headers=bearer(make_person("john")))
    assert (status, problem["code"]) == (403, "rated_by_someone_else")
    assert not Rating.objects.exists()


def test_a_transaction_cannot_be_rated_without_a_token(client: Client, fatima: User) -> None:
    application = applied(fatima)
    status, problem, response = call(
        client, "POST", "/api/v1/ratings", {"application": application.reference, "face": "happy"}
    )
    assert (status, problem["code"], response["WWW-Authenticate"]) == (401, "not_authenticated", "Bearer")
    assert not Rating.objects.exists()


def test_an_unknown_transaction_answers_like_someone_elses(client: Client, fatima: User) -> None:
    request = {"application": "TH-0000-0000-0000", "face": "happy"}
    status, problem, _ = call(client, "POST", "/api/v1/ratings", request, headers=bearer(fatima))
    assert (status, problem["code"]) == (403, "rated_by_someone_else")
    assert not Rating.objects.exists()


@pytest.mark.parametrize("header", ["Bearer thw_not-a-real-token", "Bearer ", "Token abc"])
def test_a_token_that_is_sent_must_be_valid_even_where_none_is_needed(client: Client, header: str) -> None:
    status, problem, _ = call(
        client, "POST", "/api/v1/ratings", {"service": PASSPORT, "face": "happy"}, headers={"Authorization": header}
    )
    assert (status, problem["code"]) == (401, "not_authenticated")
    assert not Rating.objects.exists()


def test_html_in_a_comment_is_kept_as_the_same_text(client: Client, fatima: User) -> None:
    comment = '<script>alert("x")</script> The <b>queue</b> took 3 hours & nobody answered'
    auth = bearer(fatima)
    status, body, _ = call(
        client,
        "POST",
        "/api/v1/ratings",
        {"service": PASSPORT, "face": "unhappy", "comment": comment, "wants_contact": True},
        headers=auth,
    )
    assert status == 201, body
    assert Rating.objects.get(pk=body["id"]).comment == comment
    # The unhappy comment opened a follow-up case, which the rater reads back word for word.
    assert body["case"]
    status, case, response = call(client, "GET", f"/api/v1/cases/{body['case']}", headers=auth)
    assert (status, case["kind"], case["entity"]["code"]) == (200, "complaint", "NPRA")
    assert case["description"] == comment
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert Case.objects.get(reference=body["case"]).contact_preference == "email"


def test_a_rating_flood_from_one_address_is_refused_after_the_limit(client: Client, settings: Any) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 3
    request = {"service": PASSPORT, "face": "happy"}
    for _ in range(3):
        assert call(client, "POST", "/api/v1/ratings", request)[0] == 201
    before = stored()
    status, problem, response = call(client, "POST", "/api/v1/ratings", request)
    assert (status, response["Content-Type"], problem["code"]) == (429, "application/problem+json", "too_many_requests")
    assert response["Retry-After"] == "3600"
    assert stored() == before
    # Claiming to be a fresh kiosk does not escape the limit of the address it comes from.
    kiosk = {**request, "channel": "kiosk", "device": "K-new-every-time"}
    assert call(client, "POST", "/api/v1/ratings", kiosk)[0] == 201  # kiosks have their own, larger limit
    assert call(client, "POST", "/api/v1/ratings", request, address="198.51.100.8")[0] == 201


def test_a_token_holders_ratings_are_counted_per_account(client: Client, settings: Any, fatima: User) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 2
    request = {"service": PASSPORT, "face": "happy"}
    auth = bearer(fatima)
    assert call(client, "POST", "/api/v1/ratings", request, headers=auth, address="10.0.0.1")[0] == 201
    assert call(client, "POST", "/api/v1/ratings", request, headers=auth, address="10.0.0.2")[0] == 201
    assert call(client, "POST", "/api/v1/ratings", request, headers=auth, address="10.0.0.3")[0] == 429
    assert call(client, "POST", "/api/v1/ratings", request, address="10.0.0.3")[0] == 201


def test_problems_are_in_arabic_by_default_and_follow_accept_language(client: Client) -> None:
    request = {"service": PASSPORT, "score": 6}
    arabic = call(client, "POST", "/api/v1/ratings", request, language=None)[1]
    english = call(client, "POST", "/api/v1/ratings", request, language="en")[1]
    assert (arabic["title"], english["title"]) == ("بعض المعلمات غير صالحة.", "Some parameters are not valid.")
    assert arabic["errors"] == [{"location": "body.score", "message": "أدخل رقماً لا يزيد على 5."}]
    assert english["errors"] == [{"location": "body.score", "message": "Enter a number of at most 5."}]
    domain_arabic = call(client, "POST", "/api/v1/ratings", {"service": PASSPORT}, language="ar")[1]
    domain_english = call(client, "POST", "/api/v1/ratings", {"service": PASSPORT}, language="en")[1]
    assert domain_english["code"] == domain_arabic["code"] == "invalid_feedback"
    with translation.override("ar"):
        assert domain_arabic["detail"] == str(InvalidFeedback.message)
    with translation.override("en"):
        assert domain_english["detail"] == str(InvalidFeedback.message)


# --- cases ------------------------------------------------------------------------------------


def test_anyone_files_a_case_and_follows_it_with_the_contact_they_gave(client: Client) -> None:
    request = {
        "kind": "complaint",
        "description": "The passport office closed an hour early.",
        "service": PASSPORT,
        "channel_concerned": "counter",
        "contact_preference": "email",
        "contact_email": "layla@example.bh",
    }
    status, body, response = call(client, "POST", "/api/v1/cases", request)
    assert status == 201, body
    reference = body["reference"]
    assert body["status"] == "open"
    assert body["due_at"]
    assert body["links"]["self"] == response["Location"] == f"/api/v1/cases/{reference}"
    case = Case.objects.get(reference=reference)
    assert (case.filer, case.filed_on, case.entity.code, case.language) == (None, "mobile", "NPRA", "en")

    assert call(client, "GET", f"/api/v1/cases/{reference}")[0] == 404
    assert call(client, "GET", f"/api/v1/cases/{reference}?contact=someone@example.bh")[0] == 404
    status, shown, _ = call(client, "GET", f"/api/v1/cases/{reference}?contact=Layla@Example.bh")
    assert status == 200, shown
    assert (shown["status"], shown["kind"], shown["service"]["code"], shown["entity"]["code"]) == (
        "open",
        "complaint",
        PASSPORT,
        "NPRA",
    )
    assert shown["kind_label"]["en"] == "Complaint"
    assert shown["channel_concerned"] == "counter"
    assert [(event["action"], event["by"]) for event in shown["timeline"]] == [("filed", "you")]


def test_a_case_is_the_filers_and_others_get_the_same_404_as_for_nothing(client: Client, fatima: User) -> None:
    auth = bearer(fatima)
    request = {
        "kind": "suggestion",
        "description": "Let us renew passports in the app.",
        "entity": "NPRA",
        "filed_on": "web",
    }
    status, body, _ = call(client, "POST", "/api/v1/cases", request, headers=auth)
    assert status == 201, body
    reference = body["reference"]
    case = Case.objects.get(reference=reference)
    assert (case.filer, case.filed_on, case.service) == (fatima, "web", None)
    assert call(client, "GET", f"/api/v1/cases/{reference}", headers=auth)[0] == 200

    nothing = call(client, "GET", "/api/v1/cases/CS-0000-0000-0000", headers=auth)
    for stranger in (make_person("john"), staff("npra.officer", "NPRA")):
        status, problem, _ = call(client, "GET", f"/api/v1/cases/{reference}", headers=bearer(stranger))
        assert (status, problem["code"]) == (404, "not_found")
        assert {**problem, "instance": ""} == {**nothing[1], "instance": ""}
    # The filer's own contact works without the token too.
    assert call(client, "GET", f"/api/v1/cases/{reference}?contact=%2B97333111222")[0] == 200


def test_the_timeline_shows_the_entitys_answers_never_its_staff_or_internal_steps(client: Client, fatima: User) -> None:
    auth = bearer(fatima)
    request = {"kind": "inquiry", "description": "Can I renew a passport that expired a year ago?", "service": PASSPORT}
    reference = call(client, "POST", "/api/v1/cases", request, headers=auth)[1]["reference"]
    officer = staff("npra.officer", "NPRA")
    case = Case.objects.get(reference=reference)
    case_actions.assign_case(case=case, actor=officer, assignee=officer)
    case_actions.reply_to_case(case=case, actor=officer, message="Yes: bring the old passport to any centre.")
    case_actions.close_case(case=case, actor=officer, outcome="resolved")

    status, shown, response = call(client, "GET", f"/api/v1/cases/{reference}", headers=auth)
    assert status == 200, shown
    assert [(event["action"], event["by"]) for event in shown["timeline"]] == [
        ("filed", "you"),
        ("replied", "entity"),
        ("closed", "entity"),
    ]
    assert shown["timeline"][1]["message"] == "Yes: bring the old passport to any centre."
    assert (shown["status"], shown["outcome"], shown["outcome_label"]["en"]) == ("closed", "resolved", "Resolved")
    assert shown["closed_at"]
    assert CaseEvent.objects.filter(case=case, action="assigned").exists()
    text = response.content.decode()
    for revealing in ("npra.officer", officer.name_en, officer.name_ar, "assigned"):
        assert revealing not in text


@pytest.mark.parametrize(
    "description",
    ["", "   \n  ", "x" * 5001, "ش" * 100_000],
)
def test_an_empty_or_too_long_description_is_refused_and_nothing_is_saved(client: Client, description: str) -> None:
    request = {"kind": "complaint", "description": description, "service": PASSPORT}
    status, problem, response = call(client, "POST", "/api/v1/cases", request)
    assert (status, response["Content-Type"]) == (422, "application/problem+json")
    assert [error["location"] for error in problem["errors"]] == ["body.description"]
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"kind": "rant"}, "body.kind"),
        ({"service": "NOPE-NOTHING"}, "body.service"),
        ({"service": None, "entity": "NOPE"}, "body.entity"),
        ({"contact_preference": "email", "contact_email": "not an address"}, "body.contact_email"),
        ({"contact_preference": "sms"}, "body.contact_mobile"),
        ({"filed_on": "kiosk"}, "body.filed_on"),
        ({"attachments": ["screenshot.png"]}, "body.attachments"),
    ],
)
def test_bad_case_fields_are_named(client: Client, changes: dict[str, Any], location: str) -> None:
    request = {"kind": "technical", "description": "The payment page froze.", "service": PASSPORT, **changes}
    status, problem, _ = call(client, "POST", "/api/v1/cases", request)
    assert (status, [error["location"] for error in problem["errors"]]) == (422, [location])
    assert not Case.objects.exists()


def test_a_technical_problem_keeps_what_the_person_was_doing(client: Client) -> None:
    request = {
        "kind": "technical",
        "description": "The app crashed when I added a photo.",
        "service": PASSPORT,
        "doing": "Uploading my photo",
        "page": "Renewal, step 3",
        "client_version": "Tahawul Android 3.2.1",
        "error_reference": "ERR-7F3A",
    }
    status, body, _ = call(client, "POST", "/api/v1/cases", request)
    assert status == 201, body
    case = Case.objects.get(reference=body["reference"])
    assert (case.doing, case.page, case.client_version, case.error_reference) == (
        "Uploading my photo",
        "Renewal, step 3",
        "Tahawul Android 3.2.1",
        "ERR-7F3A",
    )


def test_a_retried_case_with_the_same_key_is_filed_once(client: Client, fatima: User) -> None:
    auth = {**bearer(fatima), "Idempotency-Key": "case-9b1e"}
    request = {"kind": "compliment", "description": "Quick and kind staff.", "service": PASSPORT}
    first = call(client, "POST", "/api/v1/cases", request, headers=auth)
    retry = call(client, "POST", "/api/v1/cases", request, headers=auth)
    assert first[0] == retry[0] == 201
    assert first[1] == retry[1]
    assert retry[2]["Idempotent-Replayed"] == "true"
    assert retry[2]["Location"] == first[2]["Location"]
    assert Case.objects.filter(filer=fatima).count() == 1
    status, problem, _ = call(client, "POST", "/api/v1/cases", {**request, "kind": "suggestion"}, headers=auth)
    assert (status, problem["code"]) == (422, "idempotency_key_reused")


def test_an_anonymous_callers_idempotency_key_is_not_used(client: Client) -> None:
    request = {"kind": "compliment", "description": "Quick and kind staff.", "service": PASSPORT}
    key = {"Idempotency-Key": "anonymous-key"}
    assert call(client, "POST", "/api/v1/cases", request, headers=key)[0] == 201
    status, _, response = call(client, "POST", "/api/v1/cases", request, headers=key)
    assert status == 201
    assert "Idempotent-Replayed" not in response
    assert Case.objects.count() == 2


def test_a_case_flood_is_refused_with_retry_after(client: Client, settings: Any) -> None:
    settings.TAHAWUL_CASES_PER_HOUR = 2
    request = {"kind": "suggestion", "description": "More evening hours, please.", "entity": "NPRA"}
    for _ in range(2):
        assert call(client, "POST", "/api/v1/cases", request)[0] == 201
    status, problem, response = call(client, "POST", "/api/v1/cases", request)
    assert (status, problem["code"], response["Retry-After"]) == (429, "too_many_requests", "3600")
    assert Case.objects.count() == 2


# --- the satisfaction index -------------------------------------------------------------------


def rows_by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in body["rows"]}


@pytest.fixture
def ratings_in_two_entities() -> None:
    # NPRA: 40 passport ratings (30 happy, 4 neutral, 6 unhappy) and 5 for another NPRA service;
    # the Ministry of Labour: 35 ratings.
    rate_many(PASSPORT, {"happy": 30, "neutral": 4, "unhappy": 6}, ease=6)
    other_npra = Service.objects.filter(entity__code="NPRA").exclude(code=PASSPORT).order_by("code").first()
    assert other_npra is not None
    rate_many(other_npra.code, {"happy": 2, "unhappy": 3})
    rate_many(TRAINING, {"happy": 20, "unhappy": 15}, channel="web")


@pytest.mark.usefixtures("ratings_in_two_entities")
def test_the_public_gets_government_figures_with_small_cells_withheld(client: Client) -> None:
    period = MONTH.format(timezone.localdate())
    status, body, _ = call(client, "GET", f"/api/v1/insights/satisfaction?group_by=service&period={period}")
    assert status == 200, body
    assert (body["scope"], body["group_by"], body["period"]["name"]) == ("government", "service", period)
    rows = rows_by_key(body)
    assert {PASSPORT, TRAINING} <= set(rows)
    small = [row for row in body["rows"] if row["n"] < 30]
    assert small  # the other NPRA service, with 5 responses
    for row in small:
        assert row["reliability"] == "too_few"
        assert (row["satisfied"], row["dissatisfied"], row["interval"], row["change"]) == (None, None, None, None)
        assert (row["ease"]["mean"], row["ease"]["agree"]) == (None, None)
    passport = rows[PASSPORT]
    low, high = wilson(30, 40)
    assert (passport["n"], passport["reliability"]) == (40, "indicative")
    assert (passport["satisfied"], passport["dissatisfied"]) == (round(30 / 40 * 100, 1), round(6 / 40 * 100, 1))
    assert passport["interval"] == [round(low * 100, 1), round(high * 100, 1)]
    assert passport["ease"] == {"n": 40, "mean": 6.0, "agree": 100.0}
    assert passport["label"]["en"] == "Passport renewal"


@pytest.mark.usefixtures("ratings_in_two_entities")
def test_the_public_sees_channels_and_entities_across_the_government(client: Client) -> None:
    _, by_entity, _ = call(client, "GET", "/api/v1/insights/satisfaction?group_by=entity&period=90d")
    assert {"NPRA", "MOL"} <= set(rows_by_key(by_entity))
    assert rows_by_key(by_entity)["NPRA"]["n"] == 45
    _, by_channel, _ = call(client, "GET", "/api/v1/insights/satisfaction?group_by=channel&period=90d")
    channels = rows_by_key(by_channel)
    assert (channels["mobile"]["n"], channels["web"]["n"]) == (45, 35)
    assert channels["web"]["satisfied"] == round(20 / 35 * 100, 1)


@pytest.mark.usefixtures("ratings_in_two_entities")
def test_staff_of_npra_get_only_npra_rows(client: Client) -> None:
    auth = bearer(staff("npra.officer", "NPRA"))
    _, by_entity, _ = call(client, "GET", "/api/v1/insights/satisfaction?group_by=entity&period=90d", headers=auth)
    assert by_entity["scope"] == "entities"
    assert list(rows_by_key(by_entity)) == ["NPRA"]
    _, by_service, _ = call(client, "GET", "/api/v1/insights/satisfaction?group_by=service&period=90d", headers=auth)
    codes = set(rows_by_key(by_service))
    assert PASSPORT in codes
    assert set(Service.objects.filter(code__in=codes).values_list("entity__code", flat=True)) == {"NPRA"}
    _, by_channel, _ = call(client, "GET", "/api/v1/insights/satisfaction?group_by=channel&period=90d", headers=auth)
    assert list(rows_by_key(by_channel)) == ["mobile"]  # the ministry's web ratings are not theirs


@pytest.mark.usefixtures("ratings_in_two_entities")
def test_the_analyst_and_the_authority_see_every_entity(client: Client) -> None:
    for person in (staff("analyst", None, Role.ANALYST), staff("iga.officer", "IGA")):
        _, body, _ = call(
            client, "GET", "/api/v1/insights/satisfaction?group_by=entity&period=90d", headers=bearer(person)
        )
        assert body["scope"] == "government"
        assert {"NPRA", "MOL"} <= set(rows_by_key(body))


def test_a_beneficiarys_token_gets_the_public_figures(client: Client, fatima: User) -> None:
    status, body, _ = call(client, "GET", "/api/v1/insights/satisfaction?group_by=channel", headers=bearer(fatima))
    assert (status, body["scope"], body["period"]["name"]) == (200, "government", "90d")


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("group_by=service&period=2026-13", "query.period"),
        ("group_by=service&period=last-week", "query.period"),
        ("group_by=service&period=400d", "query.period"),
        ("group_by=person&period=2026", "query.group_by"),
        ("period=2026", "query.group_by"),
    ],
)
def test_a_bad_group_or_period_is_a_clear_422(client: Client, query: str, location: str) -> None:
    status, problem, _ = call(client, "GET", f"/api/v1/insights/satisfaction?{query}")
    assert status == 422
    assert [error["location"] for error in problem["errors"]] == [location]
    assert problem["errors"][0]["message"]
    if location == "query.period":
        assert "2026-Q3" in problem["errors"][0]["message"]
