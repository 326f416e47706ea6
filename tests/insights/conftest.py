"""The demo accounts (npra.officer, analyst, fatima...) for the dashboard tests."""

from __future__ import annotations

from typing import Any

import pytest

from tahawul.demo.loader import load_people
from tahawul.identity.models import User


@pytest.fixture(autouse=True)
def demo_people(db: None, settings: Any) -> None:
    # The shared test database may not hold the demo accounts yet; load them inside the test's
    # transaction, with a fast hasher: these tests sign in with force_login, not the password.
    if not User.objects.filter(username="npra.officer").exists():
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        load_people()
