"""What each entity's channels cost per quarter, as its administrator would enter it: staff and
running costs in fils, mostly proportional to the transactions the channel handled (so the cost
per transaction is the same at every ``--scale``), plus the fixed cost of running the portal,
the app and the kiosks. Believable BHD figures (the proportions of the UK's published costs per
channel): a counter transaction costs 3 to 5 dinars, a call 1.2 to 2.2, an online one 0.1 to 0.3."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from tahawul.demo.bulk import insert_rows
from tahawul.demo.history_calendar import add_months, quarter_of
from tahawul.demo.history_volumes import FULL_SIZE_SCALE
from tahawul.performance.models import ChannelCost

# Fils per transaction: (staff low, staff high, running low, running high).
PER_TRANSACTION = {
    "counter": (2_500, 4_000, 500, 1_000),
    "call_centre": (1_000, 1_800, 200, 400),
    "post": (1_500, 2_500, 800, 1_200),
    "kiosk": (60, 150, 300, 600),
    "web": (40, 100, 20, 60),
    "mobile": (40, 100, 30, 80),
    "open311": (20, 50, 20, 50),
}
# Fils per quarter for the whole catalogue at full size, shared by the entities: hosting,
# licences, the app stores, the kiosks' upkeep.
FIXED_RUNNING = {"web": 60_000_000, "mobile": 45_000_000, "kiosk": 20_000_000}


def make_costs(
    rng: random.Random,
    *,
    completed: Mapping[tuple[int, str, date], int],
    offline: Mapping[tuple[int, str, date], int],
    entity_of: Mapping[int, int],
    admins: Mapping[int, int],
    scale: float,
    cutoff: datetime,
) -> int:
    """ChannelCost rows for every entity, channel and quarter with transactions; returns how many.
    ``completed`` is keyed by (service, channel, day), ``offline`` by (service, channel, month)."""
    volume: dict[tuple[int, str, date], int] = defaultdict(int)
    for (service_id, channel, day), amount in completed.items():
        volume[(entity_of[service_id], channel, quarter_of(day))] += amount
    for (service_id, channel, month), amount in offline.items():
        volume[(entity_of[service_id], channel, quarter_of(month))] += amount
    units = {
        (entity_id, channel): (rng.uniform(*PER_TRANSACTION[channel][:2]), rng.uniform(*PER_TRANSACTION[channel][2:]))
        for entity_id, channel in sorted({(entity_id, channel) for entity_id, channel, _quarter in volume})
    }
    rows = []
    for (entity_id, channel, quarter), amount in sorted(volume.items()):
        staff_unit, running_unit = units[(entity_id, channel)]
        drift = rng.uniform(0.95, 1.05)
        fixed = FIXED_RUNNING.get(channel, 0) * scale / FULL_SIZE_SCALE / max(len(set(entity_of.values())), 1)
        entered = datetime.combine(add_months(quarter, 3) + timedelta(days=14), time(7), tzinfo=UTC)
        rows.append(
            (
                entity_id,
                channel,
                quarter,
                round(amount * staff_unit * drift),
                round(amount * running_unit * drift + fixed),
                admins.get(entity_id),
                min(entered, cutoff),
            )
        )
    return insert_rows(
        ChannelCost,
        ("entity_id", "channel", "quarter", "staff_fils", "running_fils", "entered_by_id", "entered_at"),
        rows,
    )
