"""Reads of the public catalogue, including ranked search. Everything here is public."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.errors import NotFound, UnknownCategory, UnknownEntity, UnknownService
from tahawul.catalog.models import Category, Entity, LifeEvent, SearchTerm, Service
from tahawul.catalog.text_analysis import QueryWord, analyse_query

T = TypeVar("T")

PREFIX_FACTOR = 0.5  # an unfinished last word matching the start of a key counts half
POPULARITY_FACTOR = 0.05  # per power of ten of yearly volume: enough to order ties, no more


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass(frozen=True)
class ServiceFilters:
    entity: str | None = None
    category: str | None = None
    channel: str | None = None
    life_event: str | None = None

    def service_conditions(self, prefix: str = "") -> Q:
        condition = Q()
        if self.entity:
            condition &= Q(**{f"{prefix}entity__code": self.entity})
        if self.category:
            condition &= Q(**{f"{prefix}category__slug": self.category})
        if self.channel:
            condition &= Q(**{f"{prefix}channels__channel": self.channel})
        if self.life_event:
            condition &= Q(**{f"{prefix}life_events__slug": self.life_event})
        return condition


def _services() -> QuerySet[Service]:
    return Service.objects.select_related("entity", "category").prefetch_related("channels")


def filter_problems(filters: ServiceFilters) -> dict[str, Promise]:
    """Filters naming an entity, category or life event that does not exist, by parameter name."""
    problems: dict[str, Promise] = {}
    if filters.entity and not Entity.objects.filter(code=filters.entity).exists():
        problems["entity"] = _("There is no entity with this code.")
    if filters.category and not Category.objects.filter(slug=filters.category).exists():
        problems["category"] = _("There is no category with this name.")
    if filters.life_event and not LifeEvent.objects.filter(slug=filters.life_event).exists():
        problems["life_event"] = _("There is no life event with this name.")
    return problems


def search_services(
    *, query: str = "", filters: ServiceFilters | None = None, page: int = 1, page_size: int = 20
) -> Page[Service]:
    """Services matching ``query`` and ``filters``, best first; a page of them.

    Without meaningful words in the query, every service matching the filters, the most used
    first. Ranking: for each query word, the strongest place it appears in a service (name,
    keywords, summary, organisation, description) weighted by how rare the word is; services
    that match more of the words come first; equal matches go to the more used service.
    """
    filters = filters or ServiceFilters()
    words = analyse_query(query)
    if not words:
        # No distinct(): each filter joins a table unique per service (one channel, one life event).
        services = _services().filter(filters.service_conditions()).order_by("-annual_volume", "code")
        total = services.count()
        start = (page - 1) * page_size
        return Page(items=list(services[start : start + page_size]), total=total, number=page, size=page_size)

    ranked = _ranked_service_ids(words, filters)
    start = (page - 1) * page_size
    page_ids = ranked[start : start + page_size]
    by_id = _services().in_bulk(page_ids)
    return Page(items=[by_id[service_id] for service_id in page_ids], total=len(ranked), number=page, size=page_size)


def _ranked_service_ids(words: Sequence[QueryWord], filters: ServiceFilters) -> list[int]:
    exact_keys = set().union(*(word.keys for word in words))
    matching = Q(term__in=exact_keys)
    prefixes = {word.prefix for word in words if word.prefix}
    for prefix in prefixes:
        # A range instead of LIKE: it uses the term index on SQLite and PostgreSQL alike.
        matching |= Q(term__gte=prefix, term__lt=prefix + "\uffff")
    rows = SearchTerm.objects.filter(matching, filters.service_conditions("service__")).values_list(
        "service_id", "term", "weight", "service__annual_volume"
    )
    weights: dict[int, dict[str, float]] = defaultdict(dict)
    volume: dict[int, int] = {}
    services_with: dict[str, int] = defaultdict(int)
    for service_id, term, weight, annual_volume in rows:
        weights[service_id][term] = weight
        volume[service_id] = annual_volume
        services_with[term] += 1
    total_services = Service.objects.count()

    def rarity(term: str) -> float:  # BM25's inverse document frequency, never negative
        frequency = services_with[term]
        return math.log(1 + (total_services - frequency + 0.5) / (frequency + 0.5))

    scores: dict[int, float] = {}
    for service_id, terms in weights.items():
        score = 0.0
        matched = 0
        for word in words:
            best = max((terms[key] * rarity(key) for key in word.keys if key in terms), default=0.0)
            if not best and word.prefix:
                best = PREFIX_FACTOR * max(
                    (weight * rarity(term) for term, weight in terms.items() if term.startswith(word.prefix)),
                    default=0.0,
                )
            if best:
                matched += 1
                score += best
        if matched:
            coverage = matched / len(words)
            scores[service_id] = score * coverage * coverage + POPULARITY_FACTOR * math.log10(1 + volume[service_id])
    return sorted(scores, key=lambda service_id: (-scores[service_id], -volume[service_id], service_id))


def service_listing(*, code: str) -> Service:
    """A service's catalogue entry, with its entity, category, channels and life events."""
    service = _services().prefetch_related("life_events").filter(code=code).first()
    if service is None:
        raise UnknownService()
    return service


def entities() -> QuerySet[Entity]:
    return Entity.objects.order_by("code")


def entities_with_counts() -> QuerySet[Entity]:
    return entities().annotate(service_count=Count("services"))


def entity(*, code: str) -> Entity:
    found = Entity.objects.filter(code=code).first()
    if found is None:
        raise UnknownEntity()
    return found


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def categories_with_counts() -> QuerySet[Category]:
    return categories().annotate(service_count=Count("services"))


def category(*, slug: str) -> Category:
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        raise UnknownCategory()
    return found


def life_events_with_counts() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(service_count=Count("services"))


def life_event(*, slug: str) -> LifeEvent:
    found = LifeEvent.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found
