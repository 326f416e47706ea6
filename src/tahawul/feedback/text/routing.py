"""Which service a case is about, suggested from its text for a person to confirm.

A nearest-centroid classifier over the features of :mod:`.features`, trained on the platform's
own data: each published service's names, keywords and summaries in both languages, and the
descriptions of cases whose routing a person chose or confirmed. Every row of the catalogue's
``Service`` table is the listing of a published version (unpublished drafts live in
``definitions``), so every row is a candidate.

The score of a service is the cosine similarity between the text and the service's centroid
(0 to 1). The features' weights are fitted on the seed comments as well, so that the words of
any complaint count for little. The router is rebuilt when the catalogue or the confirmed
cases change.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sklearn
from django.db.models import Count, Max
from scipy import sparse
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from tahawul.catalog.models import Service
from tahawul.feedback.text.features import MAX_TEXT_CHARS, build_features
from tahawul.feedback.text.training import SeedFileInvalid, load_seed

# Below this cosine similarity the best service shares only incidental words with the text
# ("building", "elderly", a common stem) and a suggestion would mislead the person routing.
# Measured on the demo catalogue: complaints naming a service scored 0.25-0.45 for it; the
# seed's comments about staff or premises, which name no service, scored a median of 0.07 and
# 14 % of them reach 0.15; 81 % of the catalogue search-quality queries (two or three words)
# reach it.
MINIMUM_SCORE = 0.15
# The most recent confirmed cases used; older ones add little and slow rebuilding.
MAX_CONFIRMED_CASES = 20_000

# How much each text of a service counts in its centroid: names and keywords are what people
# write; summaries and descriptions add context but also generic words.
WEIGHT_NAME = 3.0
WEIGHT_KEYWORDS = 2.0
WEIGHT_SUMMARY = 1.0
WEIGHT_DESCRIPTION = 0.5
WEIGHT_CASE = 1.0


@dataclass(frozen=True)
class ServiceSuggestion:
    service_code: str
    entity_code: str
    score: float


@dataclass(frozen=True)
class _Router:
    version: Hashable
    features: FeatureUnion
    # Sparse (features x services), columns of unit length; stored transposed, as the product
    # needs it, because converting it on every call cost more than everything else.
    centroids_by_feature: Any
    service_codes: tuple[str, ...]
    entity_codes: tuple[str, ...]

    def suggest(self, text: str, limit: int) -> list[ServiceSuggestion]:
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            vector = normalize(self.features.transform([text[:MAX_TEXT_CHARS]]))
        scores = (vector @ self.centroids_by_feature).toarray().ravel()
        best = np.argsort(scores)[::-1][:limit]
        return [
            ServiceSuggestion(
                service_code=self.service_codes[index],
                entity_code=self.entity_codes[index],
                score=round(float(scores[index]), 4),
            )
            for index in best
            if scores[index] >= MINIMUM_SCORE
        ]


def _confirmed_cases() -> Any:
    """Confirmed cases with a service, or None while the feedback models are not installed."""
    try:
        from tahawul.feedback.models import Case
    except (ImportError, LookupError, RuntimeError):
        return None
    return Case.objects.filter(routing_confirmed=True, service__isnull=False)


def _catalogue_version() -> Hashable:
    # One cheap aggregate per table: a published, changed or removed service or a newly
    # confirmed case changes it, so the next call rebuilds.
    services = Service.objects.aggregate(count=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
    cases = _confirmed_cases()
    case_version = None
    if cases is not None:
        case_version = tuple(cases.aggregate(count=Count("pk"), last=Max("pk"), changed=Max("updated_at")).values())
    return (*services.values(), case_version)


def _training_texts() -> tuple[list[str], list[int], list[float], list[Service]]:
    services = list(Service.objects.select_related("entity").order_by("code"))
    row_of = {service.pk: row for row, service in enumerate(services)}
    texts: list[str] = []
    rows: list[int] = []
    weights: list[float] = []

    def add(text: str, row: int, weight: float) -> None:
        if text.strip():
            texts.append(text[:MAX_TEXT_CHARS])
            rows.append(row)
            weights.append(weight)

    for row, service in enumerate(services):
        add(service.name_ar, row, WEIGHT_NAME)
        add(service.name_en, row, WEIGHT_NAME)
        add(service.search_keywords, row, WEIGHT_KEYWORDS)
        add(service.summary_ar, row, WEIGHT_SUMMARY)
        add(service.summary_en, row, WEIGHT_SUMMARY)
        add(service.description_ar, row, WEIGHT_DESCRIPTION)
        add(service.description_en, row, WEIGHT_DESCRIPTION)
    cases = _confirmed_cases()
    if cases is not None:
        recent = cases.order_by("-pk").values_list("service_id", "description")[:MAX_CONFIRMED_CASES]
        for service_id, description in recent:
            if service_id in row_of:
                add(description, row_of[service_id], WEIGHT_CASE)
    return texts, rows, weights, services


def _background_texts() -> list[str]:
    # Fitting the vocabulary's weights on comments too makes the words every complaint uses
    # ("waited", "employee", "الموظف") weigh little, so a comment naming no service scores low.
    try:
        return [comment.text for comment in load_seed()]
    except SeedFileInvalid:
        return []


def _build(version: Hashable) -> _Router | None:
    texts, rows, weights, services = _training_texts()
    if not texts:
        return None
    features = build_features().fit(texts + _background_texts())
    vectors = normalize(features.transform(texts))
    # Each service's centroid is the weighted mean of its texts' vectors.
    membership = sparse.csr_matrix((weights, (rows, range(len(texts)))), shape=(len(services), len(texts)))
    centroids = normalize(membership @ vectors).astype(np.float32)
    return _Router(
        version=version,
        features=features,
        centroids_by_feature=sparse.csr_matrix(centroids.T),
        service_codes=tuple(service.code for service in services),
        entity_codes=tuple(service.entity.code for service in services),
    )


_lock = threading.Lock()
_router: _Router | None = None


def _current_router() -> _Router | None:
    global _router
    version = _catalogue_version()
    router = _router
    if router is not None and router.version == version:
        return router
    with _lock:
        if _router is None or _router.version != version:
            _router = _build(version)
        return _router


def suggest_services(text: str, limit: int = 3) -> list[ServiceSuggestion]:
    """Up to ``limit`` services the text is most likely about, best first.

    Only services scoring at least :data:`MINIMUM_SCORE` are returned, so an empty list means
    "no meaningful suggestion" (also for an empty text or an empty catalogue). Called when a
    case is filed without a service. Reads the database (two aggregates per call; the
    catalogue and the confirmed cases when they have changed, then it rebuilds in about a
    second). Never raises for any text.
    """
    if limit < 1 or not text or not text.strip():
        return []
    router = _current_router()
    if router is None:
        return []
    return router.suggest(text, limit)


def reset_router_cache() -> None:
    """Forget the process's router (tests)."""
    global _router
    with _lock:
        _router = None
