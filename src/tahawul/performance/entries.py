"""Reads behind the entity admin's entry screens: the figures entered so far, with what they
mean (a quarter's costs next to the cost per transaction they give), and the version tokens
the writes check to tell two admins saving at once apart."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils import timezone

from tahawul.applications.models import ServiceMonth
from tahawul.catalog.models import Service
from tahawul.core.text import LocalizedText, bilingual
from tahawul.performance.costs import channel_cost_per_transaction, round_half_up
from tahawul.performance.models import ChannelCost, CostChannel, OfflineChannel, OfflineVolume
from tahawul.performance.spans import MonthSpan, add_months, quarter_of


def _digest(rows: list[tuple[object, ...]]) -> str:
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:16]


def cost_version(*, entity_id: int, quarter: date) -> str:
    """A token that changes whenever any of the entity's costs for ``quarter`` changes."""
    return _digest(
        list(
            ChannelCost.objects.filter(entity_id=entity_id, quarter=quarter).values_list(
                "channel", "staff_fils", "running_fils"
            )
        )
    )


def volume_version(*, entity_id: int, month: date) -> str:
    """A token that changes whenever any of the entity's offline volumes for ``month`` changes."""
    return _digest(
        list(
            OfflineVolume.objects.filter(entity_id=entity_id, month=month).values_list(
                "service_id", "channel", "completed"
            )
        )
    )


@dataclass(frozen=True)
class CostLine:
    channel: str
    label: LocalizedText
    staff_fils: int | None  # None: not entered for the quarter
    running_fils: int | None
    transactions: int  # the entity's completed transactions on the channel in the quarter
    quarter_cost_per_transaction_fils: int | None
    rolling_cost_per_transaction_fils: int | None  # the 12 months ending with the quarter

    @property
    def total_fils(self) -> int | None:
        if self.staff_fils is None or self.running_fils is None:
            return None
        return self.staff_fils + self.running_fils


def quarter_costs(*, entity_id: int, quarter: date) -> list[CostLine]:
    """One line per cost channel for the entity's ``quarter``: what is entered and the cost per
    transaction it gives, for the quarter alone and over the 12 months ending with it (or with
    the current month, for the current quarter). Three queries."""
    last_month = min(add_months(quarter, 2), timezone.localdate().replace(day=1))
    window = MonthSpan.ending(last_month)
    months = {"month__gte": window.first, "month__lte": window.last}
    volumes: dict[tuple[int, str, date], int] = defaultdict(int)
    for model in (ServiceMonth, OfflineVolume):
        for channel, month, completed in (
            model.objects.filter(entity_id=entity_id, **months)
            .values("channel", "month")
            .annotate(total=Sum("completed"))
            .values_list("channel", "month", "total")
            .order_by()
        ):
            volumes[(entity_id, channel, month)] += completed
    entered = {
        (row.channel, row.quarter): row
        for row in ChannelCost.objects.filter(
            entity_id=entity_id, quarter__gte=quarter_of(window.first), quarter__lte=quarter
        )
    }
    costs = {(entity_id, channel, day): row.total_fils for (channel, day), row in entered.items()}
    rolling = channel_cost_per_transaction(window=window, costs=costs, entity_volumes=volumes)
    quarter_only = channel_cost_per_transaction(
        window=MonthSpan(quarter, last_month) if last_month >= quarter else MonthSpan(quarter, quarter),
        costs={key: value for key, value in costs.items() if key[2] == quarter},
        entity_volumes=volumes,
    )
    lines = []
    for channel in CostChannel:
        row = entered.get((channel.value, quarter))
        in_quarter = sum(volumes.get((entity_id, channel.value, add_months(quarter, step)), 0) for step in range(3))
        quarter_rate = quarter_only.get((entity_id, channel.value))
        rolling_rate = rolling.get((entity_id, channel.value))
        lines.append(
            CostLine(
                channel=channel.value,
                label=bilingual(channel.label),
                staff_fils=None if row is None else row.staff_fils,
                running_fils=None if row is None else row.running_fils,
                transactions=in_quarter,
                quarter_cost_per_transaction_fils=None if quarter_rate is None else round_half_up(quarter_rate),
                rolling_cost_per_transaction_fils=None if rolling_rate is None else round_half_up(rolling_rate),
            )
        )
    return lines


@dataclass(frozen=True)
class VolumeLine:
    service_id: int
    code: str
    name: LocalizedText
    in_tahawul: int  # completed in Tahawul in the month, every channel
    offline: dict[str, int | None]  # offline channel → the count entered (None: not entered)


def month_volumes(*, entity_id: int, month: date) -> list[VolumeLine]:
    """One line per service of the entity, with its offline counts entered for ``month`` and
    what it completed in Tahawul beside them. Three queries."""
    entered: dict[int, dict[str, int]] = defaultdict(dict)
    for service_id, channel, completed in OfflineVolume.objects.filter(entity_id=entity_id, month=month).values_list(
        "service_id", "channel", "completed"
    ):
        entered[service_id][channel] = completed
    in_tahawul = dict(
        ServiceMonth.objects.filter(entity_id=entity_id, month=month)
        .values("service_id")
        .annotate(total=Sum("completed"))
        .values_list("service_id", "total")
        .order_by()
    )
    return [
        VolumeLine(
            service_id=pk,
            code=code,
            name=LocalizedText(ar=name_ar, en=name_en),
            in_tahawul=in_tahawul.get(pk, 0),
            offline={channel.value: entered[pk].get(channel.value) for channel in OfflineChannel},
        )
        for pk, code, name_ar, name_en in Service.objects.filter(entity_id=entity_id)
        .order_by("code")
        .values_list("pk", "code", "name_ar", "name_en")
    ]
