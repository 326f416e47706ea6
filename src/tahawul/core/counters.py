"""Incremental counters: add to a row keyed by a few columns, creating it on first use.

Used for the per-day aggregates that dashboards read instead of scanning raw rows. Must run
inside the transaction of the write it counts, so the counter and the row commit together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F


def add_to_counter(
    model: type[models.Model], key: Mapping[str, Any], amounts: Mapping[str, int], **defaults: Any
) -> None:
    """Add ``amounts`` to the row of ``model`` matching ``key``; create it when there is none.

    An UPDATE first: once a cell exists (nearly always) that is one statement. Two writers
    creating the same new cell at once meet the unique constraint; the loser retries the UPDATE.
    """
    increments = {name: F(name) + amount for name, amount in amounts.items() if amount}
    if not increments:
        return
    for _attempt in range(3):
        if model._default_manager.filter(**key).update(**increments):
            return
        try:
            with transaction.atomic():
                model._default_manager.create(**key, **defaults, **amounts)
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"could not update the {model.__name__} counter for {dict(key)}")
