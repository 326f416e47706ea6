"""How plans read: who sees which, item states and forecasts from a hand-made history, the
national roll-ups, and query counts that do not grow with the plans."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tahawul.catalog.models import Entity
from tahawul.identity.models import Membership, Role, User
from tahawul.identity.selectors import NotFound
from tahawul.plans import actions
from tahawul.plans.models import Plan, PlanItem, Stage
from tahawul.plans.selectors import (
    access_plan,
    changes_since,
    entity_slippage_days,
    gantt,
    item_progress,
    national_summary,
    plans_in_scope,
    stage_now_vs_target,
)
from tests.backoffice.conftest import make_person
from tests.plans.conftest import REPLACEMENT, add_transfer, rev

TODAY = date(2026, 12, 7)


def _milestone(admin: User, item: PlanItem, kind: str, due_on: date, done_on: date | None = None) -> None:
    actions.set_milestone(
        actor=admin,
        item=item,
        expected_revision=rev(item.plan),
        kind=kind,
        due_on=due_on,
        status="done" if done_on else "in_progress",
        done_on=done_on,
        today=TODAY,
    )


@pytest.fixture
def history(admin: User, moe: Entity) -> Plan:
    """MOE's earlier plan: three milestones done 10, 20 and 40 days late (median 20)."""
    earlier = actions.create_plan(actor=admin, entity=moe, first_year=2024, last_year=2025)
    item = add_transfer(admin, earlier, target_stage=Stage.TRANSACTIONAL, target_date=date(2025, 12, 1))
    _milestone(admin, item, "analysis", date(2024, 3, 1), date(2024, 3, 11))
    _milestone(admin, item, "build", date(2024, 9, 1), date(2024, 9, 21))
    _milestone(admin, item, "launch", date(2025, 3, 1), date(2025, 4, 10))
    return earlier


def _replacement(admin: User, plan: Plan, target_date: date) -> PlanItem:
    return actions.add_item(
        actor=admin,
        plan=plan,
        expected_revision=rev(plan),
        service_code=REPLACEMENT,
        target_stage=Stage.TRANSACTIONAL,
        target_date=target_date,
    )


# --- scope -------------------------------------------------------------------------------------


def test_staff_see_their_entitys_plans_and_the_authority_sees_all(
    plan: Plan, moe_officer: User, authority: User, other_admin: User
) -> None:
    labour = actions.create_plan(
        actor=other_admin, entity=Entity.objects.get(code="MOL"), first_year=2026, last_year=2027
    )
    analyst = make_person("Analyst Reem")
    Membership.objects.create(user=analyst, entity=None, role=Role.ANALYST)
    beneficiary = make_person("Citizen Ali")
    assert list(plans_in_scope(moe_officer)) == [plan]
    assert set(plans_in_scope(authority)) == {plan, labour}
    assert set(plans_in_scope(analyst)) == {plan, labour}
    assert list(plans_in_scope(beneficiary)) == []
    assert access_plan(moe_officer, plan.pk) == plan
    with pytest.raises(NotFound):
        access_plan(other_admin, plan.pk)
    with pytest.raises(NotFound):
        access_plan(moe_officer, labour.pk)


# --- slippage, states and forecasts ------------------------------------------------------------


def test_slippage_is_the_median_delay_of_done_milestones(history: Plan, moe: Entity) -> None:
    assert entity_slippage_days(moe.pk) == 20
    assert entity_slippage_days(Entity.objects.get(code="MOL").pk) == 0


def test_items_are_late_at_risk_on_track_or_done(admin: User, plan: Plan, history: Plan) -> None:
    late = add_transfer(admin, plan, target_date=date(2027, 12, 31))
    _milestone(admin, late, "analysis", date(2026, 11, 1))
    _milestone(admin, late, "launch", date(2027, 1, 1))
    at_risk = _replacement(admin, plan, target_date=date(2027, 6, 30))
    _milestone(admin, at_risk, "launch", date(2027, 6, 20))  # + 20 days = 10 July, after the target
    on_track = actions.add_item(
        actor=admin,
        plan=plan,
        expected_revision=rev(plan),
        service_code="MOE-CERTIFICATE-EQUIVALENCY",
        target_stage=Stage.CONNECTED,
        target_date=date(2027, 6, 30),
    )
    _milestone(admin, on_track, "launch", date(2027, 5, 1))
    done = actions.add_item(
        actor=admin,
        plan=plan,
        expected_revision=rev(plan),
        service_code="MOE-SCHOOL-REGISTRATION",
        target_stage=Stage.CONNECTED,
        target_date=date(2027, 6, 30),
    )
    _milestone(admin, done, "launch", date(2026, 10, 1), date(2026, 10, 21))  # 20 days late: the median stays

    progress = {row.item.pk: row for row in item_progress(plan, today=TODAY)}

    assert progress[late.pk].state == "late"
    assert [m.kind for m in progress[late.pk].late_milestones] == ["analysis"]
    # The late analysis cannot finish before today, and pushes the launch by the planned gap (61 days).
    assert progress[late.pk].forecast_launch == TODAY + timedelta(days=61)
    assert "36 days late" in progress[late.pk].reasons[0].en

    assert progress[at_risk.pk].state == "at_risk"
    assert progress[at_risk.pk].forecast_launch == date(2027, 7, 10)
    assert "slippage of 20 days" in progress[at_risk.pk].reasons[0].en
    assert "10 يوليو، 2027" in progress[at_risk.pk].reasons[0].ar  # said in both, dates as each language writes them

    assert progress[on_track.pk].state == "on_track"
    assert progress[on_track.pk].forecast_launch == date(2027, 5, 21)
    assert progress[done.pk].state == "done"
    assert progress[done.pk].forecast_launch == date(2026, 10, 21)


def test_without_history_the_forecast_is_the_due_date(admin: User, plan: Plan) -> None:
    item = _replacement(admin, plan, target_date=date(2027, 6, 30))
    _milestone(admin, item, "launch", date(2027, 6, 20))
    [row] = item_progress(plan, today=TODAY)
    assert (row.state, row.forecast_launch) == ("on_track", date(2027, 6, 20))


def test_an_item_is_done_only_once_the_counter_is_retired_if_planned(admin: User, plan: Plan) -> None:
    item = _replacement(admin, plan, target_date=date(2027, 6, 30))
    _milestone(admin, item, "launch", date(2026, 10, 1), date(2026, 10, 1))
    _milestone(admin, item, "retire_counter", date(2027, 3, 1))
    assert item_progress(plan, today=TODAY)[0].state == "on_track"
    _milestone(admin, item, "retire_counter", date(2027, 3, 1), date(2026, 12, 1))
    assert item_progress(plan, today=TODAY)[0].state == "done"


def test_an_item_without_a_launch_is_at_risk(admin: User, plan: Plan, item: PlanItem) -> None:
    [row] = item_progress(plan, today=TODAY)
    with translation.override("en"):
        assert (row.state, row.forecast_launch, str(row.reasons[0])) == (
            "at_risk",
            None,
            "No launch milestone is planned.",
        )


# --- roll-ups ----------------------------------------------------------------------------------


def test_stages_reached_and_planned_per_quarter(admin: User, plan: Plan) -> None:
    transfer = add_transfer(admin, plan, target_date=date(2027, 6, 30))  # transactional → connected
    _milestone(admin, transfer, "launch", date(2026, 10, 1), date(2026, 10, 15))
    _replacement(admin, plan, target_date=date(2027, 3, 31))  # interactive → transactional, not launched
    quarters = [date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1), date(2027, 4, 1)]

    rows = stage_now_vs_target([plan], quarters=quarters)

    reached = [(quarter, {k: v for k, v in counts.counts.items() if v}) for quarter, counts, _ in rows]
    planned = [(quarter, {k: v for k, v in counts.counts.items() if v}) for quarter, _, counts in rows]
    assert reached == [
        (date(2026, 7, 1), {"interactive": 1, "transactional": 1}),
        (date(2026, 10, 1), {"interactive": 1, "connected": 1}),
        (date(2027, 1, 1), {"interactive": 1, "connected": 1}),
        (date(2027, 4, 1), {"interactive": 1, "connected": 1}),
    ]
    assert planned == [
        (date(2026, 7, 1), {"interactive": 1, "transactional": 1}),
        (date(2026, 10, 1), {"interactive": 1, "transactional": 1}),
        (date(2027, 1, 1), {"transactional": 2}),
        (date(2027, 4, 1), {"transactional": 1, "connected": 1}),
    ]
    assert set(rows[0][1].counts) == {stage.value for stage in Stage}


def test_national_summary_counts_items_by_state(admin: User, plan: Plan, history: Plan) -> None:
    late = add_transfer(admin, plan, target_date=date(2027, 12, 31))
    _milestone(admin, late, "analysis", date(2026, 11, 1))
    _replacement(admin, plan, target_date=date(2027, 6, 30))  # no launch: at risk
    summary = {row.plan.pk: row for row in national_summary([history, plan], today=TODAY)}
    assert (summary[plan.pk].items, summary[plan.pk].late, summary[plan.pk].at_risk) == (2, 1, 1)
    assert (summary[history.pk].items, summary[history.pk].done) == (1, 1)


def test_gantt_has_a_bar_per_milestone_from_the_previous_one(admin: User, plan: Plan) -> None:
    item = add_transfer(admin, plan)
    _milestone(admin, item, "launch", date(2027, 6, 20))
    _milestone(admin, item, "analysis", date(2026, 3, 31), date(2026, 4, 2))
    _milestone(admin, item, "build", date(2026, 9, 30))
    bars = gantt([plan], today=TODAY)
    assert [(bar.kind, bar.start, bar.end, bar.late) for bar in bars] == [
        ("analysis", date(2026, 1, 1), date(2026, 3, 31), False),
        ("build", date(2026, 3, 31), date(2026, 9, 30), True),
        ("launch", date(2026, 9, 30), date(2027, 6, 20), False),
    ]
    assert {bar.entity_code for bar in bars} == {"MOE"}
    assert bars[0].item_label.en == "Move your child to another government school"
    assert bars[0].status == "done"


def test_changes_since_lists_what_changed_after_the_moment(admin: User, plan: Plan, item: PlanItem) -> None:
    cut: datetime = timezone.now()
    _milestone(admin, item, "launch", date(2027, 6, 20))
    actions.remove_item(actor=admin, item=item, expected_revision=rev(plan))
    assert [event.action for event in changes_since([plan], since=cut)] == ["item_removed", "milestone_set"]
    assert changes_since([plan], since=timezone.now()) == []


# --- query counts ------------------------------------------------------------------------------


def _plan_with_items(code: str, services: int) -> Plan:
    entity = Entity.objects.get(code=code)
    admin = make_person(f"Admin {code}", entity_admin=code)
    plan = actions.create_plan(actor=admin, entity=entity, first_year=2026, last_year=2028)
    for service in entity.services.order_by("code")[:services]:
        item = actions.add_item(
            actor=admin,
            plan=plan,
            expected_revision=rev(plan),
            service_code=service.code,
            baseline=None,
            target_stage=Stage.CONNECTED,
            target_date=date(2028, 6, 30),
        )
        for kind, due in (("analysis", date(2026, 6, 1)), ("launch", date(2027, 6, 1))):
            _milestone(admin, item, kind, due, date(2026, 6, 5) if kind == "analysis" else None)
    return plan


def _queries(plans: list[Plan]) -> list[int]:
    counts = []
    for read in (
        lambda: national_summary(plans, today=TODAY),
        lambda: gantt(plans, today=TODAY),
        lambda: stage_now_vs_target(plans, quarters=[date(2026, 1, 1), date(2026, 4, 1)]),
        lambda: [item_progress(plan, today=TODAY) for plan in plans[:1]],
    ):
        with CaptureQueriesContext(connection) as captured:
            read()
        counts.append(len(captured))
    return counts


def test_roll_ups_take_the_same_queries_whatever_the_size(db: None, django_assert_max_num_queries: Any) -> None:
    small = [_plan_with_items("MOE", 1)]
    few = _queries(small)
    large = [*small, _plan_with_items("MOH", 3), _plan_with_items("NPRA", 3)]
    assert _queries(large) == few
    with django_assert_max_num_queries(3):
        national_summary(large, today=TODAY)
    with django_assert_max_num_queries(2):
        gantt(large, today=TODAY)
