"""Rows that record what happened: written once, never changed or deleted."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError


class HistoryIsAppendOnly(DomainError):
    code = "history_is_append_only"
    message = _("A history is never changed: its entries are only ever added.")
    status = 500


class AppendOnly(models.Model):
    """An abstract model whose rows refuse to be saved twice or deleted (application events,
    document views, case events, rating changes)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise HistoryIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise HistoryIsAppendOnly()
