"""``simulate``: a believable, repeatable history for the demo government (docs/simulator.md).

Transformation plans for every entity; then, month by month, applications on each channel with
digital take-up rising as the plans' launches are done, drafts abandoned, processing times with
SLA breaches, the transactions that stayed on paper and what each channel cost; ratings,
comments and cases in proportion; and every counter the dashboards read, equal to what the rows
say. Written in bulk, in one transaction.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tahawul.applications.models import Application, CompletedDay, Event, ProcessingMonth, ServiceMonth
from tahawul.demo.bulk import add_to_cells, bulk_load_settings, indexes_built_afterwards
from tahawul.demo.history_applications import make_applications
from tahawul.demo.history_calendar import Clock, add_months
from tahawul.demo.history_costs import make_costs
from tahawul.demo.history_feedback import make_feedback
from tahawul.demo.history_people import beneficiary_pool, simulated_history_exists, staff_of_entities
from tahawul.demo.history_plans import make_plans
from tahawul.demo.history_services import service_facts
from tahawul.demo.history_volumes import profiles
from tahawul.feedback.models import Rating
from tahawul.kiosks.models import Kiosk
from tahawul.plans.models import Plan

MOST_MONTHS = 120
MOST_SCALE = 500.0
APPLICATIONS_PER_BENEFICIARY = 8  # how many applications the pool's average person makes
POOL_LIMITS = (50, 250_000)


class HistoryExists(Exception):
    """The database already holds a simulated history or plans: a second would collide."""


@dataclass(frozen=True)
class SimulatedHistory:
    first_month: date
    last_month: date
    plans: int
    plan_items: int
    milestones: int
    plan_versions: int
    plan_events: int
    beneficiaries: int
    applications: int
    drafts: int
    still_open: int
    application_events: int
    offline_volumes: int
    channel_costs: int
    service_months: int
    processing_months: int
    completed_days: int
    ratings: int
    satisfaction_days: int
    cases: int
    case_events: int
    seconds: float
    cpu_seconds: float

    @property
    def rows(self) -> int:
        """Every row written (users and memberships aside)."""
        return sum(
            (
                self.plans,
                self.plan_items,
                self.milestones,
                self.plan_versions,
                self.plan_events,
                self.applications,
                self.application_events,
                self.offline_volumes,
                self.channel_costs,
                self.service_months,
                self.processing_months,
                self.completed_days,
                self.ratings,
                self.satisfaction_days,
                self.cases,
                self.case_events,
            )
        )

    def summary(self) -> str:
        """What ``simulate`` and ``demo load`` print: the counts and the time taken."""
        return (
            f"simulated {self.first_month:%Y-%m} to {self.last_month:%Y-%m} in {self.seconds:.1f} s "
            f"({self.cpu_seconds:.1f} s of CPU), {self.rows:,} rows:\n"
            f"  plans {self.plans}, items {self.plan_items}, milestones {self.milestones}, "
            f"versions {self.plan_versions}, plan events {self.plan_events}\n"
            f"  applications {self.applications:,} (abandoned drafts {self.drafts:,}, "
            f"still open {self.still_open:,}) by {self.beneficiaries:,} beneficiaries, "
            f"application events {self.application_events:,}\n"
            f"  service months {self.service_months:,}, processing months {self.processing_months:,}, "
            f"completed days {self.completed_days:,}, offline volumes {self.offline_volumes:,}, "
            f"channel costs {self.channel_costs:,}\n"
            f"  ratings {self.ratings:,}, satisfaction days {self.satisfaction_days:,}, "
            f"cases {self.cases:,}, case events {self.case_events:,}"
        )


def simulate(
    *,
    months: int = 24,
    seed: int = 7,
    scale: float = 1.0,
    today: date | None = None,
    event_months: int = 1,
    with_feedback: bool = True,
) -> SimulatedHistory:
    """Write ``months`` months of history ending with last month (closings run on to yesterday)
    for the demo catalogue loaded in the database. ``scale`` 50 is the catalogue's annual
    volumes in full; 1.0 is a fiftieth of them (~200,000 applications over 24 months).

    The same seed, catalogue and ``today`` write the same rows, except references (random as
    everywhere) and ids. Raises ValueError for months outside 1-120 or scale outside (0, 500],
    and HistoryExists when a simulated history or any plan is already there. One transaction.
    """
    if not 1 <= months <= MOST_MONTHS or not 0 < scale <= MOST_SCALE or event_months < 0:
        raise ValueError("months must be 1 to 120, scale above 0 and at most 500, event months 0 or more")
    if simulated_history_exists() or Plan.objects.exists():
        raise HistoryExists()
    began, began_cpu = time.monotonic(), time.process_time()
    rng = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
    today = today or timezone.localdate()
    first = add_months(today.replace(day=1), -months)
    month_list = [add_months(first, number) for number in range(months)]
    clock = Clock(first - timedelta(days=7), today + timedelta(days=400))
    with bulk_load_settings(), transaction.atomic(), indexes_built_afterwards(Application, Event, Rating):
        facts = service_facts()
        staff = staff_of_entities()
        plans = make_plans(rng, facts=facts, staff=staff, today=today)
        paths = profiles(rng, facts, plans.by_service, scale)
        expected = sum(path.monthly * (path.high or 0) for path in paths.values()) * months * 1.2
        pool_size = min(max(int(expected / APPLICATIONS_PER_BENEFICIARY), POOL_LIMITS[0]), POOL_LIMITS[1])
        pool = beneficiary_pool(rng, pool_size)
        kiosks = list(Kiosk.objects.filter(active=True).order_by("code").values_list("code", flat=True))
        written = make_applications(
            rng,
            facts=facts,
            profiles=paths,
            staff=staff,
            pool=pool,
            kiosks=kiosks,
            months=month_list,
            clock=clock,
            today=today,
            event_months=event_months,
        )
        counts = written.counts
        feedback = (
            make_feedback(rng, counts=counts, months=month_list, clock=clock, today=today) if with_feedback else None
        )
        entity_of = {item.service_id: item.entity_id for item in facts}
        last_day = today - timedelta(days=1)
        service_months = add_to_cells(
            ServiceMonth,
            ("service_id", "channel", "month"),
            counts.service_months,
            entity_of,
            ("month", first, last_day),
        )
        processing_months = add_to_cells(
            ProcessingMonth,
            ("service_id", "channel", "month", "working_days"),
            {key: {"completed": amount} for key, amount in counts.processing.items()},
            entity_of,
            ("month", first, last_day),
        )
        completed_days = add_to_cells(
            CompletedDay,
            ("service_id", "channel", "day"),
            {key: {"completed": amount} for key, amount in counts.completed_days.items()},
            entity_of,
            ("day", first, last_day),
        )
        costs = make_costs(
            rng,
            completed=counts.completed_days,
            offline=counts.offline,
            entity_of=entity_of,
            admins=staff.admins,
            scale=scale,
            cutoff=clock.at(today, 0),
        )
    return SimulatedHistory(
        first_month=first,
        last_month=month_list[-1],
        plans=plans.plans,
        plan_items=plans.items,
        milestones=plans.milestones,
        plan_versions=plans.versions,
        plan_events=plans.events,
        beneficiaries=len(pool),
        applications=written.applications,
        drafts=written.drafts,
        still_open=written.still_open,
        application_events=written.events,
        offline_volumes=written.offline_rows,
        channel_costs=costs,
        service_months=service_months,
        processing_months=processing_months,
        completed_days=completed_days,
        ratings=feedback.ratings if feedback else 0,
        satisfaction_days=feedback.satisfaction_days if feedback else 0,
        cases=feedback.cases if feedback else 0,
        case_events=feedback.case_events if feedback else 0,
        seconds=time.monotonic() - began,
        cpu_seconds=time.process_time() - began_cpu,
    )
