"""The national plan and one entity's plan as their readers see them: each section read once
from ``tahawul.plans.selectors`` when first asked for, turned into rows in the reader's language,
and the same rows laid out as a table for the page, the chart and the CSV and XLSX downloads.

So a download of one section reads only what that section needs, and a figure in a file is the
figure on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tahawul.insights import plan_charts
from tahawul.insights.charts import Spec
from tahawul.insights.plan_tables import (
    Table,
    change_table,
    entity_table,
    gantt_table,
    item_table,
    late_table,
    stage_table,
)
from tahawul.plans import selectors
from tahawul.plans.models import STAGE_ORDER, MilestoneKind, MilestoneStatus, Plan, PlanEvent, PlanStatus, Stage
from tahawul.plans.selectors import GanttBar, ItemProgress, PlanSummary

CHANGES_DAYS = 30
# The page lists the latest changes; the downloads have every one of the period.
CHANGES_SHOWN = 50

STATE_LABELS: dict[str, Promise] = {
    "done": gettext_lazy("Done"),
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "late": gettext_lazy("Late"),
}
ACTION_LABELS: dict[str, Promise] = {
    "plan_created": gettext_lazy("Plan created"),
    "plan_submitted": gettext_lazy("Plan submitted for approval"),
    "plan_approved": gettext_lazy("Plan approved"),
    "plan_returned": gettext_lazy("Plan returned for changes"),
    "item_added": gettext_lazy("Service added"),
    "item_updated": gettext_lazy("Service changed"),
    "item_removed": gettext_lazy("Service removed"),
    "milestone_set": gettext_lazy("Milestone set"),
}


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def kind_label(kind: str) -> str:
    return str(MilestoneKind(kind).label) if kind in MilestoneKind.values else kind


def milestone_status_label(status: str) -> str:
    return str(MilestoneStatus(status).label) if status in MilestoneStatus.values else status


def stage_names() -> dict[str, str]:
    return {stage: stage_label(stage) for stage in STAGE_ORDER}


def state_names() -> dict[str, str]:
    return {state: str(label) for state, label in STATE_LABELS.items()}


def quarter_label(first_day: date) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": (first_day.month - 1) // 3 + 1, "year": first_day.year}


def quarters_of(plans: Sequence[Plan]) -> list[date]:
    """The first days of every quarter from the start of the earliest plan to the end of the
    latest one."""
    if not plans:
        return []
    first = min(plan.first_year for plan in plans)
    last = max(plan.last_year for plan in plans)
    return [date(year, month, 1) for year in range(first, last + 1) for month in (1, 4, 7, 10)]


def current_plans(plans: Iterable[Plan], *, today: date) -> list[Plan]:
    """One plan per entity, in the order given: the one covering ``today``'s year, else the
    entity's latest. The national roll-up counts each entity once, not each of its periods."""
    plans = list(plans)

    def preference(plan: Plan) -> tuple[bool, int]:
        return (plan.first_year <= today.year <= plan.last_year, plan.first_year)

    chosen: dict[int, Plan] = {}
    for plan in plans:
        held = chosen.get(plan.entity_id)
        if held is None or preference(plan) > preference(held):
            chosen[plan.entity_id] = plan
    kept = {plan.pk for plan in chosen.values()}
    return [plan for plan in plans if plan.pk in kept]


# --- rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    quarter: date
    label: str
    begun: bool  # the quarter has started: only then is there a "reached" figure
    reached: dict[str, int] | None
    planned: dict[str, int]

    @property
    def pairs(self) -> list[tuple[int | None, int]]:
        """(reached, planned) for each stage, lowest stage first: the table's cells."""
        return [
            (self.reached[stage] if self.reached is not None else None, self.planned[stage]) for stage in STAGE_ORDER
        ]


@dataclass(frozen=True)
class EntityRow:
    plan_id: int
    entity_code: str
    entity: str
    period: str
    status: str
    items: int
    done: int
    on_track: int
    at_risk: int
    late: int


@dataclass(frozen=True)
class LateRow:
    plan_id: int
    entity_code: str
    entity: str
    service: str
    milestone: str
    due_on: date
    days_late: int
    forecast_launch: date | None


@dataclass(frozen=True)
class ItemRow:
    service: str
    baseline_stage: str
    target_stage: str
    target_date: date
    state: str
    state_label: str
    late_milestones: int
    forecast_launch: date | None
    reasons: list[str]


@dataclass(frozen=True)
class GanttRow:
    plan_id: int
    entity_code: str
    entity: str
    service: str
    milestone: str
    start: date
    end: date
    status: str
    done: bool
    late: bool

    @property
    def label(self) -> str:
        return _("%(entity)s: %(service)s") % {"entity": self.entity_code, "service": self.service}


@dataclass(frozen=True)
class ChangeRow:
    at: datetime
    entity_code: str
    entity: str
    service: str
    action: str
    actor: str
    after_approval: bool
    reason: str
    version: int | None


def _period(plan: Plan) -> str:
    return _("%(first)s to %(last)s") % {"first": plan.first_year, "last": plan.last_year}


def _status(plan: Plan) -> str:
    return str(PlanStatus(plan.status).label) if plan.status in PlanStatus.values else plan.status


def stage_rows(plans: Sequence[Plan], *, today: date) -> list[StageRow]:
    rows = []
    for quarter, reached, planned in selectors.stage_now_vs_target(plans, quarters=quarters_of(plans)):
        begun = quarter <= today
        rows.append(
            StageRow(
                quarter=quarter,
                label=quarter_label(quarter),
                begun=begun,
                reached=dict(reached.counts) if begun else None,
                planned=dict(planned.counts),
            )
        )
    return rows


def entity_rows(summaries: Iterable[PlanSummary]) -> list[EntityRow]:
    return [
        EntityRow(
            plan_id=summary.plan.pk,
            entity_code=summary.plan.entity.code,
            entity=summary.plan.entity.name,
            period=_period(summary.plan),
            status=_status(summary.plan),
            items=summary.items,
            done=summary.done,
            on_track=summary.on_track,
            at_risk=summary.at_risk,
            late=summary.late,
        )
        for summary in summaries
    ]


def late_rows(plan: Plan, progress: Iterable[ItemProgress], *, today: date) -> list[LateRow]:
    rows = []
    for row in progress:
        for milestone in row.late_milestones:
            rows.append(
                LateRow(
                    plan_id=plan.pk,
                    entity_code=plan.entity.code,
                    entity=plan.entity.name,
                    service=selectors.item_label(row.item).in_language(),
                    milestone=kind_label(milestone.kind),
                    due_on=milestone.due_on,
                    days_late=(today - milestone.due_on).days,
                    forecast_launch=row.forecast_launch,
                )
            )
    return rows


def overdue_rows(plans: Sequence[Plan], *, today: date) -> list[LateRow]:
    """The late milestones of all ``plans``, the longest overdue first."""
    progress = selectors.progress_by_plan(plans, today=today)
    rows = [row for plan in plans for row in late_rows(plan, progress[plan.pk], today=today)]
    return sorted(rows, key=lambda row: (-row.days_late, row.entity_code, row.service))


def item_rows(progress: Iterable[ItemProgress]) -> list[ItemRow]:
    return [
        ItemRow(
            service=selectors.item_label(row.item).in_language(),
            baseline_stage=stage_label(row.item.baseline_stage),
            target_stage=stage_label(row.item.target_stage),
            target_date=row.item.target_date,
            state=row.state,
            state_label=str(STATE_LABELS[row.state]),
            late_milestones=len(row.late_milestones),
            forecast_launch=row.forecast_launch,
            reasons=[reason.in_language() for reason in row.reasons],
        )
        for row in progress
    ]


def gantt_rows(bars: Iterable[GanttBar], entity_names: dict[int, str]) -> list[GanttRow]:
    return [
        GanttRow(
            plan_id=bar.plan_id,
            entity_code=bar.entity_code,
            entity=entity_names.get(bar.plan_id, bar.entity_code),
            service=bar.item_label.in_language(),
            milestone=kind_label(bar.kind),
            start=bar.start,
            end=bar.end,
            status=milestone_status_label(bar.status),
            done=bar.status == MilestoneStatus.DONE,
            late=bar.late,
        )
        for bar in bars
    ]


def change_rows(events: Iterable[PlanEvent]) -> Iterator[ChangeRow]:
    for event in events:
        item = event.item
        service = selectors.item_label(item).in_language() if item is not None else ""
        action = ACTION_LABELS.get(event.action)
        yield ChangeRow(
            at=event.at,
            entity_code=event.plan.entity.code,
            entity=event.plan.entity.name,
            service=service,
            action=str(action) if action is not None else event.action,
            actor=str(event.actor) if event.actor is not None else "",
            after_approval=event.after_approval,
            reason=event.reason,
            version=event.version,
        )


# --- the dashboards -------------------------------------------------------------------------------


class NationalPlanDashboard:
    """Every plan of the viewer's scope rolled up: the authority's national plan, or an entity's
    own roll-up for its staff. One plan per entity (see :func:`current_plans`)."""

    def __init__(self, *, plans: Sequence[Plan], today: date, now: datetime, rtl: bool) -> None:
        self.plans = list(plans)
        self.today = today
        self.since = now - timedelta(days=CHANGES_DAYS)
        self.rtl = rtl
        self._entity_names = {plan.pk: plan.entity.name for plan in self.plans}

    @property
    def stage_names(self) -> dict[str, str]:
        return stage_names()

    @cached_property
    def stages(self) -> list[StageRow]:
        return stage_rows(self.plans, today=self.today)

    @cached_property
    def entities(self) -> list[EntityRow]:
        return entity_rows(selectors.national_summary(self.plans, today=self.today))

    @cached_property
    def late(self) -> list[LateRow]:
        return overdue_rows(self.plans, today=self.today)

    @cached_property
    def gantt(self) -> list[GanttRow]:
        return gantt_rows(selectors.gantt(self.plans, today=self.today), self._entity_names)

    def change_events(self) -> list[PlanEvent]:
        return selectors.changes_since(self.plans, since=self.since)

    @cached_property
    def changes(self) -> list[ChangeRow]:
        return list(change_rows(self.change_events()))

    @property
    def changes_shown(self) -> list[ChangeRow]:
        return self.changes[:CHANGES_SHOWN]

    @property
    def changes_are_partial(self) -> bool:
        return len(self.changes) > CHANGES_SHOWN

    @property
    def changes_limit(self) -> int:
        return CHANGES_SHOWN

    @property
    def totals(self) -> EntityRow:
        rows = self.entities
        return EntityRow(
            plan_id=0,
            entity_code="",
            entity=_("All entities"),
            period="",
            status="",
            items=sum(row.items for row in rows),
            done=sum(row.done for row in rows),
            on_track=sum(row.on_track for row in rows),
            at_risk=sum(row.at_risk for row in rows),
            late=sum(row.late for row in rows),
        )

    def table(self, section: str) -> Table | None:
        """The downloadable table of ``section``; None when there is no such section."""
        builders: dict[str, Callable[[], Table]] = {
            "stages": lambda: stage_table(self.stages),
            "entities": lambda: entity_table(self.entities),
            "late": lambda: late_table(self.late),
            "gantt": lambda: gantt_table(self.gantt),
            # Read as they are written, so a long history never sits in memory as rows.
            "changes": lambda: change_table(change_rows(self.change_events())),
        }
        builder = builders.get(section)
        return builder() if builder is not None else None

    # --- charts ----------------------------------------------------------------------------------

    def stage_chart(self) -> Spec | None:
        return plan_charts.stage_chart(self.stages, self.rtl, stage_names())

    def progress_chart(self) -> Spec | None:
        return plan_charts.progress_chart(self.entities, self.rtl, state_names())

    def gantt_chart(self) -> Spec | None:
        return plan_charts.gantt_chart(self.gantt, self.rtl, today=self.today, with_entity=True)

    @property
    def gantt_chart_is_partial(self) -> bool:
        return plan_charts.gantt_is_partial(self.gantt)

    @property
    def gantt_chart_rows(self) -> int:
        return plan_charts.MAX_GANTT_ROWS


class PlanDashboard:
    """One entity's plan: its services with their state and reasons, its timeline, its stages."""

    def __init__(self, *, plan: Plan, today: date, rtl: bool) -> None:
        self.plan = plan
        self.today = today
        self.rtl = rtl
        self.period = _period(plan)
        self.status = _status(plan)

    @cached_property
    def progress(self) -> list[ItemProgress]:
        return selectors.item_progress(self.plan, today=self.today)

    @cached_property
    def items(self) -> list[ItemRow]:
        return item_rows(self.progress)

    @property
    def stage_names(self) -> dict[str, str]:
        return stage_names()

    @cached_property
    def stages(self) -> list[StageRow]:
        return stage_rows([self.plan], today=self.today)

    @cached_property
    def gantt(self) -> list[GanttRow]:
        return gantt_rows(selectors.gantt([self.plan], today=self.today), {self.plan.pk: self.plan.entity.name})

    @cached_property
    def slippage_days(self) -> int:
        return selectors.entity_slippage_days(self.plan.entity_id)

    @property
    def early_days(self) -> int:
        return -self.slippage_days

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATE_LABELS, 0)
        for row in self.items:
            found[row.state] += 1
        return found

    def table(self, section: str) -> Table | None:
        builders: dict[str, Callable[[], Table]] = {
            "items": lambda: item_table(self.items),
            "gantt": lambda: gantt_table(self.gantt),
            "stages": lambda: stage_table(self.stages),
        }
        builder = builders.get(section)
        return builder() if builder is not None else None

    def stage_chart(self) -> Spec | None:
        return plan_charts.stage_chart(self.stages, self.rtl, stage_names())

    def gantt_chart(self) -> Spec | None:
        return plan_charts.gantt_chart(self.gantt, self.rtl, today=self.today, with_entity=False)

    @property
    def gantt_chart_is_partial(self) -> bool:
        return plan_charts.gantt_is_partial(self.gantt)

    @property
    def gantt_chart_rows(self) -> int:
        return plan_charts.MAX_GANTT_ROWS
