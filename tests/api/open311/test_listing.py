"""GET requests, one request, and tokens: the status read from the application or case, the
filters (ids, service codes, status, dates within 90 days), paging, and never a requester's
personal data, in XML and JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.feedback.cases import close_case
from tahawul.feedback.models import Case
from tahawul.integrations.models import Becomes, ServiceRequest
from tests.api.open311.conftest import Open311World, call, parsed
from tests.api.open311.test_submitting import ROAD_REPORT
from tests.integrations.conftest import BULKY_WASTE, ROAD_DAMAGE, offer, person

pytestmark = pytest.mark.django_db

BULKY_REPORT = {
    "service_code": BULKY_WASTE,
    "address_string": "House 12, Road 45, Block 678",
    "lat": "26.2",
    "long": "50.6",
    "description": "Nobody came for the old sofa.",
    "email": "ali.private@example.com",
    "first_name": "Aliprivate",
    "phone": "+97339998877",
    "device_id": "device-secret-1",
    "account_id": "account-secret-1",
}
PERSONAL = [
    "Layla",
    "Hasan",
    "layla@example.com",
    "33123456",
    "device-7781",
    "acct-42",
    "Cars swerve",
    "Aliprivate",
    "ali.private@example.com",
    "39998877",
    "device-secret-1",
    "account-secret-1",
    "Nobody came",
    "House 12",
]


def made(client: Client, world: Open311World, params: dict[str, Any]) -> ServiceRequest:
    response = call(client, "POST", "requests.json", {"api_key": world.key, **params})
    assert response.status_code == 200, response.content
    return ServiceRequest.objects.get(public_id=parsed(response)[0]["service_request_id"])


@pytest.fixture
def two_requests(client: Client, world: Open311World) -> tuple[ServiceRequest, ServiceRequest]:
    return made(client, world, ROAD_REPORT), made(client, world, BULKY_REPORT)


def listed(client: Client, fmt: str = "json", **params: str | list[str]) -> Any:
    response = call(client, "GET", f"requests.{fmt}", {"locale": "en", **params})
    assert response.status_code == 200, response.content
    return parsed(response)


def test_lists_and_single_requests_never_show_who_made_them(
    client: Client, two_requests: tuple[ServiceRequest, ServiceRequest]
) -> None:
    road, bulky = two_requests
    bodies = [
        call(client, "GET", path, {"locale": "en"}).content.decode()
        for path in (
            "requests.json",
            "requests.xml",
            f"requests/{road.public_id}.xml",
            f"requests/{bulky.public_id}.json",
        )
    ]

    assert all(road.public_id in body or bulky.public_id in body for body in bodies)
    for body in bodies:
        assert [word for word in PERSONAL if word in body] == []


def test_a_request_shows_its_status_agency_and_dates_and_a_public_place_only(
    client: Client, two_requests: tuple[ServiceRequest, ServiceRequest]
) -> None:
    road, bulky = two_requests

    (road_json,) = listed(client, service_request_id=road.public_id)
    bulky_xml = parsed(call(client, "GET", f"requests/{bulky.public_id}.xml", {"locale": "en"})).find("request")

    application = Application.objects.get(reference=road.reference)
    assert road_json["status"] == "open"
    assert road_json["status_notes"] == "Report received"
    assert road_json["service_code"] == ROAD_DAMAGE
    assert road_json["agency_responsible"] == "Ministry of Municipalities Affairs"
    assert road_json["requested_datetime"] == timezone.localtime(road.requested_at).isoformat(timespec="seconds")
    assert road_json["expected_datetime"].startswith(application.expected_by.isoformat())
    assert road_json["requested_datetime"].endswith("+03:00")
    # The road is a public place: its position is shown. A home is not.
    assert (road_json["lat"], road_json["long"], road_json["address"]) == (
        26.2235,
        50.5876,
        "Road 45, Block 678, Manama",
    )
    assert bulky_xml is not None
    assert bulky_xml.findtext("status") == "open"
    assert bulky_xml.findtext("status_notes") == "Open"
    assert (bulky_xml.findtext("lat"), bulky_xml.findtext("address")) == ("", "")  # there, and empty
    assert bulky_xml.findtext("expected_datetime")


def test_closed_applications_and_cases_are_closed_and_the_status_filter_finds_them(
    client: Client, world: Open311World, two_requests: tuple[ServiceRequest, ServiceRequest]
) -> None:
    road, bulky = two_requests
    still_open = made(client, world, ROAD_REPORT)
    officer = person("mun officer", officer="MUN")
    actions.perform(
        application=Application.objects.get(reference=road.reference),
        actor=officer,
        action="reject",
        comment="This road belongs to a private compound.",
    )
    close_case(case=Case.objects.get(reference=bulky.reference), actor=officer, outcome="resolved")

    closed = {item["service_request_id"]: item for item in listed(client, status="closed")}
    opened = [item["service_request_id"] for item in listed(client, status="open")]
    both = listed(client, status="open,closed")

    assert set(closed) == {road.public_id, bulky.public_id}
    assert closed[road.public_id]["status_notes"] == "Report closed"
    assert closed[bulky.public_id]["status_notes"] == "Resolved"
    assert closed[bulky.public_id]["expected_datetime"] is None
    assert opened == [still_open.public_id]
    assert len(both) == 3


def test_the_list_covers_the_last_90_days_unless_dates_are_given(
    client: Client, two_requests: tuple[ServiceRequest, ServiceRequest]
) -> None:
    road, bulky = two_requests
    # The road report was made 100 days ago (the clock of a request is its requested_at).
    long_ago = timezone.now() - timedelta(days=100)
    ServiceRequest.objects.filter(pk=road.pk).update(requested_at=long_ago)

    recent = [item["service_request_id"] for item in listed(client)]
    window = [
        item.findtext("service_request_id")
        for item in listed(
            client,
            "xml",
            start_date=(long_ago - timedelta(days=1)).isoformat(),
            end_date=(long_ago + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ).iterfind("request")
    ]
    by_id = listed(client, service_request_id=f"{road.public_id},{bulky.public_id}", status="closed")

    assert recent == [bulky.public_id]
    assert window == [road.public_id]
    assert {item["service_request_id"] for item in by_id} == {road.public_id, bulky.public_id}  # ids override


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "end_date: A search may span at most 90 days."),
        ({"start_date": "2026-03-01", "end_date": "2026-02-01"}, "end_date: The end date is before the start date."),
        (
            {"start_date": "yesterday"},
            "start_date: Write the date and time in the W3C format, like 2026-03-01T00:00:00Z.",
        ),
        ({"status": "pending"}, "status: Use open, closed, or both separated by a comma."),
        ({"page_size": "5000"}, "page_size: Give a whole number from 1 to 1000."),
        ({"page": "0"}, "page: Give a whole number from 1 to 1000000."),
        # Each of these was a 500: a digit int() cannot read, an offset past what a database
        # takes, and dates 90 days from which Python cannot count.
        ({"page": "²"}, "page: Give a whole number from 1 to 1000000."),
        ({"page_size": "²"}, "page_size: Give a whole number from 1 to 1000."),
        ({"page": "9" * 30}, "page: Give a whole number from 1 to 1000000."),
        ({"end_date": "0001-01-01T00:00:00Z"}, "end_date: Give a date from 1970-01-01 to 2999-12-31."),
        ({"start_date": "9999-12-31"}, "start_date: Give a date from 1970-01-01 to 2999-12-31."),
    ],
)
def test_bad_filters_are_refused_with_the_parameter_named(
    client: Client, world: Open311World, params: dict[str, str], expected: str
) -> None:
    response = call(client, "GET", "requests.json", {"locale": "en", **params})

    assert response.status_code == 400
    assert parsed(response) == [{"code": 400, "description": expected}]


def test_pages_and_the_service_code_filter(
    client: Client, world: Open311World, two_requests: tuple[ServiceRequest, ServiceRequest]
) -> None:
    road, bulky = two_requests
    newest = made(client, world, ROAD_REPORT)

    first = listed(client, page_size="2")
    second = listed(client, page_size="2", page="2")
    roads = listed(client, service_code=f"{ROAD_DAMAGE},MUN-NOTHING")
    # The specification lets a filter be repeated as well as comma-separated.
    repeated = listed(client, service_code=[ROAD_DAMAGE, BULKY_WASTE], status=["open", "closed"])

    assert [item["service_request_id"] for item in first] == [newest.public_id, bulky.public_id]
    assert [item["service_request_id"] for item in second] == [road.public_id]
    assert [item["service_request_id"] for item in roads] == [newest.public_id, road.public_id]
    assert [item["service_request_id"] for item in repeated] == [newest.public_id, bulky.public_id, road.public_id]


def test_switching_public_places_off_hides_the_places_already_listed(
    client: Client, two_requests: tuple[ServiceRequest, ServiceRequest]
) -> None:
    road, _bulky = two_requests

    offer(ROAD_DAMAGE, Becomes.APPLICATION, public_location=False)

    (in_list,) = listed(client, service_request_id=road.public_id)
    alone = parsed(call(client, "GET", f"requests/{road.public_id}.json"))[0]
    for shown in (in_list, alone):
        assert (shown["lat"], shown["long"], shown["address"], shown["address_id"]) == (None, None, None, None)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_gives_the_request_id(
    client: Client, two_requests: tuple[ServiceRequest, ServiceRequest], fmt: str
) -> None:
    road, _bulky = two_requests

    body = parsed(call(client, "GET", f"tokens/{road.token}.{fmt}"))

    if fmt == "json":
        assert body == [{"service_request_id": road.public_id, "token": road.token}]
    else:
        assert body.findtext("request/service_request_id") == road.public_id
        assert body.findtext("request/token") == road.token


def test_a_longer_list_costs_no_more_queries(client: Client, world: Open311World) -> None:
    made(client, world, ROAD_REPORT)
    made(client, world, BULKY_REPORT)
    with CaptureQueriesContext(connection) as two:
        listed(client)
    made(client, world, ROAD_REPORT)
    made(client, world, BULKY_REPORT)
    with CaptureQueriesContext(connection) as four:
        listed(client)

    assert len(four) == len(two)
