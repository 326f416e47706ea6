"""Reads the dashboards need beyond the satisfaction index: the services and entities of a
viewer's scope, and the latest comments and case descriptions for the themes.

Every read here is bounded (a capped number of rows or one row per service), so a dashboard's
cost does not grow with the number of ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tahawul.catalog.models import Entity, Service
from tahawul.core.text import LocalizedText
from tahawul.feedback.models import Case, Rating
from tahawul.feedback.satisfaction import Scope
from tahawul.feedback.text.themes import ThemeComment

# Themes read at most this many of the latest rating comments, and as many case descriptions,
# per period: enough to find what people talk about, bounded in cost whatever the volume.
THEME_COMMENTS_PER_SOURCE = 2_000


@dataclass(frozen=True)
class ServiceChoice:
    pk: int
    code: str
    name: LocalizedText

    @property
    def label(self) -> str:
        return self.name.in_language()


def scope_services(entity_ids: frozenset[int] | None) -> list[ServiceChoice]:
    """The services whose figures a viewer of ``entity_ids`` (None: every entity) may filter by,
    ordered by code so the list reads the same in both languages."""
    services = Service.objects.order_by("code")
    if entity_ids is not None:
        services = services.filter(entity_id__in=entity_ids)
    return [
        ServiceChoice(pk=pk, code=code, name=LocalizedText(ar=name_ar, en=name_en))
        for pk, code, name_ar, name_en in services.values_list("pk", "code", "name_ar", "name_en")
    ]


def scope_entity_names(entity_ids: frozenset[int]) -> list[LocalizedText]:
    """The names of the entities in a staff member's scope, by code."""
    return [
        LocalizedText(ar=name_ar, en=name_en)
        for name_ar, name_en in Entity.objects.filter(pk__in=entity_ids)
        .order_by("code")
        .values_list("name_ar", "name_en")
    ]


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of local day ``start`` to the start of the day after ``end``:
    the half-open range [from, to) that the inclusive days of a period cover."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def theme_comments(
    scope: Scope, start: date, end: date, *, limit: int = THEME_COMMENTS_PER_SOURCE
) -> list[ThemeComment]:
    """The latest ``limit`` rating comments and the latest ``limit`` case descriptions of
    ``scope`` filed on the local days ``start``..``end``, newest first within each source.

    Cases opened by an unhappy rating are left out: their description is the rating's comment,
    which is already counted. Cases waiting to be routed have no entity yet and are only in the
    whole-government scope. A channel filter applies to the channel a case is about. Two queries.
    """
    since, until = local_day_bounds(start, end)
    ratings = Rating.objects.filter(created_at__gte=since, created_at__lt=until).exclude(comment="")
    cases = Case.objects.filter(created_at__gte=since, created_at__lt=until, rating__isnull=True)
    if scope.entity_ids is not None:
        ratings = ratings.filter(entity_id__in=scope.entity_ids)
        cases = cases.filter(entity_id__in=scope.entity_ids)
    if scope.service_id is not None:
        ratings = ratings.filter(service_id=scope.service_id)
        cases = cases.filter(service_id=scope.service_id)
    if scope.channel:
        ratings = ratings.filter(channel=scope.channel)
        cases = cases.filter(channel_concerned=scope.channel)
    found = [
        ThemeComment(text, tuple(topics or ()), created_at)
        for text, topics, created_at in ratings.order_by("-created_at").values_list("comment", "topics", "created_at")[
            :limit
        ]
    ]
    found += [
        ThemeComment(text, tuple(topics or ()), created_at)
        for text, topics, created_at in cases.order_by("-created_at").values_list(
            "description", "topics", "created_at"
        )[:limit]
    ]
    return found
