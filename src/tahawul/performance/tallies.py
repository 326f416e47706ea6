"""Reading the month aggregates into per-group tallies: the part of every KPI read that touches
the database. A fixed number of queries per read; the rows fetched grow with services ×
channels × months, never with applications."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.db.models import Q, Sum

from tahawul.applications.models import ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Service
from tahawul.feedback.index import RolledUp, WeightedCell
from tahawul.feedback.satisfaction import CellTotals, Scope, cell_totals, monthly_trend
from tahawul.performance.costs import CellMonth
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.performance.spans import MonthSpan, quarter_of

GroupBy = Literal["service", "channel", "entity", "month"]


@dataclass
class Tally:
    """One group's sums, and its transactions per (entity, channel, month) for the cost."""

    started: int = 0
    submitted: int = 0
    completed: int = 0
    within_sla: int = 0
    complaints: int = 0
    offline: int = 0
    histogram: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    volumes: dict[CellMonth, int] = field(default_factory=lambda: defaultdict(int))  # for cost
    satisfaction: list[WeightedCell] = field(default_factory=list)
    rolled_up: RolledUp | None = None  # already rolled up by the feedback app


@dataclass(frozen=True)
class CellFilter:
    """The cells a read covers: None is no filter on that dimension."""

    entity_ids: frozenset[int] | None
    service_ids: frozenset[int] | None
    channels: frozenset[str] | None

    @classmethod
    def of(
        cls,
        entity_ids: Collection[int] | None,
        service_ids: Collection[int] | None,
        channels: Collection[str] | None,
    ) -> CellFilter:
        return cls(
            None if entity_ids is None else frozenset(entity_ids),
            None if service_ids is None else frozenset(service_ids),
            None if channels is None else frozenset(str(channel) for channel in channels),
        )

    def admits(self, entity_id: int, service_id: int, channel: str) -> bool:
        return (
            (self.entity_ids is None or entity_id in self.entity_ids)
            and (self.service_ids is None or service_id in self.service_ids)
            and (self.channels is None or channel in self.channels)
        )

    def entities_q(self) -> Q:
        """The entities whose every service is read, so that each (entity, channel) cost per
        transaction divides by all its transactions, not only the scope's."""
        condition = Q()
        if self.entity_ids is not None:
            condition &= Q(entity_id__in=self.entity_ids)
        if self.service_ids is not None:
            condition &= Q(entity_id__in=Service.objects.filter(pk__in=self.service_ids).values("entity_id"))
        return condition

    def cells_q(self) -> Q:
        condition = Q()
        if self.entity_ids is not None:
            condition &= Q(entity_id__in=self.entity_ids)
        if self.service_ids is not None:
            condition &= Q(service_id__in=self.service_ids)
        if self.channels is not None:
            condition &= Q(channel__in=self.channels)
        return condition

    def satisfaction_scope_is_exact(self) -> bool:
        """Whether the feedback Scope can hold this filter without filtering afterwards."""
        return (self.service_ids is None or len(self.service_ids) == 1) and (
            self.channels is None or len(self.channels) == 1
        )

    def satisfaction_scope(self) -> Scope:
        # The feedback Scope holds one service and one channel; more are filtered afterwards.
        return Scope(
            entity_ids=self.entity_ids,
            service_id=next(iter(self.service_ids)) if self.service_ids and len(self.service_ids) == 1 else None,
            channel=next(iter(self.channels)) if self.channels and len(self.channels) == 1 else "",
        )


_GROUP_FIELD = {"service": "service_id", "channel": "channel", "entity": "entity_id", "month": "month"}


def group_key(group_by: GroupBy | None, entity_id: int, service_id: int, channel: str, month: date) -> Hashable:
    if group_by == "service":
        return service_id
    if group_by == "entity":
        return entity_id
    if group_by == "channel":
        return channel
    if group_by == "month":
        return month
    return None


def read_tallies(
    group_by: GroupBy | None, span: MonthSpan, scope: CellFilter
) -> tuple[dict[Hashable, Tally], dict[CellMonth, int], dict[CellMonth, int]]:
    """Every group's sums over ``span``, its transactions per (entity, channel, month) over the
    cost window, the entities' transactions for the cost denominators, and the costs."""
    window = (
        span.with_lookback()
        if group_by == "month"
        else MonthSpan(min(span.first, span.rolling_window().first), span.last)
    )
    tallies: dict[Hashable, Tally] = defaultdict(Tally)
    entity_volumes: dict[CellMonth, int] = defaultdict(int)
    months = Q(month__gte=window.first, month__lte=window.last)
    for entity_id, service_id, channel, month, started, submitted, completed, within_sla, complaints in (
        ServiceMonth.objects.filter(months & scope.entities_q())
        .values_list(
            "entity_id",
            "service_id",
            "channel",
            "month",
            "started",
            "submitted",
            "completed",
            "within_sla",
            "complaints",
        )
        .order_by()
    ):
        entity_volumes[(entity_id, channel, month)] += completed
        if not scope.admits(entity_id, service_id, channel):
            continue
        # A month row belongs to its own month's group, and to every group's cost window.
        tally = tallies[group_key(group_by, entity_id, service_id, channel, month)]
        if month in span:
            tally.started += started
            tally.submitted += submitted
            tally.completed += completed
            tally.within_sla += within_sla
            tally.complaints += complaints
        _volumes_for(group_by, tallies, entity_id, service_id, channel, month)[(entity_id, channel, month)] += completed
    for entity_id, service_id, channel, month, completed in (
        OfflineVolume.objects.filter(months & scope.entities_q())
        .values_list("entity_id", "service_id", "channel", "month", "completed")
        .order_by()
    ):
        entity_volumes[(entity_id, channel, month)] += completed
        if not scope.admits(entity_id, service_id, channel):
            continue
        if month in span:
            tallies[group_key(group_by, entity_id, service_id, channel, month)].offline += completed
        _volumes_for(group_by, tallies, entity_id, service_id, channel, month)[(entity_id, channel, month)] += completed
    costs = {
        (entity_id, channel, quarter): staff + running
        for entity_id, channel, quarter, staff, running in ChannelCost.objects.filter(
            scope.entities_q(), quarter__gte=quarter_of(window.first), quarter__lte=window.last
        ).values_list("entity_id", "channel", "quarter", "staff_fils", "running_fils")
    }
    return tallies, entity_volumes, costs


def _volumes_for(
    group_by: GroupBy | None,
    tallies: dict[Hashable, Tally],
    entity_id: int,
    service_id: int,
    channel: str,
    month: date,
) -> dict[CellMonth, int]:
    # Month rows keep every month's volumes under one shared key; each month picks its own
    # 12-month window from them when the cost is computed.
    key = "volumes" if group_by == "month" else group_key(group_by, entity_id, service_id, channel, month)
    return tallies[key].volumes


def add_processing(
    group_by: GroupBy | None, span: MonthSpan, scope: CellFilter, tallies: dict[Hashable, Tally]
) -> None:
    """Each group's processing-time histogram over ``span``: one query, grouped in SQL."""
    fields = ["working_days"] if group_by is None else [_GROUP_FIELD[group_by], "working_days"]
    for row in (
        ProcessingMonth.objects.filter(scope.cells_q(), month__gte=span.first, month__lte=span.last)
        .values(*fields)
        .annotate(total=Sum("completed"))
        .order_by()
    ):
        key = None if group_by is None else row[_GROUP_FIELD[group_by]]
        tallies[key].histogram[row["working_days"]] += row["total"]


def add_satisfaction(
    group_by: GroupBy | None, span: MonthSpan, scope: CellFilter, tallies: dict[Hashable, Tally]
) -> None:
    """Each group's satisfaction cells over ``span``, read through the feedback app."""
    if group_by == "month":
        _add_monthly_satisfaction(span, scope, tallies)
        return
    cells = cell_totals(scope.satisfaction_scope(), span.first, span.last_day)
    for key, cell in cells.items():
        if scope.admits(cell.entity_id, key[0], key[1]):
            tallies[group_key(group_by, cell.entity_id, key[0], key[1], span.first)].satisfaction.append(
                WeightedCell(cell.counts, cell.completed)
            )


def _add_monthly_satisfaction(span: MonthSpan, scope: CellFilter, tallies: dict[Hashable, Tally]) -> None:
    if scope.satisfaction_scope_is_exact():
        # The feedback app's own trend: two queries for the whole span.
        trend = monthly_trend(scope.satisfaction_scope(), months=len(span), today=span.last_day)
        for point in trend:
            tallies[date.fromisoformat(f"{point.month}-01")].rolled_up = point.index
        return
    # Several services or channels, which the feedback Scope cannot hold: two queries a month.
    for month in span:
        cells = cell_totals(scope.satisfaction_scope(), month, MonthSpan(month, month).last_day)
        tallies[month].satisfaction.extend(_weighted(cells, scope))


def _weighted(cells: dict[tuple[int, str], CellTotals], scope: CellFilter) -> Iterable[WeightedCell]:
    for (service_id, channel), cell in cells.items():
        if scope.admits(cell.entity_id, service_id, channel):
            yield WeightedCell(cell.counts, cell.completed)
