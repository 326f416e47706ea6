"""Plans, items and milestones as JSON: what a PlanVersion keeps and what a PlanEvent's before
and after compare. The simulator writes the same shape."""

from __future__ import annotations

from typing import Any

from tahawul.plans.models import Milestone, MilestoneKind, Plan, PlanItem

_KIND_ORDER = {kind.value: rank for rank, kind in enumerate(MilestoneKind)}


def milestone_state(milestone: Milestone) -> dict[str, Any]:
    return {
        "kind": milestone.kind,
        "due_on": milestone.due_on.isoformat(),
        "status": milestone.status,
        "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
        "owner": milestone.owner_id,
        "evidence": milestone.evidence,
    }


def item_state(item: PlanItem) -> dict[str, Any]:
    return {
        "service": item.service.code if item.service is not None else None,
        "new_name_ar": item.new_name_ar,
        "new_name_en": item.new_name_en,
        "baseline_stage": item.baseline_stage,
        "baseline_channels": list(item.baseline_channels),
        "baseline_steps": item.baseline_steps,
        "baseline_documents": item.baseline_documents,
        "baseline_visits": item.baseline_visits,
        "baseline_days": item.baseline_days,
        "baseline_fee_fils": item.baseline_fee_fils,
        "target_stage": item.target_stage,
        "target_channels": list(item.target_channels),
        "target_date": item.target_date.isoformat(),
        "position": item.position,
    }


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """``{"plan": {...}, "items": [{..., "milestones": [...]}]}``, items in plan order."""
    items = plan.items.select_related("service").prefetch_related("milestones").order_by("position", "pk")
    return {
        "plan": {
            "entity": plan.entity.code,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "status": plan.status,
            "revision": plan.revision,
        },
        "items": [
            {
                "id": item.pk,
                **item_state(item),
                "milestones": [
                    milestone_state(milestone)
                    for milestone in sorted(item.milestones.all(), key=lambda m: _KIND_ORDER[m.kind])
                ],
            }
            for item in items
        ],
    }
