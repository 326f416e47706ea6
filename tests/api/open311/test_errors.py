"""GeoReport v2's error format and status codes on every path under /open311/v2/, unknown ones
and wrong methods included; the api_key (missing, revoked, another entity's) and its rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tahawul.applications.models import Application
from tahawul.integrations.keys import revoke_api_key
from tests.api.open311.conftest import Open311World, call, parsed
from tests.api.open311.test_submitting import ROAD_REPORT
from tests.integrations.conftest import METER_DISPUTE, ROAD_DAMAGE, key_for

pytestmark = pytest.mark.django_db


def descriptions(response: Any) -> list[str]:
    body = parsed(response)
    if isinstance(body, list):
        assert all(set(error) == {"code", "description"} and error["code"] == response.status_code for error in body)
        return [error["description"] for error in body]
    assert body.tag == "errors"
    assert all(error.findtext("code") == str(response.status_code) for error in body.iterfind("error"))
    return [error.findtext("description", "") for error in body.iterfind("error")]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "nothing.xml", 404),
        ("GET", "nothing.json", 404),
        ("POST", "services/x/y.json", 404),
        ("GET", "services", 404),  # no format: no such resource
        ("GET", "requests/SR-0000-0000-0000.json", 404),
        ("GET", "tokens/no-such-token.xml", 404),
        ("GET", f"services/{ROAD_DAMAGE}.csv", 400),
        ("POST", "services.json", 405),
        ("DELETE", "requests.xml", 405),
        ("PUT", f"services/{ROAD_DAMAGE}.xml", 405),
    ],
)
def test_every_path_answers_errors_in_the_open311_format(
    client: Client, world: Open311World, method: str, path: str, status: int
) -> None:
    response = call(client, method, path, {"locale": "en"})

    assert response.status_code == status
    assert descriptions(response)
    expected_type = "application/json" if path.endswith(".json") else "text/xml"
    assert response["Content-Type"].startswith(expected_type)
    if status == 405:
        assert "GET" in response["Allow"]


def test_errors_are_in_the_language_of_the_request(client: Client, world: Open311World) -> None:
    arabic = call(client, "POST", "services.json")
    english = call(client, "POST", "services.json", None, **{"Accept-Language": "en"})

    assert (arabic["Content-Language"], english["Content-Language"]) == ("ar", "en")
    assert descriptions(english) == ["This method is not allowed here."]
    assert descriptions(arabic) == ["طريقة الطلب هذه غير مسموح بها هنا."]


def test_a_jurisdiction_other_than_ours_is_not_found(client: Client, world: Open311World) -> None:
    ours = call(client, "GET", "services.json", {"jurisdiction_id": "127.0.0.1"})
    other = call(client, "GET", "services.xml", {"jurisdiction_id": "sfgov.org", "locale": "en"})

    assert ours.status_code == 200
    assert other.status_code == 404
    assert descriptions(other) == ["This endpoint does not serve the jurisdiction_id given."]


def post_report(client: Client, api_key: str, **changes: str) -> Any:
    return call(client, "POST", "requests.xml", {**ROAD_REPORT, "api_key": api_key, "locale": "en", **changes})


def test_posting_needs_a_live_api_key_for_the_services_entity(client: Client, world: Open311World) -> None:
    ewa_key = key_for(world.integrator, "EWA").raw
    missing = post_report(client, "")
    unknown = post_report(client, "o311_not-a-key")
    wrong_entity = post_report(client, ewa_key)
    ewa_service = post_report(client, world.key, service_code=METER_DISPUTE, description="The bill doubled.")
    revoke_api_key(actor=world.mun_admin, api_key=world.mun_key.api_key)
    revoked = post_report(client, world.key)

    assert [item.status_code for item in (missing, unknown, wrong_entity, ewa_service, revoked)] == [403] * 5
    assert descriptions(missing) == ["Send your api_key in the form-encoded body of the request."]
    assert (
        descriptions(unknown)
        == descriptions(revoked)
        == ["This api_key is not valid: it is unknown or has been revoked."]
    )
    assert descriptions(wrong_entity) == [
        "This api_key is for another government entity than the one that owns this service."
    ]
    assert not Application.objects.filter(channel="open311").exists()


def test_a_key_in_the_address_does_not_count(client: Client, world: Open311World) -> None:
    response = client.post(f"/open311/v2/requests.json?api_key={world.key}&locale=en", ROAD_REPORT)

    assert response.status_code == 403
    assert descriptions(response) == ["Send your api_key in the form-encoded body of the request."]


def test_a_missing_or_unknown_service_code(client: Client, world: Open311World) -> None:
    missing = post_report(client, world.key, service_code="")
    unknown = post_report(client, world.key, service_code="MUN-NO-SUCH-SERVICE")

    assert (missing.status_code, unknown.status_code) == (400, 404)
    assert descriptions(missing) == ["service_code: Give the service_code of the service you are requesting."]
    assert descriptions(unknown) == ["There is no service with this code on Open311."]


def test_a_key_past_its_hourly_limit_is_refused_until_the_next_hour(
    client: Client, world: Open311World, settings: Any
) -> None:
    settings.TAHAWUL_OPEN311_REQUESTS_PER_HOUR = 2
    other_key = key_for(world.integrator, "EWA").raw

    refused_but_counted = post_report(client, world.key, lat="500")
    accepted = post_report(client, world.key)
    limited = post_report(client, world.key)
    elsewhere = call(
        client,
        "POST",
        "requests.json",
        {"api_key": other_key, "service_code": METER_DISPUTE, "address_id": "EWA-9", "description": "Bill doubled."},
    )

    assert [item.status_code for item in (refused_but_counted, accepted, limited, elsewhere)] == [400, 200, 429, 200]
    assert descriptions(limited) == ["This api_key has made too many requests this hour. Please try again later."]
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert Application.objects.filter(channel="open311").count() == 1
    world.mun_key.api_key.refresh_from_db()
    assert world.mun_key.api_key.last_used_at is not None


def test_a_request_that_cannot_be_read_is_refused_in_the_open311_format(
    client: Client, world: Open311World, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    too_many = client.post("/open311/v2/requests.json", {f"attribute[a{n}]": "x" for n in range(30)})
    too_big = client.post("/open311/v2/requests.xml", {"description": "x" * 20_000}, headers={"Accept-Language": "en"})
    broken = client.generic("POST", "/open311/v2/requests.json", b"a=b", content_type="multipart/form-data")
    elsewhere = client.get("/open311/v2/nothing.json", {f"p{n}": "x" for n in range(30)})

    assert [item.status_code for item in (too_many, too_big, broken, elsewhere)] == [400] * 4
    assert descriptions(too_big) == [
        "The request cannot be read: it is too large, has too many parameters, or its form data is broken."
    ]
    assert too_many["Content-Language"] == "ar"  # its locale could not be read either
    assert descriptions(too_many) == descriptions(broken) == descriptions(elsewhere) != descriptions(too_big)
    assert not Application.objects.filter(channel="open311").exists()
