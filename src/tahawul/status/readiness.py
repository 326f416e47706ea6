"""Whether this process can serve: what /readyz answers a load balancer (docs/status.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    """``checks`` maps what was looked at to "ok" or a short, fixed reason (never the error's
    text, which may name internal hosts: this is answered to anyone who asks)."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(result in {"ok", "not checked"} for result in self.checks.values())


def readiness() -> Readiness:
    """A ``SELECT 1`` on the default database, and one row looked for in the task queue's table
    when the queue is the database backend (another backend is "not checked": it has its own
    probes). Two cheap queries; a failure is logged and the connection dropped, so the next probe
    connects afresh."""
    checks = {"database": _database(), "queue": "not checked"}
    backend: object = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        checks["queue"] = _queue() if checks["database"] == "ok" else "unreachable"
    return Readiness(checks=checks)


def _database() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        log.warning("readyz: the database does not answer (%s)", type(error).__name__)
        connection.close()
        return "unreachable"
    return "ok"


def _queue() -> str:
    try:
        DBTaskResult.objects.exists()
    except DatabaseError as error:
        log.warning("readyz: the task queue's table cannot be read (%s)", type(error).__name__)
        return "unreachable"
    return "ok"
