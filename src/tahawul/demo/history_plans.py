"""Every demo entity's transformation plan: items for most of its services, milestones with the
slippage entities really show (some done late, some late and still open, some on track), the
authority's approval with its version snapshot, and the events that led there.

Items whose launch is done describe the move that produced the service's current definition
(baseline a stage lower, offline channels, an extra step, document and visit); items still to
launch start from the current definition and aim a stage higher. The simulator then makes
take-up rise after each done launch. Written with ``bulk_create``: a few hundred rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tahawul.core.choices import Channel
from tahawul.demo.history_people import Staff
from tahawul.demo.history_services import ServiceFacts
from tahawul.plans.models import (
    STAGE_ORDER,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Plan,
    PlanEvent,
    PlanItem,
    PlanStatus,
    PlanVersion,
    Stage,
)
from tahawul.plans.snapshots import item_state, milestone_state, plan_snapshot

STAGES = list(STAGE_ORDER)
KINDS = list(MilestoneKind.values)
# Days before the planned launch each milestone is due (retiring the counter comes after it).
LEAD_DAYS = {"analysis": 270, "reengineering": 180, "build": 110, "test": 45, "launch": 0, "retire_counter": -120}
IN_PLAN_SHARE = 0.85
# How late an entity's milestones usually run, in days: (share of entities, low, high).
SLIPPAGE = ((0.3, 0, 12), (0.45, 15, 60), (0.25, 60, 150))
OTHER_STATUSES = (PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.DRAFT)


@dataclass(frozen=True)
class ServicePlan:
    """What the plan says happened to a service: when its new version went live, when its
    counter closed (None: not yet, or not planned)."""

    launched_on: date | None
    counter_retired_on: date | None


@dataclass(frozen=True)
class PlansWritten:
    plans: int
    items: int
    milestones: int
    versions: int
    events: int
    by_service: dict[int, ServicePlan]


def make_plans(rng: random.Random, *, facts: list[ServiceFacts], staff: Staff, today: date) -> PlansWritten:
    """A plan for ``today.year - 1`` to ``today.year + 1`` per entity that has services."""
    first_year, last_year = today.year - 1, today.year + 1
    by_entity: dict[int, list[ServiceFacts]] = {}
    for item in facts:
        by_entity.setdefault(item.entity_id, []).append(item)
    entity_ids = sorted(by_entity)
    # Most approved; one each waiting for the authority, sent back, and still being drafted.
    statuses = [*OTHER_STATUSES, *[PlanStatus.APPROVED] * max(len(entity_ids) - len(OTHER_STATUSES), 0)]
    rng.shuffle(statuses)
    opened = datetime.combine(
        date(first_year, 1, 1) - timedelta(days=40), time(9), tzinfo=timezone.get_current_timezone()
    )
    plans = Plan.objects.bulk_create(
        [
            Plan(entity_id=entity_id, first_year=first_year, last_year=last_year, status=status, created_at=opened)
            for entity_id, status in zip(entity_ids, statuses, strict=False)
        ]
    )
    drafts: list[tuple[Plan, ServiceFacts, dict[str, Any], list[dict[str, Any]]]] = []
    for plan in plans:
        slip_low, slip_high = _entity_slippage(rng)
        for position, item in enumerate(by_entity[plan.entity_id]):
            has_earlier = item.earlier is not None and item.earlier.takes_applications
            if not has_earlier and (STAGE_ORDER[item.maturity] == len(STAGES) - 1 or rng.random() > IN_PLAN_SHARE):
                continue  # already connected, or not in this plan
            fields, planned = _item(rng, item, plan, position, (slip_low, slip_high), today)
            drafts.append((plan, item, fields, planned))
    items = PlanItem.objects.bulk_create([PlanItem(plan=plan, **fields) for plan, _item, fields, _ms in drafts])
    milestones: list[Milestone] = []
    by_service: dict[int, ServicePlan] = {}
    for plan_item, (plan, facts_of, _fields, planned) in zip(items, drafts, strict=True):
        owner = staff.admins.get(plan.entity_id)
        milestones += [Milestone(item=plan_item, owner_id=owner, **milestone) for milestone in planned]
        done = {milestone["kind"]: milestone["done_on"] for milestone in planned}
        by_service[facts_of.service_id] = ServicePlan(done["launch"], done["retire_counter"])
    versions, events = _approvals(plans, items, milestones, staff)
    return PlansWritten(len(plans), len(items), len(milestones), versions, events, by_service)


def _entity_slippage(rng: random.Random) -> tuple[int, int]:
    draw, seen = rng.random(), 0.0
    for share, low, high in SLIPPAGE:
        seen += share
        if draw < seen:
            return low, high
    return SLIPPAGE[-1][1:]


def _item(
    rng: random.Random,
    item: ServiceFacts,
    plan: Plan,
    position: int,
    slippage: tuple[int, int],
    today: date,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    start, end = date(plan.first_year, 1, 1), date(plan.last_year, 12, 31)
    earliest, latest = start + timedelta(days=LEAD_DAYS["analysis"] + 20), date(plan.last_year, 8, 31)
    delay = rng.uniform(*slippage)
    if not item.takes_applications:  # no version to apply with yet: its launch is still to come
        earliest = max(earliest, today + timedelta(days=45))
    elif item.earlier is not None:  # its current version replaced the earlier one months ago
        earliest = max(earliest, today - timedelta(days=420))
        latest, delay = max(today - timedelta(days=200), earliest), rng.uniform(0, 8)
    launch = earliest + timedelta(days=int(rng.random() * max((latest - earliest).days, 1)))
    milestones = _milestones(rng, item, launch, delay, (start, end), today)
    launched = milestones[KINDS.index("launch")]["done_on"] is not None
    fields = {"service_id": item.service_id, "position": position, "target_date": milestones[4]["due_on"]}
    return fields | _baseline_and_target(item, launched), milestones


def _milestones(
    rng: random.Random, item: ServiceFacts, launch: date, delay: float, years: tuple[date, date], today: date
) -> list[dict[str, Any]]:
    """The six milestones around a launch planned on ``launch``, each slipping a little more than
    the one before (``delay`` days by the last); done only when done before today and after the
    one before it."""
    start, end = years
    milestones: list[dict[str, Any]] = []
    previous_done = start
    for number, kind in enumerate(KINDS):
        due = min(max(launch - timedelta(days=LEAD_DAYS[kind]), start + timedelta(days=14)), end)
        slip = int(delay * (number + 1) / len(KINDS) + rng.gauss(0, 6))
        done_on: date | None = max(due + timedelta(days=slip), previous_done)
        if kind == "launch" and not item.takes_applications:
            done_on = None
        if done_on is None or done_on >= today or (milestones and milestones[-1]["done_on"] is None):
            done_on = None
            late = due < today
            status = (
                (MilestoneStatus.BLOCKED if rng.random() < 0.2 else MilestoneStatus.IN_PROGRESS)
                if late
                else MilestoneStatus.IN_PROGRESS
                if milestones and milestones[-1]["done_on"] is not None
                else MilestoneStatus.NOT_STARTED
            )
        else:
            status = MilestoneStatus.DONE
            previous_done = done_on
        milestones.append(
            {
                "kind": kind,
                "due_on": due,
                "status": status,
                "done_on": done_on,
                "evidence": _evidence(kind, item.code) if done_on else "",
            }
        )
    return milestones


def _baseline_and_target(item: ServiceFacts, launched: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if launched and item.earlier is not None:  # the earlier version is the baseline, exactly
        before = item.earlier
        fields |= {
            "baseline_stage": before.maturity,
            "baseline_channels": list(before.channels),
            "baseline_steps": before.steps,
            "baseline_documents": before.documents,
            "baseline_visits": before.visits,
            "baseline_days": before.sla_days or None,
            "baseline_fee_fils": before.fee_fils or None,
            "target_stage": item.maturity,
            "target_channels": list(item.channels),
        }
    elif launched:  # the move that made the current definition
        below = STAGES[max(STAGE_ORDER[item.maturity] - 1, 0)]
        offline = [channel for channel in item.channels if channel in {Channel.COUNTER, Channel.CALL_CENTRE}]
        fields |= {
            "baseline_stage": below,
            "baseline_channels": offline or [Channel.COUNTER.value],
            "baseline_steps": item.steps + 2,
            "baseline_documents": item.documents + 1,
            "baseline_visits": item.visits + 1,
            "baseline_days": item.sla_days + 3 if item.sla_days else None,
            "baseline_fee_fils": item.fee_fils or None,
            "target_stage": item.maturity,
            "target_channels": list(item.channels),
        }
    else:  # from the definition as it stands, a stage up, onto the phone too
        fields |= {
            "baseline_stage": item.maturity,
            "baseline_channels": list(item.channels),
            "baseline_steps": item.steps,
            "baseline_documents": item.documents,
            "baseline_visits": item.visits,
            "baseline_days": item.sla_days or None,
            "baseline_fee_fils": item.fee_fils or None,
            "target_stage": STAGES[max(STAGE_ORDER[item.maturity] + 1, STAGE_ORDER[Stage.TRANSACTIONAL])],
            "target_channels": sorted({*item.channels, Channel.WEB.value, Channel.MOBILE.value}),
        }
    return fields


def _evidence(kind: str, code: str) -> str:
    if kind == "launch":
        return f"Live on the portal: /services/{code}/"
    if kind == "retire_counter":
        return "Counter closed; staff moved to assisted digital."
    return f"Signed off ({kind})."


def _approvals(plans: list[Plan], items: list[PlanItem], milestones: list[Milestone], staff: Staff) -> tuple[int, int]:
    """Versions and events as plans.actions writes them: created, items and milestones added,
    submitted (the version's snapshot by plans.snapshots, milestones as planned), approved or
    returned, then each milestone done reported on the approved plan (after approval, with the
    evidence as its reason). Milestones are written as planned first, then brought to their
    actual state, so the snapshot shows the plan as it was approved."""
    actual = {(milestone.item_id, milestone.kind): milestone for milestone in milestones}
    planned = [Milestone(item_id=m.item_id, kind=m.kind, due_on=m.due_on, owner_id=m.owner_id) for m in milestones]
    Milestone.objects.bulk_create(planned)
    versions, events, changed = [], [], []
    items_of: dict[int, list[PlanItem]] = {}
    for item in items:
        items_of.setdefault(item.plan_id, []).append(item)
    for plan in plans:
        owner = staff.admins.get(plan.entity_id)
        at = plan.created_at
        plan_events = [
            PlanEvent(
                plan=plan,
                at=at,
                actor_id=owner,
                action="plan_created",
                after={"first_year": plan.first_year, "last_year": plan.last_year},
            )
        ]
        for item in items_of.get(plan.pk, []):
            at += timedelta(minutes=20)
            plan_events.append(
                PlanEvent(plan=plan, at=at, actor_id=owner, action="item_added", item=item, after=item_state(item))
            )
            for milestone in planned:
                if milestone.item_id == item.pk:
                    at += timedelta(minutes=2)
                    after = {key: value for key, value in milestone_state(milestone).items() if value not in ("", None)}
                    plan_events.append(
                        PlanEvent(plan=plan, at=at, actor_id=owner, action="milestone_set", item=item, after=after)
                    )
        if plan.status != PlanStatus.DRAFT and owner is not None:
            submitted = plan.created_at + timedelta(days=20)
            status, plan.status = plan.status, PlanStatus.SUBMITTED
            plan.revision = len(plan_events) + 1  # as it stood once submitting bumped it
            snapshot = plan_snapshot(plan)
            versions.append(
                PlanVersion(plan=plan, number=1, snapshot=snapshot, submitted_by_id=owner, submitted_at=submitted)
            )
            plan_events.append(
                PlanEvent(
                    plan=plan,
                    at=submitted,
                    actor_id=owner,
                    action="plan_submitted",
                    version=1,
                    before={"status": PlanStatus.DRAFT},
                    after={"status": PlanStatus.SUBMITTED},
                )
            )
            plan.status = status
            plan_events += _decision(plan, submitted + timedelta(days=10), staff, items_of.get(plan.pk, []), actual)
        plan.revision = len(plan_events)  # every action after the creation raised it by one
        events += plan_events
        changed.append(plan)
    for milestone in planned:
        done = actual[(milestone.item_id, milestone.kind)]
        milestone.status, milestone.done_on, milestone.evidence = done.status, done.done_on, done.evidence
    Milestone.objects.bulk_update(planned, ["status", "done_on", "evidence"], batch_size=1_000)
    Plan.objects.bulk_update(changed, ["approved_version", "revision"])
    PlanVersion.objects.bulk_create(versions)
    PlanEvent.objects.bulk_create(events, batch_size=1_000)
    return len(versions), len(events)


def _decision(
    plan: Plan,
    decided: datetime,
    staff: Staff,
    items: list[PlanItem],
    actual: dict[tuple[int, str], Milestone],
) -> list[PlanEvent]:
    if plan.status == PlanStatus.SUBMITTED:
        return []
    if plan.status == PlanStatus.RETURNED:
        reason = "Add the milestones for retiring the counters."
        return [
            PlanEvent(
                plan=plan,
                at=decided,
                actor_id=staff.approver,
                action="plan_returned",
                version=1,
                reason=reason,
                before={"status": PlanStatus.SUBMITTED},
                after={"status": PlanStatus.RETURNED},
            )
        ]
    plan.approved_version = 1
    events = [
        PlanEvent(
            plan=plan,
            at=decided,
            actor_id=staff.approver,
            action="plan_approved",
            version=1,
            before={"status": PlanStatus.SUBMITTED, "approved_version": None},
            after={"status": PlanStatus.APPROVED, "approved_version": 1},
        )
    ]
    owner = staff.admins.get(plan.entity_id)
    for item in items:
        for kind in KINDS:
            milestone = actual[(item.pk, kind)]
            if milestone.done_on is None:
                continue
            at = max(datetime.combine(milestone.done_on, time(10), tzinfo=UTC), decided + timedelta(hours=1))
            events.append(
                PlanEvent(
                    plan=plan,
                    at=at,
                    actor_id=owner,
                    action="milestone_set",
                    item=item,
                    after_approval=True,
                    reason=milestone.evidence,
                    before={"status": MilestoneStatus.NOT_STARTED, "done_on": None, "evidence": ""},
                    after={
                        "status": milestone.status,
                        "done_on": milestone.done_on.isoformat(),
                        "evidence": milestone.evidence,
                    },
                )
            )
    return events
