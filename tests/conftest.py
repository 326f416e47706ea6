"""Shared fixtures. The demo government is loaded once per test database, through the same
actions ``make run`` uses, so every test starts from states the real code can produce."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tahawul.demo.loader import load_demo

DEMO_SERVICES = Path(__file__).resolve().parent.parent / "src" / "tahawul" / "demo" / "services"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_demo()
    yield


@pytest.fixture(scope="session", autouse=True)
def _models_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    # The comment classifier trains on first use and saves its model: never into the checkout's var/.
    settings.TAHAWUL_MODEL_DIR = tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings: Any) -> None:
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # Each test starts in the default language (Arabic): a request in a previous test leaves its
    # language active in the thread, which would make results depend on test order.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def client() -> Client:
    return Client()


def pytest_report_header() -> str:
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE']} {database.get('HOST') or database['NAME']}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that start their own servers run one after another on one xdist worker (make test
    # uses --dist loadgroup): two at once would only fight over the two cores.
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("live-servers"))
