"""Cost per transaction, apportioned by channel mix, in exact fractions of a fil.

An entity's cost of a channel for a quarter is spread evenly over the quarter's three months.
Over a rolling window, the cost per transaction of an (entity, channel) is the cost of the
window's months that have a cost entered, divided by the entity's transactions on that channel
in those same months. A group of cells (a service, an entity, the government) then costs the
transaction-weighted mean of its (entity, channel) figures: a service done mostly at the counter
costs what the entity's counter costs. See docs/kpis.md."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from tahawul.performance.spans import MonthSpan, quarter_of

CellMonth = tuple[int, str, date]  # (entity id, channel, month or quarter first day)
MONTHS_PER_QUARTER = 3


@dataclass(frozen=True)
class CostFigure:
    fils: int | None  # rounded half up to a whole fil; None when no transaction has a known cost
    coverage: float | None  # share of the group's transactions in months with a cost entered


def round_half_up(value: Fraction) -> int:
    return int((2 * value.numerator + value.denominator) // (2 * value.denominator))


def channel_cost_per_transaction(
    *, window: MonthSpan, costs: Mapping[CellMonth, int], entity_volumes: Mapping[CellMonth, int]
) -> dict[tuple[int, str], Fraction]:
    """Exact cost per transaction of every (entity, channel) with a cost and at least one
    transaction in the window's costed months."""
    cost: dict[tuple[int, str], Fraction] = defaultdict(Fraction)
    volume: dict[tuple[int, str], int] = defaultdict(int)
    cells = {(entity, channel) for entity, channel, _quarter in costs}
    for entity, channel in cells:
        for month in window:
            quarter_cost = costs.get((entity, channel, quarter_of(month)))
            if quarter_cost is None:
                continue
            cost[(entity, channel)] += Fraction(quarter_cost, MONTHS_PER_QUARTER)
            volume[(entity, channel)] += entity_volumes.get((entity, channel, month), 0)
    return {cell: cost[cell] / volume[cell] for cell in cells if volume[cell]}


def apportioned_cost(
    *,
    window: MonthSpan,
    costs: Mapping[CellMonth, int],
    entity_volumes: Mapping[CellMonth, int],
    group_volumes: Mapping[CellMonth, int],
    rates: Mapping[tuple[int, str], Fraction] | None = None,
) -> CostFigure:
    """The cost per transaction of a group whose transactions per (entity, channel, month) are
    ``group_volumes``: Σ cpt(e, c) × n(e, c) / Σ n(e, c) over the costed months of ``window``.
    ``entity_volumes`` are all the transactions of the entities involved (every service), the
    denominator of each cpt(e, c). ``rates``, when given, are those cpt(e, c) already worked
    out for the same window (rows of one table share them)."""
    per_cell = (
        rates
        if rates is not None
        else channel_cost_per_transaction(window=window, costs=costs, entity_volumes=entity_volumes)
    )
    weighted = Fraction(0)
    costed = 0
    everything = 0
    for (entity, channel, month), count in group_volumes.items():
        if month not in window or not count:
            continue
        everything += count
        rate = per_cell.get((entity, channel))
        if rate is None or (entity, channel, quarter_of(month)) not in costs:
            continue
        weighted += rate * count
        costed += count
    return CostFigure(
        fils=round_half_up(weighted / costed) if costed else None,
        coverage=costed / everything if everything else None,
    )
