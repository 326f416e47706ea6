"""How many transactions each service had each month, and where: the simulator's model of
a government moving its services online.

Each service's monthly transactions follow its ``annual_volume`` (× scale / 50: ``--scale 50``
is the whole catalogue at full size), a mild season and growth. Of those, a share is handled in
Tahawul (``digital_share``) and the rest on paper (OfflineVolume). That share is low before the
service's plan launches its new version, and climbs towards 75–92 % in the months after; when
the counter is retired, paper nearly disappears. Within Tahawul, the channel mix moves from the
counter (assisted digital) to the web and the phone as the launch settles in.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from tahawul.core.choices import Channel
from tahawul.demo.history_plans import ServicePlan
from tahawul.demo.history_services import ServiceFacts

FULL_SIZE_SCALE = 50
TAHAWUL_CHANNELS = (
    Channel.WEB.value,
    Channel.MOBILE.value,
    Channel.KIOSK.value,
    Channel.COUNTER.value,
    Channel.CALL_CENTRE.value,
    Channel.OPEN311.value,
)
# Channel weights within Tahawul before a launch and once it has settled in.
WEIGHT_BEFORE = {"web": 0.6, "mobile": 0.25, "kiosk": 0.08, "counter": 1.0, "call_centre": 0.25, "open311": 0.0}
WEIGHT_AFTER = {"web": 1.0, "mobile": 1.4, "kiosk": 0.2, "counter": 0.3, "call_centre": 0.1, "open311": 0.03}
OFFLINE_SPLIT = (("counter", 0.78), ("call_centre", 0.17), ("post", 0.05))
SETTLING_MONTHS = 4.0  # take-up covers about two thirds of its rise in this many months after a launch
PAPER_LEFT_AFTER_RETIREMENT = 0.3
# A service that takes no applications (information only) counts its readers as its volume; the
# few who still ask at a counter or call are its transactions on paper.
ASKED_IN_PERSON = 0.15


@dataclass(frozen=True)
class Profile:
    """One service's path: its share in Tahawul before (``low``) and after (``high``) its
    launch, the launch and counter retirement dates (None: not in the simulated past)."""

    monthly: float  # transactions a month at this scale, before season and growth
    low: float
    high: float
    launched_on: date | None
    retired_on: date | None
    online: bool  # offers a channel other than the counter and the call centre
    season_phase: float


def profiles(
    rng: random.Random, facts: list[ServiceFacts], plans: dict[int, ServicePlan], scale: float
) -> dict[int, Profile]:
    made = {}
    for item in facts:
        plan = plans.get(item.service_id)
        online = any(channel not in {"counter", "call_centre"} for channel in item.channels)
        if not item.takes_applications:
            low = high = 0.0
        elif not online:  # counter-only: staff enter part of the cases into Tahawul, the rest on paper
            low = high = rng.uniform(0.3, 0.55)
        elif plan is None:  # online for long already, outside this plan
            low = high = rng.uniform(0.5, 0.8)
        else:
            low, high = rng.uniform(0.1, 0.3), rng.uniform(0.75, 0.92)
        made[item.service_id] = Profile(
            monthly=max(item.annual_volume, 1_200)
            * scale
            / FULL_SIZE_SCALE
            / 12
            * (1 if item.takes_applications else ASKED_IN_PERSON),
            low=low,
            high=high,
            launched_on=plan.launched_on if plan else None,
            retired_on=plan.counter_retired_on if plan else None,
            online=online,
            season_phase=rng.random() * 2 * math.pi,
        )
    return made


def progress(profile: Profile, day: date) -> float:
    """0 before the launch, rising towards 1 after it."""
    if profile.launched_on is None or day < profile.launched_on:
        return 0.0
    return 1 - math.exp(-(day - profile.launched_on).days / 30.4 / SETTLING_MONTHS)


def digital_share(profile: Profile, day: date, months_in: int) -> float:
    drift = 0.003 * months_in if profile.low == profile.high else 0.0
    share = min(profile.low + drift + (profile.high - profile.low) * progress(profile, day), 0.97)
    if profile.retired_on is not None and day >= profile.retired_on:
        share = 1 - (1 - share) * PAPER_LEFT_AFTER_RETIREMENT
    return share


def transactions(rng: random.Random, profile: Profile, month: date, months_in: int) -> float:
    season = 1 + 0.08 * math.sin(2 * math.pi * month.month / 12 + profile.season_phase)
    return profile.monthly * season * (1 + 0.03 * months_in / 12) * rng.uniform(0.92, 1.08)


def channel_weights(profile: Profile, channels: tuple[str, ...], day: date) -> dict[str, float]:
    settled = progress(profile, day) if profile.launched_on else (0.6 if profile.low > 0.45 else 0.1)
    weights = {}
    for channel in TAHAWUL_CHANNELS:
        if channel in channels:
            weight = WEIGHT_BEFORE[channel] + (WEIGHT_AFTER[channel] - WEIGHT_BEFORE[channel]) * settled
            if channel == "counter" and profile.retired_on is not None and day >= profile.retired_on:
                weight *= 0.5
            if weight > 0:
                weights[channel] = weight
    return weights


def whole(rng: random.Random, amount: float) -> int:
    """``amount`` rounded down or up by chance, so that many small cells keep their total."""
    floor = int(amount)
    return floor + (rng.random() < amount - floor)
