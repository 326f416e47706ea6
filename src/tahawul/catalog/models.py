"""The public catalogue: entities, categories, life events, services and their search index.

A :class:`Service` row is the listing of a service's current published definition (the
definition itself lives in ``definitions``); it is rewritten each time a version is published.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel, Maturity
from tahawul.core.text import localized_attribute


class EntityKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AUTHORITY = "authority", _("Authority")
    DIRECTORATE = "directorate", _("Directorate")
    MUNICIPALITY = "municipality", _("Municipality")


class Entity(models.Model):
    """A ministry, authority or other body that owns services."""

    code = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=EntityKind.choices)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    name = localized_attribute("name")

    class Meta:
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.code


class Grouping(models.Model):
    """A way of grouping services for people browsing: shown in ``position`` order."""

    slug = models.SlugField(max_length=60, unique=True)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    name = localized_attribute("name")

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.slug


class Category(Grouping):
    """A topic ("Health", "Business and trade"); every service has one."""

    class Meta(Grouping.Meta):
        verbose_name_plural = "categories"


class LifeEvent(Grouping):
    """A moment in life ("having a baby") that needs several services, often of several entities."""


class Service(models.Model):
    code = models.CharField(max_length=60, unique=True)
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="services")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    life_events = models.ManyToManyField(LifeEvent, related_name="services", blank=True)
    name_ar = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    summary_ar = models.TextField()
    summary_en = models.TextField()
    description_ar = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    search_keywords = models.TextField(blank=True, help_text="Extra words people search with, space-separated")
    maturity = models.CharField(max_length=20, choices=Maturity.choices)
    fee_fils = models.PositiveIntegerField(null=True, blank=True, help_text="None when the service is free")
    fee_varies = models.BooleanField(default=False, help_text="Whether rules can change the fee")
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    annual_volume = models.PositiveIntegerField(default=0)
    current_version = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    name = localized_attribute("name")
    summary = localized_attribute("summary")
    description = localized_attribute("description")

    class Meta:
        indexes = [models.Index(fields=["entity", "category"]), models.Index(fields=["-annual_volume"])]

    def __str__(self) -> str:
        return self.code


class ServiceChannel(models.Model):
    """A channel on which a service is offered (a table, so filtering by channel uses an index)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(max_length=20, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "channel"], name="unique_service_channel")]
        indexes = [models.Index(fields=["channel", "service"])]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.channel}"


class SearchTerm(models.Model):
    """One normalised, stemmed word of a service's texts, with how much it says about the service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "term"], name="unique_service_term")]
        indexes = [models.Index(fields=["term", "service"])]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.term}"
