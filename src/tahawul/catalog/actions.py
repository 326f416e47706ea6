"""Writes to the catalogue: the government's structure, service listings and the search index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from pydantic import ConfigDict
from pydantic import dataclasses as checked

from tahawul.catalog.models import Category, Entity, EntityKind, LifeEvent, SearchTerm, Service, ServiceChannel
from tahawul.catalog.text_analysis import text_keys
from tahawul.core.text import LocalizedText

# How much a word says about a service, by where it appears. Only the strongest place counts,
# so repeating a word cannot push a service up.
WEIGHT_NAME = 10.0
WEIGHT_KEYWORD = 6.0
WEIGHT_SUMMARY = 3.0
WEIGHT_ORGANISATION = 2.0  # the entity's, category's and life events' names
WEIGHT_DESCRIPTION = 1.0


# Checked when built (they arrive from a structure file): unknown keys and kinds are refused.
@checked.dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class EntityData:
    code: str
    kind: EntityKind
    name: LocalizedText
    website: str = ""
    phone: str = ""
    email: str = ""


@checked.dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class TaxonomyItem:
    slug: str
    name: LocalizedText


@transaction.atomic
def save_government_structure(
    *, entities: Sequence[EntityData], categories: Sequence[TaxonomyItem], life_events: Sequence[TaxonomyItem]
) -> None:
    """Create or update entities, categories and life events (matched by code or slug).

    Called by the demo loader and by an installation's own structure file. Renaming an entity
    re-indexes its services so searches find them by the new name.
    """
    for entity in entities:
        Entity.objects.update_or_create(
            code=entity.code,
            defaults={
                "kind": entity.kind,
                "name_ar": entity.name.ar,
                "name_en": entity.name.en,
                "website": entity.website,
                "phone": entity.phone,
                "email": entity.email,
            },
        )
    for position, category in enumerate(categories):
        Category.objects.update_or_create(
            slug=category.slug,
            defaults={"name_ar": category.name.ar, "name_en": category.name.en, "position": position},
        )
    for position, event in enumerate(life_events):
        LifeEvent.objects.update_or_create(
            slug=event.slug, defaults={"name_ar": event.name.ar, "name_en": event.name.en, "position": position}
        )
    for service in Service.objects.select_related("entity", "category").prefetch_related("life_events"):
        reindex_service(service)


@dataclass(frozen=True)
class ServiceListing:
    """What the catalogue shows of a service's current version."""

    code: str
    entity_code: str
    category_slug: str
    life_event_slugs: Sequence[str]
    name: LocalizedText
    summary: LocalizedText
    description: LocalizedText | None
    keywords: Sequence[str]
    channels: Sequence[str]
    maturity: str
    fee_fils: int | None
    fee_varies: bool
    working_days: int | None
    annual_volume: int
    version: int


def list_service(listing: ServiceListing) -> Service:
    """Create or refresh a service's catalogue entry and its search terms.

    Runs inside the transaction that publishes the version, so the catalogue never shows a
    version that was not stored. Raises ``Entity.DoesNotExist`` / ``Category.DoesNotExist``
    (the definition was validated against them first).
    """
    service, _created = Service.objects.update_or_create(
        code=listing.code,
        defaults={
            "entity": Entity.objects.get(code=listing.entity_code),
            "category": Category.objects.get(slug=listing.category_slug),
            "name_ar": listing.name.ar,
            "name_en": listing.name.en,
            "summary_ar": listing.summary.ar,
            "summary_en": listing.summary.en,
            "description_ar": listing.description.ar if listing.description else "",
            "description_en": listing.description.en if listing.description else "",
            "search_keywords": " ".join(listing.keywords),
            "maturity": listing.maturity,
            "fee_fils": listing.fee_fils,
            "fee_varies": listing.fee_varies,
            "working_days": listing.working_days,
            "annual_volume": listing.annual_volume,
            "current_version": listing.version,
        },
    )
    service.life_events.set(LifeEvent.objects.filter(slug__in=listing.life_event_slugs))
    ServiceChannel.objects.filter(service=service).exclude(channel__in=listing.channels).delete()
    existing = set(ServiceChannel.objects.filter(service=service).values_list("channel", flat=True))
    ServiceChannel.objects.bulk_create(
        ServiceChannel(service=service, channel=channel) for channel in listing.channels if channel not in existing
    )
    reindex_service(service)
    return service


def reindex_service(service: Service) -> None:
    """Rebuild a service's search terms from its listing and its organisation's names."""
    weights: dict[str, float] = {}

    def add(text: str, weight: float) -> None:
        for key in text_keys(text):
            weights[key] = max(weights.get(key, 0.0), weight)

    add(f"{service.name_ar} {service.name_en}", WEIGHT_NAME)
    add(service.search_keywords, WEIGHT_KEYWORD)
    add(f"{service.summary_ar} {service.summary_en}", WEIGHT_SUMMARY)
    organisation = [service.entity.name_ar, service.entity.name_en, service.category.name_ar, service.category.name_en]
    organisation += [text for event in service.life_events.all() for text in (event.name_ar, event.name_en)]
    add(" ".join(organisation), WEIGHT_ORGANISATION)
    add(f"{service.description_ar} {service.description_en}", WEIGHT_DESCRIPTION)
    SearchTerm.objects.filter(service=service).delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(service=service, term=term[:64], weight=weight) for term, weight in weights.items()
    )
