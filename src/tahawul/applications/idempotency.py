"""Idempotency-Key handling: a retried request gets the first answer, never a second application.

The record is written in the same transaction as what the request created, so after a crash
either both exist or neither does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction

from tahawul.applications.errors import IdempotencyConflict
from tahawul.applications.models import IdempotencyRecord
from tahawul.identity.models import User

Response = tuple[int, dict[str, Any]]


def digest(payload: Mapping[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def once(*, user: User, key: str, payload: Mapping[str, Any], run: Callable[[], Response]) -> tuple[Response, bool]:
    """``run()`` the first time (user, key) is seen; the stored response every later time.

    Returns the response and whether it is a replay. The same key with a different payload is
    refused with :class:`IdempotencyConflict`.
    """
    request_digest = digest(payload)
    replay = _stored(user, key, request_digest)
    if replay is not None:
        return replay, True
    try:
        with transaction.atomic():
            status, body = run()
            IdempotencyRecord.objects.create(
                user=user, key=key, request_digest=request_digest, status=status, body=body
            )
    except IntegrityError:
        # The same key raced in on another connection and won; its answer is ours.
        replay = _stored(user, key, request_digest)
        if replay is None:
            raise
        return replay, True
    return (status, body), False


def _stored(user: User, key: str, request_digest: str) -> Response | None:
    record = (
        IdempotencyRecord.objects.filter(user=user, key=key).values_list("request_digest", "status", "body").first()
    )
    if record is None:
        return None
    stored_digest, status, body = record
    if stored_digest != request_digest:
        raise IdempotencyConflict()
    return status, body
