"""Who may run an entity's receiver: the entity itself, or an integrator holding a live API key for
that entity. Another entity's partner, or one whose key was revoked, is refused by the action and
never offered by the form; so no entity learns which partners work for another."""

from __future__ import annotations

import pytest
from django.test import Client

from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.integrations.keys import issue_api_key, register_integrator, revoke_api_key
from tahawul.integrations.models import ApiKey
from tahawul.webhooks.errors import InvalidSubscription
from tahawul.webhooks.models import Subscription
from tests.webhooks.conftest import Receiver, admin_of, partner_of, subscribe


def refused_integrator(admin: User, url: str, integrator_id: int) -> str:
    with pytest.raises(InvalidSubscription) as refused:
        subscribe(admin, url, integrator_id=integrator_id)
    assert not Subscription.objects.exists()
    assert set(refused.value.errors) == {"integrator"}
    return refused.value.errors["integrator"].en


def test_an_integrator_with_a_live_key_for_the_entity_may_run_its_receiver(
    npra_admin: User, receiver: Receiver
) -> None:
    partner = partner_of(npra_admin)

    assert subscribe(npra_admin, receiver.url, integrator_id=partner.pk).integrator == partner


def test_an_integrator_without_a_key_for_the_entity_is_refused(npra_admin: User, receiver: Receiver) -> None:
    moe_partner = partner_of(admin_of("MOE"), "MOE", name="Schools Systems")  # a key for MOE, not NPRA
    registered_only = register_integrator(actor=npra_admin, name="No Key Yet", contact_email="ops@nokey.example")

    for integrator in (moe_partner, registered_only):
        assert refused_integrator(npra_admin, receiver.url, integrator.pk) == "Choose an integrator from the list."


def test_an_integrator_whose_key_was_revoked_is_refused(npra_admin: User, receiver: Receiver) -> None:
    partner = partner_of(npra_admin)
    revoke_api_key(actor=npra_admin, api_key=ApiKey.objects.get(integrator=partner))

    assert refused_integrator(npra_admin, receiver.url, partner.pk) == "Choose an integrator from the list."

    issue_api_key(actor=npra_admin, integrator=partner, entity=Entity.objects.get(code="NPRA"))  # a new key: again
    assert subscribe(npra_admin, receiver.url, integrator_id=partner.pk).integrator == partner


def test_the_form_offers_only_the_entitys_own_partners_and_refuses_another(
    npra_admin: User, receiver: Receiver
) -> None:
    partner = partner_of(npra_admin)
    moe_partner = partner_of(admin_of("MOE"), "MOE", name="Schools Systems")
    client = Client()
    client.force_login(npra_admin)

    form = client.get("/en/office/NPRA/webhooks/new/").content.decode()
    assert f'<option value="{partner.pk}">Gulf Logistics</option>' in form
    assert "Schools Systems" not in form  # NPRA does not learn who works for MOE

    refused = client.post(
        "/en/office/NPRA/webhooks/new/",
        {"name": "Partner relay", "target_url": receiver.url, "events": ["case.opened"], "integrator": moe_partner.pk},
    )

    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'href="#id_integrator"' in page and "Choose an integrator from the list." in page
    assert "Schools Systems" not in page
    assert not Subscription.objects.exists()
