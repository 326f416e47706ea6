"""The rules of keeping a plan: who may change it, what it may hold, how approval works, and that a
refused change leaves everything as it was."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from tahawul.catalog.models import Entity
from tahawul.core.text import LocalizedText
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.plans import actions, errors
from tahawul.plans.baselines import Baseline, baseline_from_definition
from tahawul.plans.models import Milestone, Plan, PlanEvent, PlanItem, PlanStatus, PlanVersion, Stage
from tahawul.plans.selectors import changed_since_approval
from tests.plans.conftest import REPLACEMENT, TRANSFER, add_transfer, rev

TODAY = date(2026, 12, 7)


def _events(plan: Plan) -> list[str]:
    return list(PlanEvent.objects.filter(plan=plan).order_by("pk").values_list("action", flat=True))


# --- creating a plan ---------------------------------------------------------------------------


def test_an_entity_admin_creates_a_draft_plan(admin: User, moe: Entity) -> None:
    plan = actions.create_plan(actor=admin, entity=moe, first_year=2026, last_year=2028)
    assert (plan.status, plan.first_year, plan.last_year) == (PlanStatus.DRAFT, 2026, 2028)
    assert _events(plan) == ["plan_created"]


@pytest.mark.parametrize(("first", "last"), [(2028, 2026), (2026, 2036)])
def test_a_plan_runs_forwards_for_at_most_ten_years(admin: User, moe: Entity, first: int, last: int) -> None:
    with pytest.raises(errors.InvalidPeriod):
        actions.create_plan(actor=admin, entity=moe, first_year=first, last_year=last)
    assert not Plan.objects.filter(entity=moe).exists()


def test_ten_years_is_allowed(admin: User, moe: Entity) -> None:
    assert actions.create_plan(actor=admin, entity=moe, first_year=2026, last_year=2035).pk


def test_plans_of_one_entity_do_not_overlap(admin: User, moe: Entity, plan: Plan) -> None:
    with pytest.raises(errors.PeriodTaken):
        actions.create_plan(actor=admin, entity=moe, first_year=2028, last_year=2030)
    assert actions.create_plan(actor=admin, entity=moe, first_year=2029, last_year=2031).pk


def test_only_the_entity_admin_creates_a_plan(moe_officer: User, other_admin: User, moe: Entity) -> None:
    with pytest.raises(errors.PlanNotAllowed):
        actions.create_plan(actor=moe_officer, entity=moe, first_year=2026, last_year=2028)
    with pytest.raises(NotFound):
        actions.create_plan(actor=other_admin, entity=moe, first_year=2026, last_year=2028)


# --- items -------------------------------------------------------------------------------------


def test_the_baseline_of_an_existing_service_comes_from_its_definition(admin: User, plan: Plan) -> None:
    item = add_transfer(admin, plan)
    assert item.baseline_stage == Stage.TRANSACTIONAL
    assert item.baseline_channels == ["web", "mobile", "counter"]
    assert (item.baseline_steps, item.baseline_documents, item.baseline_visits) == (3, 2, 0)
    assert (item.baseline_days, item.baseline_fee_fils) == (9, None)
    assert _events(plan) == ["plan_created", "item_added"]
    assert PlanEvent.objects.get(action="item_added", plan=plan).after["service"] == TRANSFER


def test_a_baseline_counts_visits_and_the_fee(moe: Entity) -> None:
    baseline = baseline_from_definition(moe.services.get(code=REPLACEMENT))
    assert baseline == Baseline(
        stage=Stage.INTERACTIVE,
        channels=baseline.channels,
        steps=3,
        documents=0,
        visits=1,
        days=35,
        fee_fils=5000,
    )


def test_a_new_service_is_named_in_both_languages(admin: User, plan: Plan) -> None:
    item = actions.add_item(
        actor=admin,
        plan=plan,
        expected_revision=rev(plan),
        new_name=LocalizedText(ar="خدمة جديدة", en="A new service"),
        target_stage=Stage.TRANSACTIONAL,
        target_date=date(2028, 3, 1),
    )
    assert (item.service, item.baseline_stage, item.new_name_en) == (None, Stage.OFFLINE, "A new service")
    with pytest.raises(errors.NewServiceNeedsNames):
        actions.add_item(
            actor=admin,
            plan=plan,
            expected_revision=rev(plan),
            new_name=LocalizedText(ar="خدمة أخرى"),
            target_stage=Stage.TRANSACTIONAL,
            target_date=date(2028, 3, 1),
        )


@pytest.mark.parametrize("code", ["NO-SUCH-SERVICE", "MOL-JOBSEEKER-REGISTER"])
def test_an_unknown_or_another_entitys_service_is_refused(admin: User, plan: Plan, code: str) -> None:
    with pytest.raises(errors.UnknownPlanService):
        add_transfer(admin, plan, service_code=code)
    assert not plan.items.exists()


def test_a_service_is_in_a_plan_once(admin: User, plan: Plan, item: PlanItem) -> None:
    with pytest.raises(errors.ServiceAlreadyPlanned):
        add_transfer(admin, plan)


def test_a_target_below_the_baseline_is_refused(admin: User, plan: Plan) -> None:
    with pytest.raises(errors.TargetBelowBaseline) as refused:
        add_transfer(admin, plan, target_stage=Stage.INFORMATIONAL)
    assert refused.value.field == "target_stage"
    assert not plan.items.exists()
    assert _events(plan) == ["plan_created"]


def test_a_target_date_outside_the_plan_is_refused(admin: User, plan: Plan) -> None:
    with translation.override("en"), pytest.raises(errors.DateOutsidePlan) as refused:
        add_transfer(admin, plan, target_date=date(2029, 1, 15))
    assert "2026 to 2028" in str(refused.value.message)


def test_a_form_drawn_before_a_change_is_refused(admin: User, plan: Plan) -> None:
    stale = plan.revision
    add_transfer(admin, plan)
    with pytest.raises(errors.StalePlan):
        actions.add_item(
            actor=admin,
            plan=plan,
            expected_revision=stale,
            service_code=REPLACEMENT,
            target_stage=Stage.TRANSACTIONAL,
            target_date=date(2027, 1, 1),
        )
    assert plan.items.count() == 1


def test_another_entitys_admin_cannot_touch_the_plan(other_admin: User, plan: Plan) -> None:
    with pytest.raises(NotFound):
        add_transfer(other_admin, plan)


def test_an_officer_reads_but_cannot_change_the_plan(moe_officer: User, plan: Plan) -> None:
    with pytest.raises(errors.PlanNotAllowed):
        add_transfer(moe_officer, plan)


def test_updating_an_item_records_what_changed(admin: User, plan: Plan, item: PlanItem) -> None:
    baseline = baseline_from_definition(item.service)  # type: ignore[arg-type]
    actions.update_item(
        actor=admin,
        item=item,
        expected_revision=rev(plan),
        baseline=baseline,
        target_stage=Stage.TRANSACTIONAL,
        target_channels=["web"],
        target_date=date(2027, 6, 30),
    )
    event = PlanEvent.objects.filter(plan=plan, action="item_updated").get()
    assert event.before == {"target_stage": "connected", "target_channels": ["web", "mobile"]}
    assert event.after == {"target_stage": "transactional", "target_channels": ["web"]}
    with pytest.raises(errors.NothingChanged):
        actions.update_item(
            actor=admin,
            item=item,
            expected_revision=rev(plan),
            baseline=baseline,
            target_stage=Stage.TRANSACTIONAL,
            target_channels=["web"],
            target_date=date(2027, 6, 30),
        )


def test_a_lowered_target_is_refused_on_update(admin: User, plan: Plan, item: PlanItem) -> None:
    with pytest.raises(errors.TargetBelowBaseline):
        actions.update_item(
            actor=admin,
            item=item,
            expected_revision=rev(plan),
            baseline=Baseline(stage=Stage.CONNECTED),
            target_stage=Stage.TRANSACTIONAL,
            target_channels=[],
            target_date=date(2027, 6, 30),
        )
    item.refresh_from_db()
    assert item.baseline_stage == Stage.TRANSACTIONAL


def test_removing_an_item_keeps_what_it_was(admin: User, plan: Plan, item: PlanItem) -> None:
    actions.set_milestone(actor=admin, item=item, expected_revision=rev(plan), kind="launch", due_on=date(2027, 6, 1))
    actions.remove_item(actor=admin, item=item, expected_revision=rev(plan))
    assert not plan.items.exists()
    event = PlanEvent.objects.get(plan=plan, action="item_removed")
    assert event.before["service"] == TRANSFER
    assert event.before["milestones"][0]["kind"] == "launch"


# --- milestones --------------------------------------------------------------------------------


def test_a_milestone_after_the_plans_end_is_refused_clearly(admin: User, plan: Plan, item: PlanItem) -> None:
    with translation.override("en"), pytest.raises(errors.MilestoneOutsidePlan) as refused:
        actions.set_milestone(
            actor=admin, item=item, expected_revision=rev(plan), kind="launch", due_on=date(2029, 2, 1)
        )
    assert "after the plan ends (2028)" in str(refused.value.message)
    assert refused.value.field == "due_on"
    assert not Milestone.objects.filter(item=item).exists()


def test_a_milestone_before_the_plan_is_refused(admin: User, plan: Plan, item: PlanItem) -> None:
    with pytest.raises(errors.MilestoneOutsidePlan):
        actions.set_milestone(
            actor=admin, item=item, expected_revision=rev(plan), kind="analysis", due_on=date(2025, 12, 31)
        )


def test_a_done_milestone_needs_a_date_that_has_come(admin: User, plan: Plan, item: PlanItem) -> None:
    common = {"actor": admin, "item": item, "kind": "analysis", "due_on": date(2026, 9, 1), "status": "done"}
    with pytest.raises(errors.DoneNeedsDate):
        actions.set_milestone(expected_revision=rev(plan), **common)  # type: ignore[arg-type]
    with pytest.raises(errors.DoneInFuture):
        actions.set_milestone(
            expected_revision=rev(plan),
            done_on=date(2026, 12, 8),
            today=TODAY,
            **common,  # type: ignore[arg-type]
        )
    milestone = actions.set_milestone(
        expected_revision=rev(plan),
        done_on=date(2026, 9, 10),
        evidence="Analysis report v1",
        today=TODAY,
        **common,  # type: ignore[arg-type]
    )
    assert (milestone.status, milestone.done_on, milestone.evidence) == (
        "done",
        date(2026, 9, 10),
        "Analysis report v1",
    )


def test_setting_a_milestone_again_changes_it(admin: User, plan: Plan, item: PlanItem) -> None:
    actions.set_milestone(actor=admin, item=item, expected_revision=rev(plan), kind="build", due_on=date(2027, 1, 1))
    actions.set_milestone(
        actor=admin, item=item, expected_revision=rev(plan), kind="build", due_on=date(2027, 2, 1), owner=admin
    )
    milestone = Milestone.objects.get(item=item)
    assert (milestone.due_on, milestone.owner) == (date(2027, 2, 1), admin)
    last = PlanEvent.objects.filter(plan=plan, action="milestone_set").order_by("-pk").first()
    assert last is not None
    assert last.before == {"kind": "build", "due_on": "2027-01-01", "owner": None}
    assert last.after == {"kind": "build", "due_on": "2027-02-01", "owner": admin.pk}


def test_a_milestone_owner_works_for_the_entity(admin: User, other_admin: User, plan: Plan, item: PlanItem) -> None:
    with pytest.raises(errors.OwnerNotOfEntity):
        actions.set_milestone(
            actor=admin,
            item=item,
            expected_revision=rev(plan),
            kind="build",
            due_on=date(2027, 1, 1),
            owner=other_admin,
        )


# --- approval ----------------------------------------------------------------------------------


def test_submitting_snapshots_the_plan(admin: User, plan: Plan, item: PlanItem) -> None:
    actions.set_milestone(actor=admin, item=item, expected_revision=rev(plan), kind="launch", due_on=date(2027, 6, 1))
    version = actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    assert (version.number, plan.status) == (1, PlanStatus.SUBMITTED)
    assert version.snapshot["plan"]["first_year"] == 2026
    [snapshot_item] = version.snapshot["items"]
    assert snapshot_item["service"] == TRANSFER
    assert snapshot_item["milestones"][0] == {
        "kind": "launch",
        "due_on": "2027-06-01",
        "status": "not_started",
        "done_on": None,
        "owner": None,
        "evidence": "",
    }
    with pytest.raises(errors.NotInThisStatus):
        actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))


def test_an_empty_plan_is_not_submitted(admin: User, plan: Plan) -> None:
    with pytest.raises(errors.EmptyPlan):
        actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    assert not PlanVersion.objects.filter(plan=plan).exists()


def test_only_the_authority_approves(admin: User, authority: User, plan: Plan, item: PlanItem) -> None:
    actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    with pytest.raises(errors.ApprovalNotAllowed):
        actions.approve_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    actions.approve_plan(actor=authority, plan=plan, expected_revision=rev(plan))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_version) == (PlanStatus.APPROVED, 1)
    with pytest.raises(errors.NotInThisStatus):
        actions.approve_plan(actor=authority, plan=plan, expected_revision=rev(plan))


def test_returning_a_plan_needs_a_comment(admin: User, authority: User, plan: Plan, item: PlanItem) -> None:
    actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    with pytest.raises(errors.CommentRequired):
        actions.return_plan(actor=authority, plan=plan, expected_revision=rev(plan), comment="  ")
    actions.return_plan(actor=authority, plan=plan, expected_revision=rev(plan), comment="Add the launch dates.")
    assert plan.status == PlanStatus.RETURNED
    assert PlanEvent.objects.get(plan=plan, action="plan_returned").reason == "Add the launch dates."
    # Returned, it is the entity's again: changed and submitted anew as version 2.
    actions.set_milestone(actor=admin, item=item, expected_revision=rev(plan), kind="launch", due_on=date(2027, 6, 1))
    assert actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan)).number == 2


def _approved(admin: User, authority: User, plan: Plan) -> None:
    actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    actions.approve_plan(actor=authority, plan=plan, expected_revision=rev(plan))


def test_a_change_after_approval_needs_a_reason(admin: User, authority: User, plan: Plan, item: PlanItem) -> None:
    _approved(admin, authority, plan)
    before = _events(plan)
    with pytest.raises(errors.ReasonRequired):
        actions.set_milestone(
            actor=admin, item=item, expected_revision=rev(plan), kind="launch", due_on=date(2027, 9, 1)
        )
    with pytest.raises(errors.ReasonRequired):
        actions.remove_item(actor=admin, item=item, expected_revision=rev(plan), reason="   ")
    assert _events(plan) == before
    assert not Milestone.objects.filter(item=item).exists()


def test_a_change_after_approval_is_marked_and_the_plan_stays_approved(
    admin: User, authority: User, plan: Plan, item: PlanItem
) -> None:
    _approved(admin, authority, plan)
    assert changed_since_approval(plan) == []
    actions.set_milestone(
        actor=admin,
        item=item,
        expected_revision=rev(plan),
        kind="launch",
        due_on=date(2027, 9, 1),
        reason="The supplier needs three more months.",
    )
    plan.refresh_from_db()
    assert (plan.status, plan.approved_version) == (PlanStatus.APPROVED, 1)
    [change] = changed_since_approval(plan)
    assert (change.after_approval, change.reason) == (True, "The supplier needs three more months.")
    # Submitting the changes for approval keeps version 1 approved until the authority decides.
    actions.submit_plan(actor=admin, plan=plan, expected_revision=rev(plan))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_version) == (PlanStatus.SUBMITTED, 1)
    actions.approve_plan(actor=authority, plan=plan, expected_revision=rev(plan))
    assert plan.approved_version == 2
    assert changed_since_approval(plan) == []
