"""Every change to a transformation plan: made by the entity's admin, approved or returned by the
authority's staff, each recorded as a PlanEvent with what it was before and after.

Once a plan has been approved it stays approved when it changes: every change then needs a
reason and is marked ``after_approval``, so the authority sees what moved since it said yes
(``selectors.changed_since_approval``). The entity submits again to have the changes approved.

Every action takes the plan's ``expected_revision`` (the revision the form was drawn from): a
change to any part of the plan raises its revision, and a form drawn before that is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity, Service
from tahawul.core.choices import Channel
from tahawul.core.revisions import write_revision
from tahawul.core.text import LocalizedText
from tahawul.feedback.cases import is_authority_staff
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_by_entity, roles_in
from tahawul.plans.baselines import Baseline, baseline_from_definition
from tahawul.plans.errors import (
    ApprovalNotAllowed,
    CommentRequired,
    DateOutsidePlan,
    DoneInFuture,
    DoneNeedsDate,
    EmptyPlan,
    InvalidChoice,
    InvalidPeriod,
    MilestoneOutsidePlan,
    NewServiceNeedsNames,
    NothingChanged,
    NotInThisStatus,
    OwnerNotOfEntity,
    PeriodTaken,
    PlanNotAllowed,
    ReasonRequired,
    ServiceAlreadyPlanned,
    StalePlan,
    TargetBelowBaseline,
    UnknownChannel,
    UnknownPlanService,
    UnknownStage,
)
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
)
from tahawul.plans.selectors import PLAN_READ_ROLES
from tahawul.plans.snapshots import item_state, milestone_state, plan_snapshot

MAX_PLAN_YEARS = 10
CHANNELS = frozenset(Channel.values)


# --- guards ------------------------------------------------------------------------------------


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("entity").get(pk=plan.pk)


def _check_admin(actor: User, entity_id: int) -> None:
    """Outsiders learn nothing (NotFound); the entity's other staff are told who may."""
    roles = roles_in(actor, entity_id)
    if Role.ENTITY_ADMIN in roles:
        return
    if roles & PLAN_READ_ROLES or is_authority_staff(actor):
        raise PlanNotAllowed()
    raise NotFound()


def _check_not_stale(plan: Plan, expected_revision: int | None) -> None:
    if expected_revision is not None and expected_revision != plan.revision:
        raise StalePlan()


def _editable(actor: User, plan: Plan, expected_revision: int | None, reason: str) -> tuple[Plan, str, bool]:
    """The locked plan, the reason stripped, and whether the change comes after approval."""
    _check_admin(actor, plan.entity_id)
    locked = _lock(plan)
    _check_not_stale(locked, expected_revision)
    reason = reason.strip()
    after_approval = locked.approved_version is not None
    if after_approval and not reason:
        raise ReasonRequired()
    return locked, reason, after_approval


def _bump(plan: Plan, **changes: Any) -> None:
    write_revision(plan, plan.revision, StalePlan, **changes)


def _record(plan: Plan, actor: User, action: str, **fields: Any) -> PlanEvent:
    return PlanEvent.objects.create(plan=plan, actor=actor, action=action, **fields)


def _within(plan: Plan, day: date) -> bool:
    return plan.first_year <= day.year <= plan.last_year


def _check_target(
    plan: Plan, baseline_stage: str, target_stage: str, target_date: date, channels: Sequence[str]
) -> None:
    if baseline_stage not in STAGE_ORDER:
        raise UnknownStage(field="baseline_stage")
    if target_stage not in STAGE_ORDER:
        raise UnknownStage()
    if STAGE_ORDER[target_stage] < STAGE_ORDER[baseline_stage]:
        raise TargetBelowBaseline()
    if not _within(plan, target_date):
        message = _("The target date must fall within the plan's years (%(first)s to %(last)s).")
        raise DateOutsidePlan(message % {"first": plan.first_year, "last": plan.last_year})
    if set(channels) - CHANNELS:
        raise UnknownChannel()


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


# --- the plan ----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor: User, entity: Entity, first_year: int, last_year: int) -> Plan:
    """A new draft plan of ``entity`` for the years ``first_year``–``last_year`` (at most ten).
    Entity admin only. Raises InvalidPeriod, PeriodTaken (years overlapping another plan)."""
    _check_admin(actor, entity.pk)
    if not (2000 <= first_year <= last_year <= 2100) or last_year - first_year + 1 > MAX_PLAN_YEARS:
        raise InvalidPeriod(field="last_year" if first_year <= last_year else "first_year")
    Entity.objects.select_for_update().filter(pk=entity.pk).first()  # one plan creation at a time
    if Plan.objects.filter(entity=entity, first_year__lte=last_year, last_year__gte=first_year).exists():
        raise PeriodTaken(field="first_year")
    plan = Plan.objects.create(entity=entity, first_year=first_year, last_year=last_year)
    _record(plan, actor, "plan_created", after={"first_year": first_year, "last_year": last_year})
    return plan


@transaction.atomic
def submit_plan(*, actor: User, plan: Plan, expected_revision: int | None) -> PlanVersion:
    """Snapshot the plan into a new PlanVersion and send it to the authority (status submitted).
    Entity admin only. Raises NotInThisStatus (already submitted), EmptyPlan, StalePlan."""
    _check_admin(actor, plan.entity_id)
    locked = _lock(plan)
    _check_not_stale(locked, expected_revision)
    if locked.status == PlanStatus.SUBMITTED:
        raise NotInThisStatus()
    if not locked.items.exists():
        raise EmptyPlan()
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    before = {"status": locked.status}
    _bump(locked, status=PlanStatus.SUBMITTED)
    version = PlanVersion.objects.create(plan=locked, number=number, snapshot=plan_snapshot(locked), submitted_by=actor)
    _record(
        locked,
        actor,
        "plan_submitted",
        version=number,
        after_approval=locked.approved_version is not None,
        before=before,
        after={"status": PlanStatus.SUBMITTED},
    )
    _sync(plan, locked)
    return version


def _decide(actor: User, plan: Plan, expected_revision: int | None) -> tuple[Plan, int]:
    if not is_authority_staff(actor):
        if roles_by_entity(actor):
            raise ApprovalNotAllowed()
        raise NotFound()
    locked = _lock(plan)
    _check_not_stale(locked, expected_revision)
    if locked.status != PlanStatus.SUBMITTED:
        raise NotInThisStatus()
    number = locked.versions.order_by("-number").values_list("number", flat=True).first()
    assert number is not None  # submitting made one
    return locked, number


@transaction.atomic
def approve_plan(*, actor: User, plan: Plan, expected_revision: int | None, comment: str = "") -> Plan:
    """Approve the version last submitted. The authority's staff only (ApprovalNotAllowed);
    NotInThisStatus unless submitted."""
    locked, number = _decide(actor, plan, expected_revision)
    before = {"status": locked.status, "approved_version": locked.approved_version}
    _bump(locked, status=PlanStatus.APPROVED, approved_version=number)
    _record(
        locked,
        actor,
        "plan_approved",
        version=number,
        reason=comment.strip(),
        before=before,
        after={"status": PlanStatus.APPROVED, "approved_version": number},
    )
    return _sync(plan, locked)


@transaction.atomic
def return_plan(*, actor: User, plan: Plan, expected_revision: int | None, comment: str) -> Plan:
    """Send the submitted plan back to the entity with ``comment`` (required: CommentRequired).
    An earlier approved version stays the approved one."""
    locked, number = _decide(actor, plan, expected_revision)
    comment = comment.strip()
    if not comment:
        raise CommentRequired()
    _bump(locked, status=PlanStatus.RETURNED)
    _record(
        locked,
        actor,
        "plan_returned",
        version=number,
        reason=comment,
        before={"status": PlanStatus.SUBMITTED},
        after={"status": PlanStatus.RETURNED},
    )
    return _sync(plan, locked)


def _sync(plan: Plan, locked: Plan) -> Plan:
    """Keep the caller's object current (forms redraw from it)."""
    for name in ("status", "approved_version", "revision", "updated_at"):
        setattr(plan, name, getattr(locked, name))
    return plan


# --- items -------------------------------------------------------------------------------------


def _service_of(plan: Plan, service_code: str) -> Service:
    service = Service.objects.filter(code=service_code, entity_id=plan.entity_id).first()
    if service is None:
        raise UnknownPlanService()
    return service


@transaction.atomic
def add_item(
    *,
    actor: User,
    plan: Plan,
    expected_revision: int | None,
    service_code: str = "",
    new_name: LocalizedText | None = None,
    baseline: Baseline | None = None,
    target_stage: str,
    target_channels: Sequence[str] = (),
    target_date: date,
    reason: str = "",
) -> PlanItem:
    """Add one of the entity's services (``service_code``) or a new one (``new_name``, both
    languages) to the plan. Without ``baseline``, an existing service's is read off its current
    definition (a new service starts offline). Raises UnknownPlanService, ServiceAlreadyPlanned,
    NewServiceNeedsNames, TargetBelowBaseline, DateOutsidePlan, ReasonRequired (approved plan)."""
    locked, reason, after_approval = _editable(actor, plan, expected_revision, reason)
    service: Service | None = None
    if service_code:
        service = _service_of(locked, service_code)
        if locked.items.filter(service=service).exists():
            raise ServiceAlreadyPlanned()
        new_name = None
    elif new_name is None or new_name.missing_languages():
        raise NewServiceNeedsNames(field="new_name_en" if new_name is not None and new_name.ar else None)
    if baseline is None:
        baseline = baseline_from_definition(service) if service is not None else Baseline()
    _check_target(locked, baseline.stage, target_stage, target_date, [*target_channels, *baseline.channels])
    last = locked.items.order_by("-position").values_list("position", flat=True).first()
    item = PlanItem.objects.create(
        plan=locked,
        service=service,
        new_name_ar=new_name.ar if new_name else "",
        new_name_en=new_name.en if new_name else "",
        target_stage=target_stage,
        target_channels=list(target_channels),
        target_date=target_date,
        position=(last or 0) + 1,
        **baseline.as_fields(),
    )
    _bump(locked)
    _record(
        locked, actor, "item_added", item=item, reason=reason, after_approval=after_approval, after=item_state(item)
    )
    _sync(plan, locked)
    return item


@transaction.atomic
def update_item(
    *,
    actor: User,
    item: PlanItem,
    expected_revision: int | None,
    baseline: Baseline,
    target_stage: str,
    target_channels: Sequence[str],
    target_date: date,
    new_name: LocalizedText | None = None,
    reason: str = "",
) -> PlanItem:
    """Change an item's baseline, target, or (for a new service) its names. Same rules and errors
    as ``add_item``; NothingChanged when the form changed nothing."""
    locked, reason, after_approval = _editable(actor, item.plan, expected_revision, reason)
    current = PlanItem.objects.select_for_update().get(pk=item.pk, plan=locked)
    _check_target(locked, baseline.stage, target_stage, target_date, [*target_channels, *baseline.channels])
    changes: dict[str, Any] = {
        **baseline.as_fields(),
        "target_stage": target_stage,
        "target_channels": list(target_channels),
        "target_date": target_date,
    }
    if current.service_id is None and new_name is not None:
        if new_name.missing_languages():
            raise NewServiceNeedsNames()
        changes.update(new_name_ar=new_name.ar, new_name_en=new_name.en)
    before_state = item_state(current)
    for name, value in changes.items():
        setattr(current, name, value)
    before, after = _changed(before_state, item_state(current))
    if not after:
        raise NothingChanged()
    current.save(update_fields=list(changes))
    _bump(locked)
    _record(
        locked,
        actor,
        "item_updated",
        item=current,
        reason=reason,
        after_approval=after_approval,
        before=before,
        after=after,
    )
    _sync(item.plan, locked)
    return current


@transaction.atomic
def remove_item(*, actor: User, item: PlanItem, expected_revision: int | None, reason: str = "") -> None:
    """Take an item (and its milestones) out of the plan; the event keeps what it was."""
    locked, reason, after_approval = _editable(actor, item.plan, expected_revision, reason)
    current = PlanItem.objects.select_for_update().get(pk=item.pk, plan=locked)
    before = item_state(current)
    before["milestones"] = [milestone_state(milestone) for milestone in current.milestones.all()]
    current.delete()
    _bump(locked)
    _record(locked, actor, "item_removed", reason=reason, after_approval=after_approval, before=before)
    _sync(item.plan, locked)


# --- milestones --------------------------------------------------------------------------------


@transaction.atomic
def set_milestone(
    *,
    actor: User,
    item: PlanItem,
    expected_revision: int | None,
    kind: str,
    due_on: date,
    status: str = MilestoneStatus.NOT_STARTED,
    done_on: date | None = None,
    owner: User | None = None,
    evidence: str = "",
    reason: str = "",
    today: date | None = None,
) -> Milestone:
    """Create or change the item's milestone of ``kind``. The due date must fall within the
    plan's years (MilestoneOutsidePlan); done needs its date (DoneNeedsDate), not in the future
    (DoneInFuture); the owner must be staff of the entity (OwnerNotOfEntity). A date given with
    a status other than done is dropped: only done milestones have one."""
    locked, reason, after_approval = _editable(actor, item.plan, expected_revision, reason)
    current_item = PlanItem.objects.get(pk=item.pk, plan=locked)
    if kind not in MilestoneKind.values:
        raise InvalidChoice(field="kind")
    if status not in MilestoneStatus.values:
        raise InvalidChoice(field="status")
    if due_on.year > locked.last_year:
        message = _("This milestone is due after the plan ends (%(last)s). Move it into the plan's years.")
        raise MilestoneOutsidePlan(message % {"last": locked.last_year})
    if due_on.year < locked.first_year:
        message = _("This milestone is due before the plan starts (%(first)s). Move it into the plan's years.")
        raise MilestoneOutsidePlan(message % {"first": locked.first_year})
    if status == MilestoneStatus.DONE:
        if done_on is None:
            raise DoneNeedsDate()
        if done_on > (today or timezone.localdate()):
            raise DoneInFuture()
    else:
        done_on = None
    if owner is not None and not roles_in(owner, locked.entity_id):
        raise OwnerNotOfEntity()
    milestone = Milestone.objects.select_for_update().filter(item=current_item, kind=kind).first()
    before_state = milestone_state(milestone) if milestone is not None else {}
    if milestone is None:
        milestone = Milestone(item=current_item, kind=kind)
    milestone.due_on = due_on
    milestone.status = status
    milestone.done_on = done_on
    milestone.owner = owner
    milestone.evidence = evidence.strip()
    before, after = _changed(before_state, milestone_state(milestone))
    if not after:
        raise NothingChanged()
    # Which milestone it was stays readable in the history whatever changed.
    before, after = ({"kind": kind, **before} if before_state else {}), {"kind": kind, **after}
    milestone.save()
    _bump(locked)
    _record(
        locked,
        actor,
        "milestone_set",
        item=current_item,
        reason=reason,
        after_approval=after_approval,
        before=before,
        after=after,
    )
    _sync(item.plan, locked)
    return milestone
