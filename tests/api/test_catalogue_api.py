"""The catalogue over JSON, tested over HTTP as a mobile app would use it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tahawul.api.v1 import api

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("openapi.json")


def get(client: Client, path: str, language: str = "en") -> tuple[int, str, Any]:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response["Content-Type"], json.loads(response.content)


def test_search_ranks_passport_renewal_first_for_arabic_plural(client: Client) -> None:
    status, content_type, body = get(client, "/api/v1/services?q=جوازات")
    assert (status, content_type) == (200, "application/json; charset=utf-8")
    assert body["items"][0]["code"] == "NPRA-PASSPORT-RENEW"
    first = body["items"][0]
    assert first["name"] == {"ar": "تجديد جواز السفر", "en": "Passport renewal"}
    assert first["entity"]["code"] == "NPRA"
    assert first["fee"] == {"amount": "12.000", "amount_fils": 12000, "currency": "BHD", "varies": True}
    assert "web" in first["channels"]


def test_arabic_is_sent_as_utf8_not_escaped(client: Client) -> None:
    response = client.get("/api/v1/services?q=passport&page_size=1")
    assert "تجديد جواز السفر".encode() in response.content


def test_filters_by_entity_category_and_channel(client: Client) -> None:
    _, _, body = get(client, "/api/v1/services?entity=TRAFFIC&page_size=100")
    assert body["count"] == len(body["items"]) > 0
    assert {item["entity"]["code"] for item in body["items"]} == {"TRAFFIC"}

    _, _, body = get(client, "/api/v1/services?category=health&channel=kiosk&page_size=100")
    assert body["count"] > 0
    assert all(item["category"]["slug"] == "health" and "kiosk" in item["channels"] for item in body["items"])


def test_pagination_covers_every_service_once(client: Client) -> None:
    _, _, first = get(client, "/api/v1/services?page_size=50")
    codes = [item["code"] for item in first["items"]]
    for page in range(2, first["pages"] + 1):
        _, _, body = get(client, f"/api/v1/services?page_size=50&page={page}")
        codes += [item["code"] for item in body["items"]]
    assert len(codes) == len(set(codes)) == first["count"] >= 110


def test_listing_a_page_takes_a_fixed_number_of_queries(client: Client) -> None:
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/services?q=licence&page_size=2")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/services?q=licence&page_size=20")
    assert len(small) == len(large) <= 6


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("page=0", "query.page"),
        ("page=abc", "query.page"),
        ("page_size=1000", "query.page_size"),
        ("channel=fax", "query.channel"),
        ("entity=not-a-code", "query.entity"),
        ("q=" + "x" * 2001, "query.q"),
    ],
)
def test_bad_parameters_get_422_problem_json(client: Client, query: str, location: str) -> None:
    status, content_type, body = get(client, f"/api/v1/services?{query}")
    assert (status, content_type) == (422, "application/problem+json")
    assert body["status"] == 422
    assert body["code"] == "invalid_parameters"
    assert [error["location"] for error in body["errors"]] == [location]
    assert all(error["message"] for error in body["errors"])


def test_unknown_entity_is_a_422_naming_the_parameter(client: Client) -> None:
    status, _, body = get(client, "/api/v1/services?entity=NOSUCH")
    assert status == 422
    assert body["errors"] == [{"location": "query.entity", "message": "There is no entity with this code."}]


def test_problem_messages_follow_accept_language(client: Client) -> None:
    _, _, english = get(client, "/api/v1/services?entity=NOSUCH", language="en")
    _, _, arabic = get(client, "/api/v1/services?entity=NOSUCH", language="ar")
    assert english["errors"][0]["message"] != arabic["errors"][0]["message"]
    assert english["title"] != arabic["title"]


def test_empty_and_very_long_queries_answer_sanely(client: Client) -> None:
    _, _, everything = get(client, "/api/v1/services?q=")
    assert everything["count"] >= 110
    status, _, long = get(client, "/api/v1/services?q=" + "جواز " * 400)
    assert status == 200
    assert long["items"][0]["code"].startswith("NPRA-PASSPORT")


def test_a_service_with_its_definition(client: Client) -> None:
    status, _, body = get(client, "/api/v1/services/NPRA-PASSPORT-RENEW")
    assert status == 200
    definition = body["definition"]
    assert definition["code"] == "NPRA-PASSPORT-RENEW"
    field_types = {field["key"]: field["type"] for section in definition["sections"] for field in section["fields"]}
    assert field_types["passport_no"] == "text"
    assert definition["documents"][0]["types"]
    assert definition["fee"]["amount"] == "12.000"
    assert {"from", "to", "action", "role"} <= set(definition["workflow"]["transitions"][0])
    assert body["working_days"] == 15
    assert body["version"] >= 1


def test_an_unknown_service_is_404_problem_json(client: Client) -> None:
    status, content_type, body = get(client, "/api/v1/services/NOPE-NOTHING")
    assert (status, content_type) == (404, "application/problem+json")
    assert body["code"] == "unknown_service"


def test_an_unknown_api_path_is_404_problem_json(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    status, content_type, body = get(client, "/api/v1/nothing-here")
    assert (status, content_type) == (404, "application/problem+json")
    assert body["instance"] == "/api/v1/nothing-here"


def test_entities_with_service_counts(client: Client) -> None:
    status, _, body = get(client, "/api/v1/entities")
    assert status == 200
    assert len(body) == 18
    npra = next(entity for entity in body if entity["code"] == "NPRA")
    assert npra["service_count"] >= 8
    assert npra["name"]["en"] == "Nationality, Passports and Residence Affairs"


def test_openapi_document_matches_the_committed_snapshot() -> None:
    schema = api.get_openapi_schema()
    rendered = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("TAHAWUL_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "The API changed: review it, then run TAHAWUL_UPDATE_SNAPSHOTS=1 make pytest to accept it"
    )


def test_openapi_json_and_docs_are_served_without_a_cdn(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "https://" not in docs


def test_a_wrong_method_is_405_problem_json_with_allow(client: Client) -> None:
    response = client.post("/api/v1/services", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Content-Type"]) == (405, "application/problem+json")
    assert response["Allow"] == "GET"
    assert json.loads(response.content)["code"] == "method_not_allowed"
