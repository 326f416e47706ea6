"""Published versions of service definitions. A published version never changes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from tahawul.catalog.models import Service
from tahawul.definitions.errors import PublishedVersionIsImmutable


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField(help_text="The normalised definition (see docs/service-definitions.md)")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the normalised document")
    source_name = models.CharField(max_length=300, blank=True, help_text="The file it was loaded from")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="unique_service_version")]
        ordering = ["service", "-number"]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The database refuses updates too (a trigger); this gives the clearer error first.
        if not self._state.adding:
            raise PublishedVersionIsImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PublishedVersionIsImmutable()
