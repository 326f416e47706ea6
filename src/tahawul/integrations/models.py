"""Integrators: the other systems that reach the platform (Open311 clients, partners' apps) and
the webhooks they subscribe to. Their keys and subscriptions hang off ``Integrator``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Integrator(models.Model):
    """An organisation or system that integrates with the platform, registered by staff."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    contact_email = models.EmailField(_("contact email"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
