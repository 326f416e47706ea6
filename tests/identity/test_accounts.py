"""Signing in: local accounts through allauth, and the national identity service as an OpenID
Connect provider that configuration alone switches on."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tahawul.identity.models import User

NATIONAL_ID_PROVIDER = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "national-id",
                "name": "National identity",
                "client_id": "tahawul-portal",
                "secret": "not-a-real-secret",
                "settings": {"server_url": "https://id.example.gov.bh"},
            }
        ]
    }
}


@pytest.mark.django_db
def test_a_local_account_signs_in_with_its_username_and_password(client: Client) -> None:
    User.objects.create_user("mariam", password="a long enough passphrase", preferred_language="ar")
    response = client.post("/ar/accounts/login/", {"login": "mariam", "password": "a long enough passphrase"})
    assert response.status_code == 302
    assert client.get("/ar/my/applications/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_an_error_in_arabic(client: Client) -> None:
    User.objects.create_user("mariam", password="a long enough passphrase")
    response = client.post("/ar/accounts/login/", {"login": "mariam", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'lang="ar"' in response.content.decode()


@pytest.mark.django_db
def test_the_national_identity_service_is_offered_once_configured(client: Client, settings: Any) -> None:
    assert "/accounts/oidc/national-id/login/" not in client.get("/en/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = NATIONAL_ID_PROVIDER
    page = client.get("/en/accounts/login/").content.decode()
    assert "National identity" in page
    assert "/en/accounts/oidc/national-id/login/" in page
