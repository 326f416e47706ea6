"""The entity admin's integration pages: integrators' keys (issued and shown once, revoked, last
use) and the entity's services on Open311. Anyone but the entity's admins gets 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tahawul.integrations.keys import register_integrator
from tahawul.integrations.models import ApiKey, Becomes, Open311Service
from tahawul.integrations.selectors import api_key_for
from tests.integrations.conftest import BULKY_WASTE, ROAD_DAMAGE, key_for, person

pytestmark = pytest.mark.django_db


def signed_in(name: str, **roles: str) -> Client:
    client = Client()
    client.force_login(person(name, **roles))
    return client


def url(name: str, language: str = "en", **kwargs: object) -> str:
    return reverse(f"backoffice:{name}", kwargs={"entity_code": "MUN", **kwargs}).replace("/ar/", f"/{language}/", 1)


def test_an_admin_registers_an_integrator_and_sees_its_new_key_once() -> None:
    admin = signed_in("mun admin", entity_admin="MUN")

    page = admin.get(url("integrations"))
    issued = admin.post(
        url("integrations"), {"integrator": "new", "new_name": "CityFix", "new_email": "api@cityfix.example"}
    )
    again = admin.get(url("integrations")).content.decode()

    assert page.status_code == 200
    assert 'aria-current="page">Integrations</a>' in page.content.decode()
    assert issued.status_code == 200
    assert issued["Cache-Control"] == "no-store"
    (raw,) = re.findall(r"<code>(o311_[\w-]+)</code>", issued.content.decode())
    key = api_key_for(raw)
    assert key.integrator.name == "CityFix"
    assert raw not in again
    assert f"{key.prefix}…" in again
    assert "Never" in again  # not used yet


def test_an_admin_revokes_a_key_and_it_stops_working() -> None:
    admin = signed_in("mun admin", entity_admin="MUN")
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    issued = key_for(integrator, "MUN")

    response = admin.post(url("revoke_key", key_id=issued.api_key.pk), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "is revoked: it no longer works." in page
    assert "Revoked on" in page
    assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is not None


def test_issuing_refuses_an_incomplete_new_integrator_and_a_second_live_key() -> None:
    admin = signed_in("mun admin", entity_admin="MUN")
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    key_for(integrator, "MUN")

    incomplete = admin.post(url("integrations"), {"integrator": "new", "new_name": "", "new_email": ""})
    second = admin.post(url("integrations"), {"integrator": str(integrator.pk)})

    assert incomplete.status_code == second.status_code == 422
    page = incomplete.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_new_name">Name of the new integrator: Give the new integrator&#x27;s name.' in page
    assert "already has a key for this entity" in second.content.decode()
    assert ApiKey.objects.count() == 1


def test_other_entities_admins_and_the_entitys_officers_get_404() -> None:
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    issued = key_for(integrator, "MUN")

    for stranger in (signed_in("ewa admin", entity_admin="EWA"), signed_in("mun officer", officer="MUN")):
        assert stranger.get(url("integrations")).status_code == 404
        assert stranger.get(url("open311_services")).status_code == 404
        assert stranger.post(url("revoke_key", key_id=issued.api_key.pk)).status_code == 404
        assert stranger.post(url("open311_service", service_code=ROAD_DAMAGE), {}).status_code == 404
    assert ApiKey.objects.get(pk=issued.api_key.pk).is_live


def test_an_admin_offers_services_on_open311_in_arabic_and_english() -> None:
    admin = signed_in("mun admin", entity_admin="MUN")

    arabic = admin.get(url("open311_services", language="ar")).content.decode()
    saved = admin.post(
        url("open311_service", service_code=ROAD_DAMAGE),
        {
            f"{ROAD_DAMAGE}-exposed": "on",
            f"{ROAD_DAMAGE}-becomes": "application",
            f"{ROAD_DAMAGE}-public_location": "on",
        },
    )
    refused = admin.post(
        url("open311_service", service_code=BULKY_WASTE),
        {f"{BULKY_WASTE}-exposed": "on", f"{BULKY_WASTE}-becomes": "application"},
    )

    assert 'dir="rtl"' in arabic
    assert f'id="service-{BULKY_WASTE}"' in arabic
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"#service-{ROAD_DAMAGE}")
    setting = Open311Service.objects.get(service__code=ROAD_DAMAGE)
    assert (setting.exposed, setting.becomes, setting.public_location) == (True, Becomes.APPLICATION, True)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'class="error-summary"' in page
    assert "A request to this service can only become a case. Why?" in page
    assert "fee paid online" in page
    assert not Open311Service.objects.filter(service__code=BULKY_WASTE).exists()
