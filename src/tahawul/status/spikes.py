"""A spike of technical-problem cases about a channel proposes an incident, as failed checks do:
people often notice a problem the checks do not see (one page, one phone model, one kiosk hall).

A channel spikes when, in the last hour, at least TAHAWUL_STATUS_SPIKE_MIN_CASES technical problems
were reported about it, and so many would happen by chance less than once in a thousand hours at
its usual rate (a Poisson tail; the usual rate is the mean per hour over the 28 days before). The
spike points at the component that is the channel itself (COMPONENT_OF_CHANNEL), unless an
incident about any component serving the channel already explains the reports (CHANNELS_OF_COMPONENT):
an incident about the API, payment or SMS links the same reports, and its reporters are told.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.feedback.models import Case, CaseKind
from tahawul.status.incidents import is_covered, propose_incident
from tahawul.status.models import CHANNELS_OF_COMPONENT, COMPONENT_OF_CHANNEL, Component, Incident, Origin, State
from tahawul.status.recording import locked_health
from tahawul.status.wording import in_both_languages

WINDOW = timedelta(hours=1)
BASELINE = timedelta(days=28)
SPIKE_CHANCE = 0.001


def poisson_tail(count: int, rate: float) -> float:
    """P(X ≥ count) for X ~ Poisson(rate), each term in log space so that a busy channel's large
    rate does not underflow: the terms below ``count`` when that is the shorter sum, else those from it."""
    if count <= 0:
        return 1.0
    if rate <= 0:
        return 0.0

    def term(k: int) -> float:
        return math.exp(-rate + k * math.log(rate) - math.lgamma(k + 1))

    if count <= rate:
        return max(0.0, 1.0 - sum(term(k) for k in range(count)))
    total = 0.0
    for k in itertools.count(count):
        total += term(k)
        if term(k) < total * 1e-12:  # past the mean the terms only shrink
            break
    return min(total, 1.0)


@dataclass(frozen=True)
class Spike:
    channel: str
    component: str
    count: int
    usual_per_hour: float
    first_at: datetime


def _technical(since: datetime, until: datetime) -> dict[str, tuple[int, datetime | None]]:
    """Channel → (technical problems reported after ``since`` until ``until`` included, the first one's time)."""
    rows = (
        Case.objects.filter(
            kind=CaseKind.TECHNICAL,
            channel_concerned__in=COMPONENT_OF_CHANNEL.keys(),
            created_at__gt=since,
            created_at__lte=until,
        )
        .values("channel_concerned")
        .annotate(count=Count("pk"), first=Min("created_at"))
        .order_by()
    )
    return {row["channel_concerned"]: (row["count"], row["first"]) for row in rows}


def find_spikes(now: datetime) -> list[Spike]:
    """The channels whose technical-problem reports spike in the hour before ``now``."""
    recent = _technical(now - WINDOW, now)
    if not any(count >= settings.TAHAWUL_STATUS_SPIKE_MIN_CASES for count, _first in recent.values()):
        return []
    before = _technical(now - WINDOW - BASELINE, now - WINDOW)
    hours = BASELINE / WINDOW
    spikes = []
    for channel, component in COMPONENT_OF_CHANNEL.items():
        count, first = recent.get(channel, (0, None))
        usual = before.get(channel, (0, None))[0] / hours
        if count >= settings.TAHAWUL_STATUS_SPIKE_MIN_CASES and first and poisson_tail(count, usual) < SPIKE_CHANCE:
            spikes.append(
                Spike(channel=channel, component=component, count=count, usual_per_hour=usual, first_at=first)
            )
    return spikes


def _serving(channel: str) -> list[str]:
    """The components whose trouble people report as a problem with ``channel``."""
    return [component for component, channels in CHANNELS_OF_COMPONENT.items() if channel in channels]


def watch_case_spikes(*, now: datetime | None = None) -> list[Incident]:
    """Propose an incident for each channel whose technical-problem reports spike, unless an
    incident about a component serving the channel already covers the spike; the reports are
    linked to it. Idempotent (a periodic task). Returns the incidents proposed."""
    now = now or timezone.now()
    proposed = []
    for spike in find_spikes(now):
        label = Component(spike.component).label
        with transaction.atomic():
            locked_health(spike.component)
            if is_covered(_serving(spike.channel), since=spike.first_at):
                continue
            incident = propose_incident(
                component=spike.component,
                origin=Origin.CASES,
                impact=State.DEGRADED,
                started_at=spike.first_at,
                title=in_both_languages(_("%(component)s: many reports of technical problems"), component=label),
                note=in_both_languages(
                    _("%(count)s technical problems were reported in the last hour; usually %(usual)s an hour."),
                    count=spike.count,
                    usual=f"{spike.usual_per_hour:.1f}",
                ),
            )
        if incident is not None:
            proposed.append(incident)
    return proposed
