"""Integrators and their keys: one live key per integrator and entity, only a digest kept, revocable,
managed by the entity's admins alone, every change recorded."""

from __future__ import annotations

import pytest
from django.test import Client

from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.integrations.errors import InvalidApiKey, InvalidIntegration, KeyAlreadyIssued
from tahawul.integrations.keys import issue_api_key, register_integrator, revoke_api_key
from tahawul.integrations.models import ApiKey, IntegrationEvent, Integrator
from tahawul.integrations.selectors import api_key_for
from tests.integrations.conftest import person

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_and_only_its_digest_is_kept() -> None:
    admin = person("mun admin", entity_admin="MUN")
    integrator = register_integrator(actor=admin, name="  CityFix   App ", contact_email="api@cityfix.example")

    issued = issue_api_key(actor=admin, integrator=integrator, entity=Entity.objects.get(code="MUN"))

    assert integrator.name == "CityFix App"
    assert issued.raw.startswith("o311_") and len(issued.raw) > 40
    stored = ApiKey.objects.get(pk=issued.api_key.pk)
    assert issued.raw not in {stored.digest, stored.prefix}
    assert issued.raw.startswith(stored.prefix)
    assert api_key_for(issued.raw) == stored
    assert stored.created_by == admin
    assert list(IntegrationEvent.objects.values_list("action", "actor")) == [
        ("integrator_registered", admin.pk),
        ("key_issued", admin.pk),
    ]


def test_one_live_key_per_integrator_and_entity_until_it_is_revoked() -> None:
    admin = person("mun admin", entity_admin="MUN")
    integrator = register_integrator(actor=admin, name="CityFix", contact_email="api@cityfix.example")
    mun, ewa = Entity.objects.get(code="MUN"), Entity.objects.get(code="EWA")
    first = issue_api_key(actor=admin, integrator=integrator, entity=mun)
    issue_api_key(actor=None, integrator=integrator, entity=ewa)  # another entity: its own key

    with pytest.raises(KeyAlreadyIssued):
        issue_api_key(actor=admin, integrator=integrator, entity=mun)
    revoke_api_key(actor=admin, api_key=first.api_key)
    revoke_api_key(actor=admin, api_key=first.api_key)  # twice changes nothing
    second = issue_api_key(actor=admin, integrator=integrator, entity=mun)

    with pytest.raises(InvalidApiKey):
        api_key_for(first.raw)
    assert api_key_for(second.raw).entity == mun
    assert IntegrationEvent.objects.filter(action="key_revoked").count() == 1


def test_only_the_entitys_admins_issue_and_revoke_its_keys() -> None:
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    mun = Entity.objects.get(code="MUN")
    issued = issue_api_key(actor=None, integrator=integrator, entity=mun)

    for stranger in (person("ewa admin", entity_admin="EWA"), person("mun officer", officer="MUN")):
        with pytest.raises(NotFound):
            issue_api_key(actor=stranger, integrator=integrator, entity=mun)
        with pytest.raises(NotFound):
            revoke_api_key(actor=stranger, api_key=issued.api_key)
    with pytest.raises(NotFound):
        register_integrator(actor=person("officer", officer="MUN"), name="Other", contact_email="a@example.com")
    assert api_key_for(issued.raw) == issued.api_key


def test_a_disabled_integrators_keys_stop_working() -> None:
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    issued = issue_api_key(actor=None, integrator=integrator, entity=Entity.objects.get(code="MUN"))

    Integrator.objects.filter(pk=integrator.pk).update(active=False)

    with pytest.raises(InvalidApiKey):
        api_key_for(issued.raw)


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [
        ("", "api@example.com", "name"),
        ("x" * 151, "api@example.com", "name"),
        ("cityfix", "api@example.com", "name"),  # the same name, whatever the case
        ("Other", "not an address", "contact_email"),
    ],
)
def test_registering_refuses_bad_input_and_saves_nothing(name: str, email: str, field: str) -> None:
    register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")

    with pytest.raises(InvalidIntegration) as refused:
        register_integrator(actor=None, name=name, contact_email=email)

    assert set(refused.value.errors) == {field}
    assert Integrator.objects.count() == 1


def test_no_one_can_sign_up_first_under_the_name_of_an_integrators_account(client: Client) -> None:
    integrator = register_integrator(actor=None, name="CityFix", contact_email="api@cityfix.example")
    signup = {"email": "squatter@example.com", "password1": "a long pass phrase 7", "password2": "a long pass phrase 7"}
    # The name accounts were once given is free to anyone; it must not block the integrator.
    client.post("/en/accounts/signup/", {**signup, "username": f"integrator-{integrator.pk}"})

    issued = issue_api_key(actor=None, integrator=integrator, entity=Entity.objects.get(code="MUN"))
    account = issued.api_key.integrator.account
    assert account is not None
    refused = Client().post(
        "/en/accounts/signup/", {**signup, "email": "other@example.com", "username": account.username}
    )

    assert User.objects.filter(username=f"integrator-{integrator.pk}", email="squatter@example.com").exists()
    assert api_key_for(issued.raw).integrator == integrator
    assert not account.is_active and account.email != "squatter@example.com"
    assert refused.status_code == 200  # the form again, with the name refused
    assert not User.objects.filter(email="other@example.com").exists()
