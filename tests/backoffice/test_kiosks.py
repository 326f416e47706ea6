"""The kiosk registry's back-office pages: registering a centre and a kiosk, enrolling its
browser with the link shown once, deactivating it, and 404 for anyone who does not manage it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.kiosks.models import Kiosk, ServiceCentre
from tests.applications.conftest import give_role, make_user

pytestmark = pytest.mark.django_db


def admin_of(code: str) -> User:
    return give_role(make_user(f"{code.lower()}-admin"), Entity.objects.get(code=code), Role.ENTITY_ADMIN)


def test_an_entity_admin_registers_a_centre_and_a_kiosk_and_enrols_its_browser(client: Client) -> None:
    client.force_login(admin_of("NPRA"))
    registry = client.get("/en/office/kiosks/")
    assert registry.status_code == 200 and 'href="/en/office/kiosks/" aria-current="page"' in registry.content.decode()

    refused = client.post("/en/office/kiosks/", {"code": "x", "name_ar": "قاعة", "name_en": "Hall", "entity": "NPRA"})
    assert refused.status_code == 422 and 'href="#id_code"' in refused.content.decode()
    response = client.post(
        "/en/office/kiosks/", {"code": "npra-hall", "name_ar": "قاعة", "name_en": "Hall", "entity": "NPRA"}
    )
    assert (response.status_code, response.url) == (302, "/en/office/kiosks/centres/NPRA-HALL/")
    response = client.post(response.url, {"code": "K-H1"})
    assert response.status_code == 302 and "K-H1" in client.get(response.url).content.decode()

    shown = client.post("/en/office/kiosks/K-H1/enrol/").content.decode()
    link = re.search(r'href="(http://testserver/ar/kiosk/enrol/[^"]+/)"', shown)
    assert link is not None
    kiosk_browser = Client()
    kiosk_browser.post(link.group(1).removeprefix("http://testserver"))
    assert kiosk_browser.get("/ar/kiosk/").status_code == 200
    assert Kiosk.objects.get(code="K-H1").enrolled_at is not None

    response = client.post("/en/office/kiosks/K-H1/active/", {"active": "0"})
    assert response.status_code == 302 and "Deactivated" in client.get(response.url).content.decode()
    assert kiosk_browser.get("/ar/kiosk/").status_code == 403


def test_no_one_else_sees_a_centre_or_its_kiosks(client: Client) -> None:
    npra = admin_of("NPRA")
    client.force_login(npra)
    client.post("/en/office/kiosks/", {"code": "NPRA-HALL", "name_ar": "قاعة", "name_en": "Hall", "entity": "NPRA"})
    client.post("/en/office/kiosks/centres/NPRA-HALL/", {"code": "K-H1"})

    for outsider in (admin_of("MOIC"), give_role(make_user("officer"), Entity.objects.get(code="NPRA"), Role.OFFICER)):
        client.force_login(outsider)
        assert client.get("/en/office/kiosks/centres/NPRA-HALL/").status_code == 404
        assert client.post("/en/office/kiosks/K-H1/enrol/").status_code == 404
        assert client.post("/en/office/kiosks/K-H1/active/", {"active": "0"}).status_code == 404
    assert client.get("/en/office/kiosks/").status_code == 404  # an officer manages no centre
    assert "/office/kiosks/" not in client.get("/en/office/").content.decode()
    assert Kiosk.objects.get(code="K-H1").active and ServiceCentre.objects.filter(code="NPRA-HALL").count() == 1
