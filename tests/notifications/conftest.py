"""Fixtures for notifications: people with and without each channel, and an outbox in a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from tahawul.identity.models import User

_numbers = count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(*, language: str = "ar", with_email: bool = True, with_mobile: bool = True, **extra: Any) -> User:
        number = next(_numbers)
        username = f"notified{number}"
        return User.objects.create_user(
            username,
            email=f"{username}@example.com" if with_email else "",
            mobile=f"+9733{number:07d}" if with_mobile else "",
            preferred_language=language,
            **extra,
        )

    return make


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    """Email files and the SMS outbox in tmp_path, the development senders, and only our periodic task."""
    settings.TAHAWUL_OUTBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "email"
    settings.TAHAWUL_SMS_SENDER = "tahawul.notifications.senders.OutboxSmsSender"
    settings.TAHAWUL_PERIODIC_TASKS = [("tahawul.notifications.tasks.requeue_stalled", 300)]
    return tmp_path


@pytest.fixture(autouse=True)
def _worker_keeps_the_tests_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test runs inside a transaction. django-tasks-db's worker calls close_old_connections()
    # between tasks, which closes a connection whose autocommit differs from the settings: on
    # PostgreSQL that is the test's own connection (SQLite's in-memory test database is never
    # closed). A real worker runs in its own process and keeps the call.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
