"""Service centres and the kiosks registered in them.

A kiosk's identifier is recorded on every rating, case and application made on it (channel
``kiosk``); ``last_seen_at`` is its heartbeat, which the channel-health check of the kiosk fleet
reads."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import localized_attribute


class ServiceCentre(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    entity = models.ForeignKey(
        "catalog.Entity", on_delete=models.PROTECT, null=True, blank=True, related_name="service_centres"
    )
    active = models.BooleanField(default=True)

    name = localized_attribute("name")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Kiosk(models.Model):
    code = models.CharField(_("kiosk identifier"), max_length=40, unique=True)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="kiosks")
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
