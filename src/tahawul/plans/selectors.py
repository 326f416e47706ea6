"""Reads of transformation plans: who sees which plan, how each item stands (done, on track, at
risk, late, with a forecast from the entity's own history of slipping), and the national roll-ups
the authority looks at (stages per quarter, summaries, the timeline, what changed).

Every roll-up takes any iterable of plans and reads their items and milestones in a fixed number
of queries, whatever the number of plans, items or milestones.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from tahawul.core.text import LANGUAGES, LocalizedText
from tahawul.feedback.cases import is_authority_staff
from tahawul.feedback.selectors import is_analyst
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_by_entity
from tahawul.plans.models import (
    STAGE_ORDER,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Plan,
    PlanEvent,
    PlanItem,
    PlanStatus,
    Stage,
)

# Everyone who works for an entity may read its plan; only its admin changes it (actions.py).
PLAN_READ_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.DESIGNER, Role.ENTITY_ADMIN})
KIND_ORDER: dict[str, int] = {kind.value: rank for rank, kind in enumerate(MilestoneKind)}

ItemState = Literal["done", "on_track", "at_risk", "late"]


@dataclass(frozen=True)
class ItemProgress:
    item: PlanItem
    state: ItemState
    late_milestones: list[Milestone]
    forecast_launch: date | None
    reasons: list[LocalizedText]


@dataclass(frozen=True)
class StageCounts:
    counts: dict[str, int]  # Stage value -> number of items, every stage present (zero when none)


@dataclass(frozen=True)
class PlanSummary:
    plan: Plan
    items: int
    done: int
    on_track: int
    at_risk: int
    late: int


@dataclass(frozen=True)
class GanttBar:
    plan_id: int
    entity_code: str
    item_label: LocalizedText
    kind: str
    start: date
    end: date
    status: str
    late: bool


# --- scope -------------------------------------------------------------------------------------


def sees_every_plan(user: User | AnonymousUser) -> bool:
    """The authority's analysts and staff read every entity's plan."""
    return isinstance(user, User) and (is_analyst(user) or is_authority_staff(user))


def plan_entities(user: User | AnonymousUser) -> frozenset[int] | None:
    """The entities whose plans ``user`` may read: None for all of them (the authority)."""
    if sees_every_plan(user):
        return None
    return frozenset(entity for entity, roles in roles_by_entity(user).items() if roles & PLAN_READ_ROLES)


def plans_in_scope(user: User | AnonymousUser) -> QuerySet[Plan]:
    """The plans ``user`` may read: their entities' plans, or every plan for the authority's staff
    and analysts; none for anyone else. Ordered by entity code, then period."""
    plans = Plan.objects.select_related("entity").order_by("entity__code", "first_year")
    entities = plan_entities(user)
    if entities is None:
        return plans
    return plans.filter(entity_id__in=entities)


def access_plan(user: User | AnonymousUser, plan_id: int) -> Plan:
    """The plan, if ``user`` may read it; NotFound otherwise (whether it exists or not)."""
    plan = plans_in_scope(user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


def current_plan(entity_id: int, *, today: date) -> Plan | None:
    """The entity's plan covering ``today``'s year, else its latest one."""
    plans = list(Plan.objects.select_related("entity").filter(entity_id=entity_id).order_by("-first_year"))
    for plan in plans:
        if plan.first_year <= today.year <= plan.last_year:
            return plan
    return plans[0] if plans else None


# --- progress ----------------------------------------------------------------------------------


def _both(message: Promise, **params: object) -> LocalizedText:
    """``message`` in both languages, its dates written the way each language writes them."""
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        with override(language):
            shown = {
                key: formats.date_format(value, "DATE_FORMAT") if isinstance(value, date) else str(value)
                for key, value in params.items()
            }
            texts[language] = str(message) % shown if params else str(message)
    return LocalizedText(**texts)


def item_label(item: PlanItem) -> LocalizedText:
    """The item's service name, or the name of the new service it plans."""
    if item.service is not None:
        return LocalizedText(ar=item.service.name_ar, en=item.service.name_en)
    return LocalizedText(ar=item.new_name_ar, en=item.new_name_en)


def _items_by_plan(plans: Sequence[Plan]) -> dict[int, list[PlanItem]]:
    """Items of ``plans`` with their services and milestones (in kind order): two queries."""
    items: dict[int, list[PlanItem]] = defaultdict(list)
    if not plans:
        return items
    for item in (
        PlanItem.objects.filter(plan_id__in=[plan.pk for plan in plans])
        .select_related("service", "plan__entity")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.select_related("owner")))
        .order_by("plan_id", "position", "pk")
    ):
        items[item.plan_id].append(item)
    return items


def _milestones(item: PlanItem) -> list[Milestone]:
    return sorted(item.milestones.all(), key=lambda milestone: KIND_ORDER.get(milestone.kind, 99))


def _slippage_by_entity(entity_ids: Iterable[int]) -> dict[int, int]:
    """Entity id → the median days its done milestones finished after (or before) their due
    date; 0 without history. One query."""
    ids = set(entity_ids)
    delays: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = Milestone.objects.filter(
            item__plan__entity_id__in=ids, status=MilestoneStatus.DONE, done_on__isnull=False
        ).values_list("item__plan__entity_id", "due_on", "done_on")
        for entity_id, due_on, done_on in rows:
            if done_on is not None:
                delays[entity_id].append((done_on - due_on).days)
    return {entity_id: round(statistics.median(delays[entity_id])) if delays[entity_id] else 0 for entity_id in ids}


def entity_slippage_days(entity_id: int) -> int:
    """The median of (done on − due on), in days, over the entity's done milestones (every plan
    of the entity); 0 without history. Negative when the entity usually finishes early."""
    return _slippage_by_entity([entity_id])[entity_id]


def _forecasts(milestones: list[Milestone], *, slippage: int, today: date) -> dict[int, date]:
    """Milestone pk → when it will be (or was) done. A done one: its date. An open one: its due
    date moved by the entity's usual slippage, never before today, and never sooner after the
    previous milestone than the plan had it (a late analysis pushes the build)."""
    forecasts: dict[int, date] = {}
    previous: Milestone | None = None
    for milestone in milestones:
        if milestone.status == MilestoneStatus.DONE and milestone.done_on is not None:
            forecast = milestone.done_on
        else:
            forecast = max(milestone.due_on + timedelta(days=slippage), today)
            if previous is not None:
                gap = max((milestone.due_on - previous.due_on).days, 0)
                forecast = max(forecast, forecasts[previous.pk] + timedelta(days=gap))
        forecasts[milestone.pk] = forecast
        previous = milestone
    return forecasts


def _progress(item: PlanItem, *, slippage: int, today: date) -> ItemProgress:
    milestones = _milestones(item)
    by_kind = {milestone.kind: milestone for milestone in milestones}
    launch = by_kind.get(MilestoneKind.LAUNCH)
    retire = by_kind.get(MilestoneKind.RETIRE_COUNTER)
    forecasts = _forecasts(milestones, slippage=slippage, today=today)
    forecast_launch = forecasts.get(launch.pk) if launch is not None else None
    late = [m for m in milestones if m.status != MilestoneStatus.DONE and m.due_on < today]
    reasons: list[LocalizedText] = []

    def is_done(milestone: Milestone | None) -> bool:
        return milestone is not None and milestone.status == MilestoneStatus.DONE

    if is_done(launch) and (retire is None or is_done(retire)):
        assert launch is not None and launch.done_on is not None
        reasons.append(_both(_("Launched on %(date)s."), date=launch.done_on))
        return ItemProgress(item, "done", [], forecast_launch, reasons)
    for milestone in late:
        reasons.append(
            _both(
                _("%(milestone)s was due on %(date)s and is not done (%(days)s days late)."),
                milestone=MilestoneKind(milestone.kind).label,
                date=milestone.due_on,
                days=(today - milestone.due_on).days,
            )
        )
    at_risk = False
    if launch is None:
        at_risk = True
        reasons.append(_both(_("No launch milestone is planned.")))
    elif forecast_launch is not None and forecast_launch > item.target_date:
        at_risk = True
        reasons.append(
            _both(
                _(
                    "Forecast launch %(forecast)s is after the target date %(target)s "
                    "(due dates plus this entity's usual slippage of %(slippage)s days)."
                ),
                forecast=forecast_launch,
                target=item.target_date,
                slippage=slippage,
            )
        )
    state: ItemState = "late" if late else ("at_risk" if at_risk else "on_track")
    if state == "on_track":
        assert forecast_launch is not None
        reasons.append(
            _both(
                _("Forecast launch %(forecast)s, on or before the target date %(target)s."),
                forecast=forecast_launch,
                target=item.target_date,
            )
        )
    return ItemProgress(item, state, late, forecast_launch, reasons)


def progress_by_plan(plans: Sequence[Plan], *, today: date) -> dict[int, list[ItemProgress]]:
    """``item_progress`` of several plans at once, by plan id, in a fixed number of queries."""
    items = _items_by_plan(plans)
    slippage = _slippage_by_entity(plan.entity_id for plan in plans)
    return {
        plan.pk: [_progress(item, slippage=slippage[plan.entity_id], today=today) for item in items.get(plan.pk, [])]
        for plan in plans
    }


def item_progress(plan: Plan, *, today: date) -> list[ItemProgress]:
    """How each item of ``plan`` stands on ``today``, in plan order.

    - done: the launch milestone is done, and the counter retired too if that is planned;
    - late: a milestone is past its due date and not done;
    - at risk: the forecast launch (see ``_forecasts``) falls after the item's target date, or no
      launch milestone is planned;
    - on track: otherwise.
    """
    return progress_by_plan([plan], today=today)[plan.pk]


# --- national roll-ups -------------------------------------------------------------------------


def _quarter_end(start: date) -> date:
    month = start.month + 3
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1) - timedelta(days=1)


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(STAGE_ORDER, 0)


def stage_now_vs_target(plans: Iterable[Plan], *, quarters: list[date]) -> list[tuple[date, StageCounts, StageCounts]]:
    """For each quarter (given by its first day): how many items stand at each stage by the
    quarter's last day (reached: the baseline until the launch milestone is done, then the
    target) and how many the plans said would (planned: the baseline until the target date,
    then the target)."""
    plans = list(plans)
    items = [item for plan_items in _items_by_plan(plans).values() for item in plan_items]
    launches = {
        item.pk: next((m.done_on for m in item.milestones.all() if m.kind == MilestoneKind.LAUNCH), None)
        for item in items
    }
    rows: list[tuple[date, StageCounts, StageCounts]] = []
    for quarter in quarters:
        end = _quarter_end(quarter)
        reached = _zero_counts()
        planned = _zero_counts()
        for item in items:
            launched_on = launches[item.pk]
            reached[item.target_stage if launched_on is not None and launched_on <= end else item.baseline_stage] += 1
            planned[item.target_stage if item.target_date <= end else item.baseline_stage] += 1
        rows.append((quarter, StageCounts(reached), StageCounts(planned)))
    return rows


def national_summary(plans: Iterable[Plan], *, today: date) -> list[PlanSummary]:
    """One row per plan (in the order given): its items by state on ``today``."""
    plans = list(plans)
    progress = progress_by_plan(plans, today=today)
    summaries = []
    for plan in plans:
        states = [row.state for row in progress[plan.pk]]
        summaries.append(
            PlanSummary(
                plan=plan,
                items=len(states),
                done=states.count("done"),
                on_track=states.count("on_track"),
                at_risk=states.count("at_risk"),
                late=states.count("late"),
            )
        )
    return summaries


def gantt(plans: Iterable[Plan], *, today: date) -> list[GanttBar]:
    """One bar per milestone, plan by plan and item by item in kind order: it starts when the
    previous milestone of the item is due (the first one when the plan starts) and ends on its due
    date. ``late``: past due and not done."""
    plans = list(plans)
    items = _items_by_plan(plans)
    bars: list[GanttBar] = []
    for plan in plans:
        plan_start = date(plan.first_year, 1, 1)
        for item in items.get(plan.pk, []):
            label = item_label(item)
            start = plan_start
            for milestone in _milestones(item):
                bars.append(
                    GanttBar(
                        plan_id=plan.pk,
                        entity_code=item.plan.entity.code,
                        item_label=label,
                        kind=milestone.kind,
                        start=min(start, milestone.due_on),
                        end=milestone.due_on,
                        status=milestone.status,
                        late=milestone.status != MilestoneStatus.DONE and milestone.due_on < today,
                    )
                )
                start = milestone.due_on
    return bars


def changes_since(plans: Iterable[Plan], *, since: datetime) -> list[PlanEvent]:
    """Every recorded change to ``plans`` at or after ``since``, newest first, with plan, entity,
    item and actor loaded (one query)."""
    return list(
        PlanEvent.objects.filter(plan_id__in=[plan.pk for plan in plans], at__gte=since)
        .select_related("plan__entity", "item__service", "actor")
        .order_by("-at", "-pk")
    )


def plan_history(plan: Plan) -> list[PlanEvent]:
    """Every event of ``plan``, newest first."""
    return list(plan.events.select_related("actor", "item__service").order_by("-at", "-pk"))


def changed_since_approval(plan: Plan) -> list[PlanEvent]:
    """The changes made to ``plan`` after the authority last approved it, newest first (empty
    when it was never approved, or nothing changed since)."""
    approval = plan.events.filter(action="plan_approved").order_by("-pk").values_list("pk", flat=True).first()
    if approval is None:
        return []
    return list(
        plan.events.filter(pk__gt=approval, after_approval=True)
        .exclude(action="plan_submitted")
        .select_related("actor", "item__service")
        .order_by("-at", "-pk")
    )


def possible_owners(entity_id: int) -> list[User]:
    """Who may own a milestone of the entity's plan: its staff, in any role."""
    return list(User.objects.filter(memberships__entity_id=entity_id, is_active=True).distinct().order_by("username"))


def submitted_plans(user: User | AnonymousUser) -> list[Plan]:
    """The plans waiting for the authority's decision, oldest submission first: for the
    authority's staff only (NotFound for anyone else)."""
    if not (isinstance(user, User) and is_authority_staff(user)):
        raise NotFound()
    return list(plans_in_scope(user).filter(status=PlanStatus.SUBMITTED).order_by("updated_at", "pk"))


def milestones_in_order(item: PlanItem) -> list[Milestone]:
    """The item's milestones in the order they happen (analysis first)."""
    return _milestones(item)


def stage_rank(stage: str) -> int:
    return STAGE_ORDER[stage]


__all__ = [
    "GanttBar",
    "ItemProgress",
    "ItemState",
    "PlanSummary",
    "Stage",
    "StageCounts",
    "access_plan",
    "changes_since",
    "entity_slippage_days",
    "gantt",
    "item_progress",
    "national_summary",
    "plans_in_scope",
    "stage_now_vs_target",
]
