"""Discovery, the service list and service definitions, in XML and JSON, as GeoReport v2 clients
read them: only the services an entity's admin offered, in Arabic unless asked otherwise."""

from __future__ import annotations

import pytest
from django.test import Client

from tahawul.integrations.models import Becomes
from tests.api.open311.conftest import Open311World, call, parsed
from tests.integrations.conftest import BULKY_WASTE, CONSUMER_COMPLAINT, METER_DISPUTE, ROAD_DAMAGE, offer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_names_this_endpoint_its_formats_and_how_to_get_a_key(
    client: Client, world: Open311World, fmt: str
) -> None:
    document = parsed(call(client, "GET", f"discovery.{fmt}", {"locale": "en"}))

    if fmt == "xml":
        endpoint = document.find("endpoints/endpoint")
        assert endpoint is not None
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("url", "").endswith("/open311/v2")
        assert [item.text for item in endpoint.iterfind("formats/format")] == ["text/xml", "application/json"]
        assert "back office" in document.findtext("key_service", "")
        assert document.findtext("changeset")
    else:
        (endpoint,) = document["endpoints"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["type"] == "test"  # the demo government is not live
        assert "back office" in document["key_service"]


def test_the_root_of_the_endpoint_answers_with_discovery(client: Client, world: Open311World) -> None:
    response = client.get("/open311/v2/")

    assert response.status_code == 200
    assert parsed(response).tag == "discovery"


def test_the_service_list_holds_only_what_admins_offered_in_both_formats(client: Client, world: Open311World) -> None:
    offer(CONSUMER_COMPLAINT, Becomes.APPLICATION, exposed=False)  # set, then switched off

    listed = parsed(call(client, "GET", "services.json", {"locale": "en"}))
    root = parsed(call(client, "GET", "services.xml", {"locale": "en"}))

    assert [item["service_code"] for item in listed] == [METER_DISPUTE, BULKY_WASTE, ROAD_DAMAGE]
    road = listed[2]
    assert road == {
        "service_code": ROAD_DAMAGE,
        "service_name": "Report a damaged road or pavement",
        "description": road["description"],
        "metadata": True,
        "type": "realtime",
        "keywords": road["keywords"],
        "group": "Municipal services",
    }
    assert "pothole" in road["keywords"]
    assert listed[1]["metadata"] is False  # a case takes a description, no attributes
    services = root.findall("service")
    assert [item.findtext("service_code") for item in services] == [METER_DISPUTE, BULKY_WASTE, ROAD_DAMAGE]
    assert services[2].findtext("metadata") == "true"
    assert services[1].findtext("metadata") == "false"


def test_texts_are_arabic_by_default_and_english_on_request(client: Client, world: Open311World) -> None:
    arabic = parsed(call(client, "GET", "services.json"))
    by_header = parsed(call(client, "GET", "services.json", None, **{"Accept-Language": "en"}))
    by_locale = parsed(call(client, "GET", "services.json", {"locale": "en_US"}, **{"Accept-Language": "ar"}))

    assert arabic[2]["service_name"] == "الإبلاغ عن تلف في الطريق أو الرصيف"
    assert by_header[2]["service_name"] == by_locale[2]["service_name"] == "Report a damaged road or pavement"


def test_a_definition_lists_every_question_open311_can_fill_with_its_datatype(
    client: Client, world: Open311World
) -> None:
    definition = parsed(call(client, "GET", f"services/{ROAD_DAMAGE}.json", {"locale": "en"}))

    attributes = {item["code"]: item for item in definition["attributes"]}
    assert definition["service_code"] == ROAD_DAMAGE
    assert [item["order"] for item in definition["attributes"]] == list(range(1, len(attributes) + 1))
    assert attributes["damage_type"]["datatype"] == "singlevaluelist"
    assert attributes["damage_type"]["required"] is True
    assert attributes["damage_type"]["description"] == "What is the problem"
    assert {"key": "pothole", "name": "Pothole"} in attributes["damage_type"]["values"]
    assert attributes["location_details"]["datatype"] == "text"
    assert attributes["danger_to_traffic"]["values"] == [{"key": "true", "name": "Yes"}, {"key": "false", "name": "No"}]
    # An address is one attribute per part, its numbers required as the address field requires them.
    assert attributes["location.building"]["datatype"] == "string"
    assert attributes["location.building"]["required"] is True
    assert attributes["location.flat"]["required"] is False
    assert attributes["reporter_phone"]["required"] is False
    assert all(item["variable"] is True for item in attributes.values())
    assert "damage_photo" not in attributes  # a file cannot be sent over Open311


def test_a_definition_in_xml_has_its_values_and_a_case_has_no_attributes(client: Client, world: Open311World) -> None:
    road = parsed(call(client, "GET", f"services/{ROAD_DAMAGE}.xml", {"locale": "en"}))
    bulky = parsed(call(client, "GET", f"services/{BULKY_WASTE}.xml"))

    first = road.find("attributes/attribute")
    assert first is not None
    assert first.findtext("code") == "damage_type"
    assert first.findtext("variable") == "true"
    assert first.findtext("order") == "1"
    assert [value.findtext("key") for value in first.iterfind("values/value")][:2] == ["pothole", "subsidence"]
    assert bulky.findtext("service_code") == BULKY_WASTE
    attributes = bulky.find("attributes")
    assert attributes is not None
    assert len(attributes) == 0


def test_a_service_not_offered_is_not_found(client: Client, world: Open311World) -> None:
    response = call(client, "GET", f"services/{CONSUMER_COMPLAINT}.json", {"locale": "en"})

    assert response.status_code == 404
    assert parsed(response) == [{"code": 404, "description": "There is no service with this code on Open311."}]
