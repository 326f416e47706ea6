"""Reads of the service KPIs: digital take-up, completion rate, satisfaction and cost per
transaction, with processing times, SLA compliance and complaints beside them.

Every figure comes from the month aggregates (ServiceMonth, ProcessingMonth, OfflineVolume,
ChannelCost) and the feedback app's per-day aggregates, never from applications: each call runs
the same few queries whatever the number of applications, and its Python work grows with
services × channels × months. docs/kpis.md defines every formula."""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.formats import date_format
from django.utils.translation import override

from tahawul.catalog.models import Entity, Service
from tahawul.core.text import LocalizedText, bilingual
from tahawul.feedback.index import RolledUp, rollup
from tahawul.performance.costs import CellMonth, apportioned_cost, channel_cost_per_transaction
from tahawul.performance.entries import CostLine, VolumeLine, cost_version, month_volumes, quarter_costs, volume_version
from tahawul.performance.histograms import median, percentile
from tahawul.performance.models import CostChannel
from tahawul.performance.ranking import RankedService, rank_services
from tahawul.performance.spans import MonthSpan
from tahawul.performance.tallies import CellFilter, GroupBy, Tally, add_processing, add_satisfaction, read_tallies

GROUPINGS: tuple[GroupBy, ...] = ("service", "channel", "entity", "month")
PER_THOUSAND = 1000

__all__ = [
    "GROUPINGS",
    "CostLine",
    "GroupBy",
    "KpiRow",
    "MonthSpan",
    "RankedService",
    "ServiceKpis",
    "VolumeLine",
    "cost_version",
    "kpis",
    "kpis_by",
    "month_volumes",
    "quarter_costs",
    "reengineering_ranking",
    "volume_version",
]


@dataclass(frozen=True)
class ServiceKpis:
    """The KPIs of one scope over a month span. Ratios are None where their denominator is 0."""

    completed: int  # completed in Tahawul, every channel, assisted (counter, call centre) included
    offline: int  # completed outside Tahawul (OfflineVolume)
    digital: int  # completed on Tahawul's channels: all of ``completed``
    digital_take_up: float | None  # digital / (completed + offline)
    started: int
    submitted: int
    completion_rate: float | None  # submitted / started, drafts begun in the span
    satisfaction: RolledUp | None  # the feedback index; None without any response
    cost_per_transaction_fils: int | None  # rolling 12 months ending with the span's last month
    median_days: float | None  # working days from submission to the final state
    p90_days: int | None
    sla_compliance: float | None  # within_sla / completed
    complaints: int
    complaints_per_1000: float | None  # complaints × 1000 / (completed + offline)
    within_sla: int = 0
    cost_coverage: float | None = None  # share of the cost window's transactions with a cost entered

    @property
    def transactions(self) -> int:
        """All completed transactions, in Tahawul or outside it."""
        return self.completed + self.offline


@dataclass(frozen=True)
class KpiRow:
    key: str  # a service code, a channel value, an entity code, or "YYYY-MM"
    label: LocalizedText
    kpis: ServiceKpis


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(
    tally: Tally,
    *,
    cost_window: MonthSpan,
    entity_volumes: dict[CellMonth, int],
    costs: dict[CellMonth, int],
    group_volumes: dict[CellMonth, int],
    rates: dict[tuple[int, str], Fraction] | None = None,
) -> ServiceKpis:
    transactions = tally.completed + tally.offline
    satisfaction = tally.rolled_up or (rollup(tally.satisfaction) if tally.satisfaction else None)
    cost = apportioned_cost(
        window=cost_window, costs=costs, entity_volumes=entity_volumes, group_volumes=group_volumes, rates=rates
    )
    return ServiceKpis(
        completed=tally.completed,
        offline=tally.offline,
        digital=tally.completed,
        digital_take_up=_ratio(tally.completed, transactions),
        started=tally.started,
        submitted=tally.submitted,
        completion_rate=_ratio(tally.submitted, tally.started),
        satisfaction=satisfaction if satisfaction is not None and satisfaction.n else None,
        cost_per_transaction_fils=cost.fils,
        median_days=median(tally.histogram),
        p90_days=percentile(tally.histogram, 90),
        sla_compliance=_ratio(tally.within_sla, tally.completed),
        complaints=tally.complaints,
        complaints_per_1000=None if not transactions else tally.complaints * PER_THOUSAND / transactions,
        within_sla=tally.within_sla,
        cost_coverage=cost.coverage,
    )


# --- public reads ------------------------------------------------------------------------


def kpis(
    *,
    span: MonthSpan,
    entity_ids: Collection[int] | None = None,
    service_ids: Collection[int] | None = None,
    channels: Collection[str] | None = None,
) -> ServiceKpis:
    """The KPIs of the cells matching every filter given (None: no filter) over ``span``.
    Public figures: callers check access to non-public scopes themselves. Six queries."""
    scope = CellFilter.of(entity_ids, service_ids, channels)
    tallies, entity_volumes, costs = read_tallies(None, span, scope)
    add_processing(None, span, scope, tallies)
    add_satisfaction(None, span, scope, tallies)
    tally = tallies[None]
    return _figures(
        tally,
        cost_window=span.rolling_window(),
        entity_volumes=entity_volumes,
        costs=costs,
        group_volumes=tally.volumes,
    )


def kpis_by(
    *,
    group_by: GroupBy,
    span: MonthSpan,
    entity_ids: Collection[int] | None = None,
    service_ids: Collection[int] | None = None,
    channels: Collection[str] | None = None,
) -> list[KpiRow]:
    """The KPIs per service, channel, entity or month of the matching cells over ``span``.
    Services, channels and entities with nothing in the span are left out, busiest first; every
    month of the span has a row, oldest first. On a channel row, ``completed`` is what was done
    in Tahawul on that channel (at the counter: assisted digital) and ``offline`` what was done
    on it outside Tahawul, so the counter's take-up is the share of counter work in Tahawul."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping: {group_by!r}")
    scope = CellFilter.of(entity_ids, service_ids, channels)
    tallies, entity_volumes, costs = read_tallies(group_by, span, scope)
    add_processing(group_by, span, scope, tallies)
    add_satisfaction(group_by, span, scope, tallies)
    if group_by == "month":
        shared = tallies["volumes"].volumes
        return [
            KpiRow(
                key=f"{month:%Y-%m}",
                label=_month_label(month),
                kpis=_figures(
                    tallies[month],
                    cost_window=MonthSpan.ending(month),
                    entity_volumes=entity_volumes,
                    costs=costs,
                    group_volumes=shared,
                ),
            )
            for month in span
        ]
    labels = _labels(group_by, list(tallies))
    window = span.rolling_window()
    rates = channel_cost_per_transaction(window=window, costs=costs, entity_volumes=entity_volumes)
    rows = [
        KpiRow(
            key=labels[key][0],
            label=labels[key][1],
            kpis=_figures(
                tally,
                cost_window=window,
                entity_volumes=entity_volumes,
                costs=costs,
                group_volumes=tally.volumes,
                rates=rates,
            ),
        )
        for key, tally in tallies.items()
        if key in labels and _has_activity(tally)
    ]
    rows.sort(key=lambda row: (-row.kpis.transactions, -row.kpis.started, row.key))
    return rows


def _has_activity(tally: Tally) -> bool:
    return bool(tally.started or tally.completed or tally.offline or tally.complaints or tally.satisfaction)


def _month_label(month: date) -> LocalizedText:
    texts = {}
    for language in ("ar", "en"):
        with override(language):
            texts[language] = date_format(month, "F Y")
    return LocalizedText(**texts)


def channel_label(channel: str) -> LocalizedText:
    """The name of a Tahawul or offline channel in both languages."""
    return bilingual(CostChannel(channel).label)


def _labels(group_by: GroupBy, keys: list[Hashable]) -> dict[Hashable, tuple[str, LocalizedText]]:
    if group_by == "channel":
        return {key: (str(key), channel_label(str(key))) for key in keys if str(key) in CostChannel.values}
    model = Service if group_by == "service" else Entity
    ids = [key for key in keys if isinstance(key, int)]
    return {
        pk: (code, LocalizedText(ar=name_ar, en=name_en))
        for pk, code, name_ar, name_en in model.objects.filter(pk__in=ids).values_list(
            "pk", "code", "name_ar", "name_en"
        )
    }


def reengineering_ranking(
    *, span: MonthSpan, entity_ids: Collection[int] | None = None, limit: int = 20
) -> list[RankedService]:
    """Services most worth re-engineering next, highest score first: counter volume (counter and
    call centre in Tahawul, plus every offline transaction) × dissatisfied share (shrunk toward
    the government's) × median working days, each row explained in both languages. Services
    with no counter volume are left out. Six queries."""
    return rank_services(span=span, entity_ids=None if entity_ids is None else frozenset(entity_ids), limit=limit)
