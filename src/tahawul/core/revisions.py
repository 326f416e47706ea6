"""Optimistic concurrency: a row carries a ``revision`` that grows with every change, and a change
is made only to the revision the person was looking at. Of two officers acting at once, one wins
and the other is told, with nothing of theirs saved."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from tahawul.core.errors import DomainError


def write_revision(instance: models.Model, expected_revision: int, stale: type[DomainError], **changes: Any) -> None:
    """Apply ``changes`` (and ``updated_at``) to ``instance``'s row if its revision is still
    ``expected_revision``, bumping it; raise ``stale`` otherwise. One conditional UPDATE: the
    database decides who wins, whatever the number of processes. ``instance`` is updated to match."""
    now = timezone.now()
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, revision=expected_revision)
        .update(revision=F("revision") + 1, updated_at=now, **changes)
    )
    if not updated:
        raise stale()
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.revision = expected_revision + 1  # type: ignore[attr-defined]
    instance.updated_at = now  # type: ignore[attr-defined]
