"""What the plan pages show, in the words and order a person reads them; no rule is decided
here (the plans selectors decide how each item stands)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel
from tahawul.core.money import format_dinars
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in
from tahawul.plans import selectors
from tahawul.plans.models import Milestone, MilestoneKind, MilestoneStatus, Plan, PlanEvent, PlanItem, Stage

STATE_LABELS = {
    "done": _("Done"),
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "late": _("Late"),
}
# The words say it; the badge's shape and colour (the SLA badges' styles) only repeat it.
STATE_BADGES = {
    "done": "sla--on-track",
    "on_track": "sla--on-track",
    "at_risk": "sla--due-soon",
    "late": "sla--breached",
}
STATE_ICONS = {"done": "✓", "on_track": "✓", "at_risk": "!", "late": "✗"}

ACTION_LABELS = {
    "plan_created": _("Plan created"),
    "item_added": _("Service added"),
    "item_updated": _("Service changed"),
    "item_removed": _("Service taken out"),
    "milestone_set": _("Milestone set"),
    "plan_submitted": _("Sent for approval"),
    "plan_approved": _("Approved"),
    "plan_returned": _("Returned for changes"),
}
FIELD_LABELS = {
    "first_year": _("First year"),
    "last_year": _("Last year"),
    "service": _("Service"),
    "new_name_ar": _("New service's name in Arabic"),
    "new_name_en": _("New service's name in English"),
    "baseline_stage": _("Stage now"),
    "baseline_channels": _("Channels now"),
    "baseline_steps": _("Steps now"),
    "baseline_documents": _("Documents asked now"),
    "baseline_visits": _("Visits in person now"),
    "baseline_days": _("Working days now"),
    "baseline_fee_fils": _("Fee now (BHD)"),
    "target_stage": _("Target stage"),
    "target_channels": _("Target channels"),
    "target_date": _("Target date"),
    "position": _("Position"),
    "kind": _("Milestone"),
    "due_on": _("Due on"),
    "status": _("Status"),
    "done_on": _("Done on"),
    "owner": _("Owner"),
    "evidence": _("Evidence"),
    "approved_version": _("Approved version"),
    "milestones": _("Milestones"),
}


DATE_FIELDS = frozenset({"target_date", "due_on", "done_on"})


@dataclass(frozen=True)
class MilestoneRow:
    kind: str
    kind_label: str
    milestone: Milestone | None
    status_label: str
    late: bool


@dataclass(frozen=True)
class ItemRow:
    item: PlanItem
    label: str
    state: str
    state_label: str
    badge: str
    icon: str
    reasons: list[str]
    forecast_launch: date | None
    baseline_stage: str
    target_stage: str
    milestones: list[MilestoneRow]


def _milestone_rows(item: PlanItem, late: set[int]) -> list[MilestoneRow]:
    by_kind = {milestone.kind: milestone for milestone in selectors.milestones_in_order(item)}
    rows = []
    for kind in MilestoneKind:
        milestone = by_kind.get(kind.value)
        rows.append(
            MilestoneRow(
                kind=kind.value,
                kind_label=str(kind.label),
                milestone=milestone,
                status_label=str(MilestoneStatus(milestone.status).label) if milestone else str(_("Not planned")),
                late=milestone is not None and milestone.pk in late,
            )
        )
    return rows


def plan_page(plan: Plan, *, user: User, today: date) -> dict[str, Any]:
    """The plan page's rows and facts."""
    rows = []
    for progress in selectors.item_progress(plan, today=today):
        late = {milestone.pk for milestone in progress.late_milestones}
        rows.append(
            ItemRow(
                item=progress.item,
                label=str(selectors.item_label(progress.item)),
                state=progress.state,
                state_label=str(STATE_LABELS[progress.state]),
                badge=STATE_BADGES[progress.state],
                icon=STATE_ICONS[progress.state],
                reasons=[str(reason) for reason in progress.reasons],
                forecast_launch=progress.forecast_launch,
                baseline_stage=str(Stage(progress.item.baseline_stage).label),
                target_stage=str(Stage(progress.item.target_stage).label),
                milestones=_milestone_rows(progress.item, late),
            )
        )
    counts = {state: sum(1 for row in rows if row.state == state) for state in STATE_LABELS}
    keeps_plan = Role.ENTITY_ADMIN in roles_in(user, plan.entity_id)
    return {
        "rows": rows,
        "counts": [(STATE_LABELS[state], counts[state], STATE_BADGES[state]) for state in STATE_LABELS],
        "keeps_plan": keeps_plan,
        "status_label": plan.get_status_display(),
        "slippage": selectors.entity_slippage_days(plan.entity_id),
        "changed_since_approval": history_rows(selectors.changed_since_approval(plan)),
        "other_plans": list(plan.entity.plans.exclude(pk=plan.pk).order_by("first_year")),
        "can_submit": keeps_plan and plan.status != "submitted" and bool(rows),
        "returned_comment": _returned_comment(plan),
    }


def _returned_comment(plan: Plan) -> str:
    if plan.status != "returned":
        return ""
    event = plan.events.filter(action="plan_returned").order_by("-pk").first()
    return event.reason if event is not None else ""


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    event: PlanEvent
    action_label: str
    item_label: str
    changes: list[Change]


def _shown(field: str, value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field == "baseline_fee_fils" and isinstance(value, int):
        return format_dinars(value)
    if field.endswith("_stage") and isinstance(value, str) and value in Stage.values:
        return str(Stage(value).label)
    if field.endswith("_channels") and isinstance(value, list):
        return "، ".join(str(Channel(v).label) if v in Channel.values else str(v) for v in value)
    if field == "status" and isinstance(value, str) and value in MilestoneStatus.values:
        return str(MilestoneStatus(value).label)
    if field == "kind" and isinstance(value, str) and value in MilestoneKind.values:
        return str(MilestoneKind(value).label)
    if field in DATE_FIELDS and isinstance(value, str):
        try:
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if field == "milestones" and isinstance(value, list):
        return str(len(value))
    return str(value)


def history_rows(events: list[PlanEvent]) -> list[HistoryRow]:
    rows = []
    for event in events:
        fields = list(dict.fromkeys([*event.before, *event.after]))
        label = str(selectors.item_label(event.item)) if event.item is not None else _item_name(event)
        milestone = event.after.get("kind") or event.before.get("kind")
        if milestone:
            label = f"{label} — {MilestoneKind(milestone).label}" if label else str(MilestoneKind(milestone).label)
        rows.append(
            HistoryRow(
                event=event,
                action_label=str(ACTION_LABELS.get(event.action, event.action)),
                item_label=label,
                changes=[
                    Change(
                        field=str(FIELD_LABELS.get(field, field)),
                        before=_shown(field, event.before.get(field)),
                        after=_shown(field, event.after.get(field)),
                    )
                    for field in fields
                    if field != "kind"
                    and _shown(field, event.before.get(field)) != _shown(field, event.after.get(field))
                ],
            )
        )
    return rows


def _item_name(event: PlanEvent) -> str:
    """A removed item is named by what its event kept."""
    state = event.before or event.after
    return str(state.get("service") or state.get("new_name_en") or "") if state else ""
