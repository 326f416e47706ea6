"""Answering a retried POST with its first answer (``Idempotency-Key``), for every router."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpResponse

from tahawul.applications import idempotency
from tahawul.identity.models import User


def run_once(
    response: HttpResponse,
    user: User | None,
    key: str | None,
    payload: dict[str, Any],
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """``run`` in one transaction; for a token holder with an Idempotency-Key, the first answer
    for every retry. Keys are kept per account, so an anonymous caller's key is not used."""
    if user is None or not key:
        with transaction.atomic():
            return run()
    (status, body), replayed = idempotency.once(user=user, key=key, payload=payload, run=run)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return status, body
