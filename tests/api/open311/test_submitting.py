"""POST requests: a report becomes an application or a case, as the entity's admin set for the
service, under the integrator's account; attributes in every encoding GeoReport v2 allows; bad
input refused with every problem named, in the request's language, and nothing kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.errors import ServiceNotOnline
from tahawul.applications.models import Application, Event
from tahawul.core.choices import Channel
from tahawul.definitions.actions import load_definitions
from tahawul.feedback.models import Case, CaseKind
from tahawul.integrations.models import Becomes, ServiceRequest
from tests.api.open311.conftest import Open311World, call, parsed
from tests.integrations.conftest import BULKY_WASTE, ROAD_DAMAGE, offer, person

pytestmark = pytest.mark.django_db

STREET_ISSUES = Path(__file__).resolve().parent / "mun-street-issues.yaml"

ROAD_REPORT = {
    "service_code": ROAD_DAMAGE,
    "lat": "26.2235",
    "long": "50.5876",
    "address_string": "Road 45, Block 678, Manama",
    "attribute[damage_type]": "pothole",
    "attribute[location.building]": "12",
    "attribute[location.road]": "45",
    "attribute[location.block]": "678",
    "attribute[location_details]": "A deep pothole in the right lane near the roundabout.",
    "attribute[danger_to_traffic]": "true",
    "email": "layla@example.com",
    "first_name": "Layla",
    "last_name": "Hasan",
    "phone": "3312 3456",
    "device_id": "device-7781",
    "account_id": "acct-42",
    "description": "Cars swerve around it.",
}


def post(client: Client, world: Open311World, params: dict[str, Any], fmt: str = "json", **headers: str) -> Any:
    return call(client, "POST", f"requests.{fmt}", {"api_key": world.key, **params}, **headers)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_report_becomes_an_application_made_under_the_integrators_account(
    client: Client, world: Open311World, fmt: str
) -> None:
    response = post(client, world, ROAD_REPORT, fmt)

    assert response.status_code == 200
    body = parsed(response)
    # A realtime service answers with the id; GeoReport v2 returns a token only instead of one.
    if fmt == "json":
        (created,) = body
        assert set(created) == {"service_request_id", "service_notice", "account_id"}
        public_id = created["service_request_id"]
    else:
        assert [element.tag for element in body.find("request")] == [
            "service_request_id",
            "service_notice",
            "account_id",
        ]
        public_id = body.findtext("request/service_request_id")
    request = ServiceRequest.objects.get(public_id=public_id)
    assert (request.becomes, request.email, request.phone, request.device_id) == (
        Becomes.APPLICATION,
        "layla@example.com",
        "+97333123456",
        "device-7781",
    )
    application = Application.objects.get(reference=request.reference)
    assert application.channel == Channel.OPEN311
    assert application.state == "reported"  # submitted at once: nothing left to upload or pay
    assert application.applicant == world.integrator.account
    assert application.answers["location"] == {"building": "12", "road": "45", "block": "678"}
    assert application.answers["danger_to_traffic"] is True
    assert set(Event.objects.filter(application=application).values_list("channel", flat=True)) == {Channel.OPEN311}
    world.integrator.account.refresh_from_db()
    assert not world.integrator.account.has_usable_password()
    assert not world.integrator.account.is_active  # it can never sign in


@pytest.fixture
def street_issues(world: Open311World) -> str:
    (published,) = load_definitions(paths=[STREET_ISSUES])
    offer(published.code, Becomes.APPLICATION)
    return published.code


def test_attributes_arrive_in_every_encoding_the_specification_allows(
    client: Client, world: Open311World, street_issues: str
) -> None:
    late_yesterday = (datetime.now(tz=UTC) - timedelta(days=1)).replace(hour=22, minute=30, second=0, microsecond=0)
    common = {"service_code": street_issues, "address_id": "MUN-000123"}

    brackets = post(
        client,
        world,
        {
            **common,
            "attribute[issues][]": ["litter", "bench"],
            "attribute[noticed_on]": late_yesterday.isoformat().replace("+00:00", "Z"),
            "attribute[bags]": "3",
            "attribute[urgent]": "false",
            "attribute[street.building]": "7",
            "attribute[street.road]": "12",
            "attribute[street.block]": "304",
        },
    )
    repeated = post(
        client,
        world,
        {**common, "attribute[issues]": ["graffiti", "litter"], "attribute[noticed_on]": "2026-01-02"},
    )
    # Everything but the key in the query string of the POST, as some clients send it.
    query = f"service_code={street_issues}&lat=26.1&long=50.5&attribute[issues][]=bench"
    in_url = client.post(f"/open311/v2/requests.json?{query}&attribute[noticed_on]=2026-01-03", {"api_key": world.key})

    assert (brackets.status_code, repeated.status_code, in_url.status_code) == (200, 200, 200), brackets.content
    answers = [
        Application.objects.get(
            reference=ServiceRequest.objects.get(public_id=parsed(item)[0]["service_request_id"]).reference
        ).answers
        for item in (brackets, repeated, in_url)
    ]
    assert answers[0]["issues"] == ["litter", "bench"]
    assert answers[0]["noticed_on"] == timezone.localtime(late_yesterday).date().isoformat()  # the day in Bahrain
    assert answers[0]["bags"] == 3
    assert answers[0]["street"] == {"building": "7", "road": "12", "block": "304"}
    assert answers[1]["issues"] == ["litter", "graffiti"]  # kept in the definition's order
    assert answers[2] == {"issues": ["bench"], "noticed_on": "2026-01-03"}


def test_answers_are_checked_by_the_services_own_rules_and_nothing_is_kept(
    client: Client, world: Open311World, street_issues: str
) -> None:
    before = (Application.objects.count(), ServiceRequest.objects.count())
    bad = {
        "service_code": street_issues,
        "lat": "26.1",
        "long": "50.5",
        "attribute[issues][]": ["litter", "fountain"],
        "attribute[bags]": "two",
        "attribute[urgent]": "true",  # then "danger" is required
        "attribute[street.block]": "9",
        "attribute[colour]": "red",
    }

    english = post(client, world, {**bad, "locale": "en"})
    arabic = post(client, world, bad)

    assert english.status_code == arabic.status_code == 400
    assert {error["description"] for error in parsed(english)} == {
        "attribute[colour]: This service has no attribute 'colour'."
    }
    del bad["attribute[colour]"]
    english = post(client, world, {**bad, "locale": "en"})
    arabic = post(client, world, bad)
    descriptions = {error["description"] for error in parsed(english)}
    assert descriptions == {
        "attribute[issues]: Choose only from the options.",
        "attribute[bags]: Enter a whole number, like 3.",
        "attribute[danger]: Answer this question.",
        "attribute[noticed_on]: Answer this question.",
        "attribute[street.building]: Enter the building number: up to 4 digits, maybe followed by a letter.",
    }
    assert all(error["code"] == 400 for error in parsed(english))
    assert len(parsed(arabic)) == len(descriptions)
    assert {error["description"] for error in parsed(arabic)}.isdisjoint(descriptions)  # translated, not English
    assert (Application.objects.count(), ServiceRequest.objects.count()) == before


def test_the_entitys_officers_see_who_reported_it_and_where_on_the_applications_page(
    client: Client, world: Open311World
) -> None:
    made = post(client, world, {**ROAD_REPORT, "description": "<b>Cars</b> swerve around it."})
    application = Application.objects.get(reference=ServiceRequest.objects.get().reference)
    page = reverse("backoffice:application", kwargs={"reference": application.reference})
    officer, stranger = Client(), Client()
    officer.force_login(person("mun officer", officer="MUN"))
    stranger.force_login(person("ewa officer", officer="EWA"))

    shown = officer.get(page.replace("/ar/", "/en/", 1))

    assert made.status_code == 200
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "Reported through Open311" in html
    assert f"{world.integrator.name} sent this request for the person below" in html
    assert 'href="tel:+97333123456"' in html
    for sent in ("Layla Hasan", "layla@example.com", "Road 45, Block 678, Manama", "26.223500, 50.587600"):
        assert sent in html
    assert "&lt;b&gt;Cars&lt;/b&gt; swerve around it." in html  # what a client sends is shown as text
    assert stranger.get(page).status_code == 404


def test_a_missing_address_is_named_by_the_attributes_the_definition_lists(client: Client, world: Open311World) -> None:
    without_address = {key: value for key, value in ROAD_REPORT.items() if not key.startswith("attribute[location.")}

    response = post(client, world, {**without_address, "locale": "en"})

    assert response.status_code == 400
    assert {error["description"] for error in parsed(response)} == {
        "attribute[location.building]: Answer this question.",
        "attribute[location.road]: Answer this question.",
        "attribute[location.block]: Answer this question.",
    }


def test_a_new_version_needing_an_upload_takes_no_more_applications(
    world: Open311World, street_issues: str, tmp_path: Path
) -> None:
    account = world.integrator.account
    assert account is not None
    needs_photo = tmp_path / "street-issues.yaml"
    needs_photo.write_text(STREET_ISSUES.read_text().replace("type: file\n", "type: file\n        required: true\n"))
    load_definitions(paths=[needs_photo])  # published after the admin chose applications

    with pytest.raises(ServiceNotOnline):
        actions.apply(
            applicant=account,
            service_code=street_issues,
            channel=Channel.OPEN311,
            answers={"issues": ["litter"], "noticed_on": "2026-01-02"},
        )
    assert not Application.objects.filter(service__code=street_issues).exists()  # no draft nobody works


def test_a_request_to_a_service_set_to_take_cases_files_a_complaint_with_the_contact_given(
    client: Client, world: Open311World
) -> None:
    response = post(
        client,
        world,
        {
            "service_code": BULKY_WASTE,
            "address_string": "House 12, Road 45, Block 678",
            "lat": "26.2",
            "long": "50.6",
            "description": "The collection booked for Sunday never came.",
            "email": "ali@example.com",
            "first_name": "Ali",
            "last_name": "Salman",
            "media_url": "https://photos.example.com/sofa.jpg",
            "locale": "en",
        },
    )

    assert response.status_code == 200
    request = ServiceRequest.objects.get(public_id=parsed(response)[0]["service_request_id"])
    case = Case.objects.get(reference=request.reference)
    assert (case.kind, case.filed_on, case.service.code, case.entity.code) == (
        CaseKind.COMPLAINT,
        Channel.OPEN311,
        BULKY_WASTE,
        "MUN",
    )
    assert case.filed_by == world.integrator.account  # "filed by CityFix for the caller"
    assert (case.contact_name, case.contact_email, case.contact_preference) == (
        "Ali Salman",
        "ali@example.com",
        "email",
    )
    # The entity's staff read the place and the photo in the case itself.
    assert case.description.startswith("The collection booked for Sunday never came.")
    assert "House 12, Road 45, Block 678" in case.description
    assert "https://photos.example.com/sofa.jpg" in case.description


def test_a_case_needs_a_description_and_takes_no_attributes(client: Client, world: Open311World) -> None:
    response = post(
        client,
        world,
        {"service_code": BULKY_WASTE, "address_id": "A-1", "attribute[items_count]": "3", "locale": "en"},
    )

    assert response.status_code == 400
    assert {error["description"] for error in parsed(response)} == {
        "description: Describe the problem.",
        "attribute[items_count]: This service has no attribute 'items_count'.",
    }
    assert not Case.objects.filter(filed_on=Channel.OPEN311).exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"lat": "", "long": "", "address_string": ""},
            "lat: Say where: give lat and long, an address_string or an address_id.",
        ),
        ({"long": ""}, "long: Send lat and long together."),
        ({"lat": "126.1"}, "lat: Give the latitude in degrees, from -90 to 90, like 26.2235."),
        ({"email": "layla@"}, "email: Enter an email address like name@example.com."),
        ({"phone": "12"}, "phone: Enter a phone number like 3312 3456 or +44 20 7946 0000."),
        ({"media_url": "ftp://example.com/a.jpg"}, "media_url: Give the address of the media, starting with https://."),
        ({"description": "x" * 4001}, "description: Keep the description to 4,000 characters or fewer."),
        (
            {"attribute[damage_type][x]": "pothole"},
            "attribute[damage_type][x]: Write each attribute as attribute[code]=value.",
        ),
    ],
)
def test_the_requests_own_parameters_are_checked(
    client: Client, world: Open311World, changes: dict[str, str], expected: str
) -> None:
    response = post(client, world, {**ROAD_REPORT, **changes, "locale": "en"})

    assert response.status_code == 400
    assert expected in {error["description"] for error in parsed(response)}
    assert not Application.objects.filter(channel=Channel.OPEN311).exists()


def _longest(name: str, length: int) -> str:
    """A valid value of ``name`` exactly ``length`` characters long."""
    if name == "email":
        domain = ".".join(["d" * 60] * 4)
        return "e" * (length - len(domain) - 1) + "@" + domain
    if name == "media_url":
        return "https://photos.example.com/" + "p" * (length - 27)
    return "x" * length


# What each parameter's column (or, for a name, a case's contact) can keep.
LONGEST = {
    "address_string": 500,
    "address_id": 100,
    "email": 254,
    "device_id": 100,
    "account_id": 100,
    "media_url": 500,
    "first_name": 70,
    "last_name": 70,
}


def test_every_parameter_may_be_as_long_as_what_keeps_it_and_no_longer(client: Client, world: Open311World) -> None:
    at_limit = post(client, world, {**ROAD_REPORT, **{name: _longest(name, n) for name, n in LONGEST.items()}})
    over = post(
        client, world, {**ROAD_REPORT, **{name: _longest(name, n + 1) for name, n in LONGEST.items()}, "locale": "en"}
    )

    assert at_limit.status_code == 200, at_limit.content
    kept = ServiceRequest.objects.get()
    assert {name: len(getattr(kept, name)) for name in LONGEST} == LONGEST
    assert over.status_code == 400
    assert {error["description"] for error in parsed(over)} == {
        f"{name}: Keep this to {n} characters or fewer." for name, n in LONGEST.items()
    }
    assert ServiceRequest.objects.count() == 1


def test_a_json_body_is_refused_with_what_to_send_instead(client: Client, world: Open311World) -> None:
    response = client.post(
        "/open311/v2/requests.json?locale=en", {"api_key": world.key}, content_type="application/json"
    )

    assert response.status_code == 400
    assert parsed(response) == [
        {
            "code": 400,
            "description": "Content-Type: Send the parameters form-encoded (application/x-www-form-urlencoded).",
        }
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_makes_nothing_more(
    client: Client, world: Open311World, fmt: str
) -> None:
    first = post(client, world, ROAD_REPORT, fmt, **{"Idempotency-Key": f"retry-{fmt}"})
    before = (Application.objects.count(), ServiceRequest.objects.count())
    again = post(client, world, ROAD_REPORT, fmt, **{"Idempotency-Key": f"retry-{fmt}"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert (Application.objects.count(), ServiceRequest.objects.count()) == before
    # The same key for another request is refused, and changes nothing.
    other = post(
        client, world, {**ROAD_REPORT, "description": "Another hole."}, fmt, **{"Idempotency-Key": f"retry-{fmt}"}
    )
    assert other.status_code == 400
    assert (Application.objects.count(), ServiceRequest.objects.count()) == before
    # Without a key, GeoReport v2 as published: each POST is a new request.
    assert post(client, world, ROAD_REPORT, fmt).status_code == 200
    assert ServiceRequest.objects.count() == before[1] + 1
