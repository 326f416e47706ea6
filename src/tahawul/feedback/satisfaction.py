"""Reads of the satisfaction index. Every figure comes from the per-day aggregates
(SatisfactionDay, CompletedDay), never from the ratings themselves: the cost of a dashboard grows
with services × channels × days, not with the number of ratings. See docs/satisfaction-index.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tahawul.applications.models import CompletedDay
from tahawul.catalog.models import Entity, Service
from tahawul.core.choices import Channel
from tahawul.core.text import LocalizedText, bilingual
from tahawul.feedback.index import (
    Change,
    Counts,
    Ease,
    RolledUp,
    WeightedCell,
    change_of_rollups,
    ease,
    fit_beta_prior,
    rank_cells,
    rollup,
)
from tahawul.feedback.models import SatisfactionDay
from tahawul.feedback.periods import Period

CellKey = tuple[int, str]  # (service id, channel)


class GroupBy(StrEnum):
    SERVICE = "service"
    CHANNEL = "channel"
    ENTITY = "entity"


@dataclass(frozen=True)
class Scope:
    """Whose figures: None is every entity (the authority, the public aggregate)."""

    entity_ids: frozenset[int] | None = None
    service_id: int | None = None
    channel: str = ""

    def filter(self) -> Q:
        condition = Q()
        if self.entity_ids is not None:
            condition &= Q(entity_id__in=self.entity_ids)
        if self.service_id is not None:
            condition &= Q(service_id=self.service_id)
        if self.channel:
            condition &= Q(channel=self.channel)
        return condition


@dataclass(frozen=True)
class CellTotals:
    counts: Counts
    completed: int
    ease_n: int
    ease_sum: int
    ease_agree: int
    entity_id: int


@dataclass(frozen=True)
class SatisfactionRow:
    key: str
    label: LocalizedText
    index: RolledUp
    ease: Ease
    change: Change | None  # against the previous period, from the raw counts


@dataclass(frozen=True)
class RankedCell:
    service: str
    service_label: LocalizedText
    channel: str
    channel_label: LocalizedText
    counts: Counts
    shrunk_satisfied: float


def cell_totals(scope: Scope, start: date, end: date) -> dict[CellKey, CellTotals]:
    """Each service × channel cell's sums over the days ``start``..``end``: two GROUP BYs over
    the aggregates, whatever the number of ratings."""
    window = Q(day__gte=start, day__lte=end) & scope.filter()
    ratings = (
        SatisfactionDay.objects.filter(window)
        .values("service_id", "channel", "entity_id")
        .annotate(
            satisfied_sum=Sum("satisfied"),
            neutral_sum=Sum("neutral"),
            dissatisfied_sum=Sum("dissatisfied"),
            ease_n_sum=Sum("ease_n"),
            ease_total=Sum("ease_sum"),
            ease_agree_sum=Sum("ease_agree"),
        )
        .order_by()
    )
    completed = {
        (row["service_id"], row["channel"]): (row["total"], row["entity_id"])
        for row in CompletedDay.objects.filter(window)
        .values("service_id", "channel", "entity_id")
        .annotate(total=Sum("completed"))
        .order_by()
    }
    cells: dict[CellKey, CellTotals] = {}
    for row in ratings:
        key = (row["service_id"], row["channel"])
        cells[key] = CellTotals(
            counts=Counts(row["satisfied_sum"], row["neutral_sum"], row["dissatisfied_sum"]),
            completed=completed.pop(key, (0, 0))[0],
            ease_n=row["ease_n_sum"],
            ease_sum=row["ease_total"],
            ease_agree=row["ease_agree_sum"],
            entity_id=row["entity_id"],
        )
    for key, (total, entity_id) in completed.items():  # transactions nobody rated still weigh
        cells[key] = CellTotals(Counts.zero(), total, 0, 0, 0, entity_id)
    return cells


def _group_key(group_by: GroupBy, key: CellKey, cell: CellTotals) -> str | int:
    if group_by is GroupBy.SERVICE:
        return key[0]
    if group_by is GroupBy.CHANNEL:
        return key[1]
    return cell.entity_id


def _summarise(cells: Iterable[CellTotals]) -> tuple[RolledUp, Ease]:
    cells = list(cells)
    index = rollup([WeightedCell(cell.counts, cell.completed) for cell in cells])
    ease_n = sum(cell.ease_n for cell in cells)
    return index, ease(ease_n, sum(cell.ease_sum for cell in cells), sum(cell.ease_agree for cell in cells))


def _labels(group_by: GroupBy, keys: Iterable[str | int]) -> dict[str | int, tuple[str, LocalizedText]]:
    keys = list(keys)
    if group_by is GroupBy.CHANNEL:
        return {key: (str(key), bilingual(Channel(str(key)).label)) for key in keys}
    model = Service if group_by is GroupBy.SERVICE else Entity
    return {
        pk: (code, LocalizedText(ar=name_ar, en=name_en))
        for pk, code, name_ar, name_en in model.objects.filter(pk__in=keys).values_list(
            "pk", "code", "name_ar", "name_en"
        )
    }


def satisfaction_by(group_by: GroupBy, period: Period, scope: Scope = Scope()) -> list[SatisfactionRow]:
    """The index per service, channel or entity for ``period``, each rolled up from its cells
    weighted by completed transactions, with ease beside and the change since the previous period."""
    current = cell_totals(scope, period.start, period.end)
    before_period = period.previous()
    before = cell_totals(scope, before_period.start, before_period.end)
    groups: dict[str | int, list[CellTotals]] = defaultdict(list)
    previous_groups: dict[str | int, list[CellTotals]] = defaultdict(list)
    for key, cell in current.items():
        groups[_group_key(group_by, key, cell)].append(cell)
    for key, cell in before.items():
        previous_groups[_group_key(group_by, key, cell)].append(cell)
    labels = _labels(group_by, groups)
    rows = []
    for group, cells in groups.items():
        if group not in labels:
            continue
        index, ease_figures = _summarise(cells)
        code, label = labels[group]
        rows.append(
            SatisfactionRow(
                key=code,
                label=label,
                index=index,
                ease=ease_figures,
                change=_change(previous_groups.get(group, []), index),
            )
        )
    rows.sort(key=lambda row: (-row.index.n, row.key))
    return rows


def overall(period: Period, scope: Scope = Scope()) -> SatisfactionRow:
    """The whole scope (an entity, or the government) in one row."""
    current = cell_totals(scope, period.start, period.end)
    before_period = period.previous()
    before = cell_totals(scope, before_period.start, before_period.end)
    index, ease_figures = _summarise(current.values())
    return SatisfactionRow(
        key="all",
        label=LocalizedText(ar="الكل", en="All"),
        index=index,
        ease=ease_figures,
        change=_change(before.values(), index),
    )


def _change(before_cells: Iterable[CellTotals], after: RolledUp) -> Change | None:
    """The change of the displayed (weighted) share since the previous period; None when either
    period had no responses."""
    before, _ease = _summarise(before_cells)
    return change_of_rollups(before, after) if before.n and after.n else None


def worst_cells(period: Period, scope: Scope = Scope(), limit: int = 10) -> list[RankedCell]:
    """Service × channel cells with enough responses to rank (n >= 100), worst first by their
    shrunk satisfied share; the Beta prior is fitted per channel over the whole government for
    the period, so a small entity's cells shrink toward what is usual, not toward themselves."""
    everyone = cell_totals(Scope(), period.start, period.end)
    mine = {key: cell for key, cell in everyone.items() if _in_scope(scope, key, cell)}
    by_channel: dict[str, dict[CellKey, Counts]] = defaultdict(dict)
    for key, cell in everyone.items():
        by_channel[key[1]][key] = cell.counts
    ranked: list[tuple[CellKey, float]] = []
    for cells in by_channel.values():
        prior = fit_beta_prior(list(cells.values()))
        ranked.extend(rank_cells({key: counts for key, counts in cells.items() if key in mine}, prior))
    ranked.sort(key=lambda row: (row[1], row[0]))
    ranked = ranked[:limit]
    services = {
        pk: (code, LocalizedText(ar=ar, en=en))
        for pk, code, ar, en in Service.objects.filter(pk__in={key[0] for key, _ in ranked}).values_list(
            "pk", "code", "name_ar", "name_en"
        )
    }
    return [
        RankedCell(
            service=services[key[0]][0],
            service_label=services[key[0]][1],
            channel=key[1],
            channel_label=bilingual(Channel(key[1]).label),
            counts=mine[key].counts,
            shrunk_satisfied=share,
        )
        for key, share in ranked
    ]


def _in_scope(scope: Scope, key: CellKey, cell: CellTotals) -> bool:
    return (
        (scope.entity_ids is None or cell.entity_id in scope.entity_ids)
        and (scope.service_id is None or key[0] == scope.service_id)
        and (not scope.channel or key[1] == scope.channel)
    )


@dataclass(frozen=True)
class TrendPoint:
    month: str
    index: RolledUp


def monthly_trend(scope: Scope, *, months: int = 12, today: date | None = None) -> list[TrendPoint]:
    """The rolled-up index of ``scope`` for each of the last ``months`` months, oldest first."""
    today = today or timezone.localdate()
    starts: list[date] = []
    month_start = today.replace(day=1)
    for _step in range(months):
        starts.append(month_start)
        month_start = (month_start - timedelta(days=1)).replace(day=1)
    starts.reverse()
    window = Q(day__gte=starts[0], day__lte=today) & scope.filter()
    # Summed per month in the database: Python sees months × cells, not days × cells.
    per_month: dict[tuple[date, CellKey], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for month, service_id, channel, satisfied, neutral, dissatisfied in (
        SatisfactionDay.objects.filter(window)
        .annotate(month=TruncMonth("day"))
        .values("month", "service_id", "channel")
        .annotate(Sum("satisfied"), Sum("neutral"), Sum("dissatisfied"))
        .values_list("month", "service_id", "channel", "satisfied__sum", "neutral__sum", "dissatisfied__sum")
        .order_by()
    ):
        per_month[(_as_date(month), (service_id, channel))][:3] = [satisfied, neutral, dissatisfied]
    for month, service_id, channel, completed in (
        CompletedDay.objects.filter(window)
        .annotate(month=TruncMonth("day"))
        .values("month", "service_id", "channel")
        .annotate(Sum("completed"))
        .values_list("month", "service_id", "channel", "completed__sum")
        .order_by()
    ):
        per_month[(_as_date(month), (service_id, channel))][3] = completed
    points = []
    for start in starts:
        cells = [
            WeightedCell(Counts(values[0], values[1], values[2]), values[3])
            for (month, _key), values in per_month.items()
            if month == start
        ]
        points.append(TrendPoint(month=f"{start:%Y-%m}", index=rollup(cells)))
    return points


def _as_date(month: date | datetime) -> date:
    return month.date() if isinstance(month, datetime) else month


def daily_dissatisfaction(service_id: int, channel: str, start: date, end: date) -> list[Counts]:
    """One Counts per day from ``start`` to ``end`` (empty days included), for the EWMA chart."""
    by_day = {
        day: Counts(satisfied, neutral, dissatisfied)
        for day, satisfied, neutral, dissatisfied in SatisfactionDay.objects.filter(
            service_id=service_id, channel=channel, day__gte=start, day__lte=end
        ).values_list("day", "satisfied", "neutral", "dissatisfied")
    }
    days = (end - start).days + 1
    return [by_day.get(start + timedelta(days=offset), Counts.zero()) for offset in range(days)]


def cells_rated_on(day: date) -> Sequence[CellKey]:
    """The service × channel cells with at least one rating on ``day``."""
    return list(SatisfactionDay.objects.filter(day=day).values_list("service_id", "channel").order_by())
