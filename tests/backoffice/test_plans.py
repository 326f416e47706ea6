"""The plan pages as an entity admin and the authority use them: in Arabic and English, errors
shown next to their fields and in the summary, the approval flow, and 404 for other entities."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.plans import actions
from tahawul.plans.models import Milestone, Plan, PlanEvent, PlanItem, PlanStatus, Stage
from tests.backoffice.conftest import logged_in, make_person

TRANSFER = "MOE-SCHOOL-TRANSFER"


@pytest.fixture
def admin(db: None) -> User:
    return make_person("Admin Huda", entity_admin="MOE")


@pytest.fixture
def authority(db: None) -> User:
    return make_person("Authority Noor", officer="IGA")


@pytest.fixture
def plan(admin: User) -> Plan:
    return actions.create_plan(actor=admin, entity=Entity.objects.get(code="MOE"), first_year=2026, last_year=2028)


@pytest.fixture
def item(admin: User, plan: Plan) -> PlanItem:
    return actions.add_item(
        actor=admin,
        plan=plan,
        expected_revision=plan.revision,
        service_code=TRANSFER,
        target_stage=Stage.CONNECTED,
        target_channels=["web"],
        target_date=date(2027, 6, 30),
    )


def _revision(plan: Plan) -> str:
    plan.refresh_from_db()
    return str(plan.revision)


def _item_post(plan: Plan, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "revision": _revision(plan),
        "service": TRANSFER,
        "baseline_stage": "transactional",
        "baseline_channels": ["web", "counter"],
        "baseline_steps": "3",
        "baseline_documents": "2",
        "baseline_visits": "0",
        "baseline_days": "9",
        "baseline_fee": "",
        "target_stage": "connected",
        "target_channels": ["web", "mobile"],
        "target_date": "2027-06-30",
        "do": "save",
    }
    data.update(changes)
    return data


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary is not None, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_an_admin_without_a_plan_is_offered_to_start_one(admin: User, lang: str, direction: str) -> None:
    response = logged_in(admin).get(f"/{lang}/office/MOE/plan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'dir="{direction}"' in html
    assert 'name="first_year"' in html
    assert f'<html lang="{lang}"' in html


def test_creating_a_plan_with_reversed_years_shows_the_error(admin: User) -> None:
    response = logged_in(admin).post("/en/office/MOE/plan/new/", {"first_year": "2028", "last_year": "2026"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "at most ten years" in html
    assert _summary_links(html) == ["id_first_year"]
    assert not Plan.objects.filter(entity__code="MOE").exists()


def test_creating_a_plan_leads_to_it(admin: User) -> None:
    response = logged_in(admin).post("/ar/office/MOE/plan/new/", {"first_year": "٢٠٢٦", "last_year": "2028"})
    plan = Plan.objects.get(entity__code="MOE")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?plan={plan.pk}")
    assert (plan.first_year, plan.last_year) == (2026, 2028)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_plan_page_shows_items_states_and_milestones(admin: User, plan: Plan, item: PlanItem, lang: str) -> None:
    actions.set_milestone(
        actor=admin, item=item, expected_revision=int(_revision(plan)), kind="analysis", due_on=date(2026, 1, 31)
    )
    response = logged_in(admin).get(f"/{lang}/office/MOE/plan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{lang}"' in html
    if lang == "en":
        assert "Move your child to another government school" in html
        assert "Late" in html  # the analysis was due on 31 January 2026
        assert "was due on Jan. 31, 2026 and is not done" in html
        assert "Submit the plan for approval" in html
    else:
        assert "نقل طالب بين المدارس الحكومية" in html
    assert f"/office/MOE/plan/items/{item.pk}/milestones/launch/" in html


def test_the_fill_button_reads_the_baseline_off_the_definition(admin: User, plan: Plan) -> None:
    response = logged_in(admin).post(
        f"/en/office/MOE/plan/{plan.pk}/items/new/",
        _item_post(plan, do="fill", baseline_steps="0", baseline_days="", baseline_stage="offline"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "filled from the service" in html
    assert re.search(r'name="baseline_days" value="9"', html)
    assert re.search(r'<option value="transactional" selected', html)
    assert not plan.items.exists()  # filling saves nothing


def test_adding_an_item_with_a_target_below_the_baseline_shows_the_error(admin: User, plan: Plan) -> None:
    response = logged_in(admin).post(
        f"/en/office/MOE/plan/{plan.pk}/items/new/", _item_post(plan, target_stage="informational")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "cannot be below the stage the service is at now" in html
    assert _summary_links(html) == ["id_target_stage"]
    assert 'aria-invalid="true"' in html
    assert not plan.items.exists()


def test_adding_an_item(admin: User, plan: Plan) -> None:
    response = logged_in(admin).post(f"/en/office/MOE/plan/{plan.pk}/items/new/", _item_post(plan))
    assert response.status_code == 302
    item = plan.items.get()
    assert (item.baseline_channels, item.target_channels) == (["web", "counter"], ["web", "mobile"])


def test_a_milestone_after_the_plans_end_is_shown_on_its_field(admin: User, plan: Plan, item: PlanItem) -> None:
    url = f"/en/office/MOE/plan/items/{item.pk}/milestones/launch/"
    response = logged_in(admin).post(
        url, {"revision": _revision(plan), "due_on": "2029-03-01", "status": "not_started", "owner": ""}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "after the plan ends (2028)" in html
    assert _summary_links(html) == ["id_due_on"]
    assert not Milestone.objects.filter(item=item).exists()


def test_a_done_milestone_without_its_date_is_refused(admin: User, plan: Plan, item: PlanItem) -> None:
    url = f"/ar/office/MOE/plan/items/{item.pk}/milestones/analysis/"
    response = logged_in(admin).post(url, {"revision": _revision(plan), "due_on": "2026-03-01", "status": "done"})
    assert response.status_code == 422
    assert _summary_links(response.content.decode()) == ["id_done_on"]


def test_a_stale_form_changes_nothing_and_says_so(admin: User, plan: Plan, item: PlanItem) -> None:
    stale = _revision(plan)
    actions.set_milestone(actor=admin, item=item, expected_revision=int(stale), kind="build", due_on=date(2026, 6, 1))
    client = logged_in(admin)
    response = client.post(
        f"/en/office/MOE/plan/items/{item.pk}/milestones/build/",
        {"revision": stale, "due_on": "2026-07-01", "status": "not_started"},
        follow=True,
    )
    assert "Someone else changed this plan" in response.content.decode()
    assert Milestone.objects.get(item=item).due_on == date(2026, 6, 1)


def test_submit_approve_then_a_change_needs_a_reason(admin: User, authority: User, plan: Plan, item: PlanItem) -> None:
    entity_admin = logged_in(admin)
    response = entity_admin.post(f"/en/office/MOE/plan/{plan.pk}/submit/", {"revision": _revision(plan)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    desk = logged_in(authority)
    queue = desk.get("/en/office/plans/approvals/").content.decode()
    assert "Plans waiting for approval" in queue
    assert f'action="/en/office/plans/approvals/{plan.pk}/"' in queue
    prefix = f"plan-{plan.pk}"
    returned = desk.post(
        f"/en/office/plans/approvals/{plan.pk}/",
        {f"{prefix}-revision": _revision(plan), f"{prefix}-decision": "return", f"{prefix}-comment": ""},
    )
    assert returned.status_code == 422
    assert _summary_links(returned.content.decode()) == [f"id_{prefix}-comment"]
    approved = desk.post(
        f"/en/office/plans/approvals/{plan.pk}/",
        {f"{prefix}-revision": _revision(plan), f"{prefix}-decision": "approve", f"{prefix}-comment": ""},
    )
    assert approved.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.approved_version) == (PlanStatus.APPROVED, 1)

    url = f"/en/office/MOE/plan/items/{item.pk}/milestones/launch/"
    page = entity_admin.get(url).content.decode()
    assert 'name="reason"' in page  # an approved plan asks why
    without = entity_admin.post(url, {"revision": _revision(plan), "due_on": "2027-05-01", "status": "not_started"})
    assert without.status_code == 422
    assert _summary_links(without.content.decode()) == ["id_reason"]
    with_reason = entity_admin.post(
        url,
        {"revision": _revision(plan), "due_on": "2027-05-01", "status": "not_started", "reason": "Supplier chosen."},
    )
    assert with_reason.status_code == 302
    assert PlanEvent.objects.get(plan=plan, action="milestone_set").after_approval

    page = entity_admin.get("/en/office/MOE/plan/").content.decode()
    assert "Changed since approval: 1 change" in page
    history = desk.get(f"/en/office/MOE/plan/{plan.pk}/history/").content.decode()
    assert "history__entry--after-approval" in history
    assert "Supplier chosen." in history
    assert "Approved" in history


def test_only_the_authority_sees_the_approvals(admin: User) -> None:
    assert logged_in(admin).get("/en/office/plans/approvals/").status_code == 404


def test_an_officer_of_another_entity_gets_404(plan: Plan, item: PlanItem) -> None:
    stranger = make_person("Labour Officer", officer="MOL", entity_admin="MOL")
    client = logged_in(stranger)
    for url in (
        "/en/office/MOE/plan/",
        f"/en/office/MOE/plan/?plan={plan.pk}",
        f"/en/office/MOL/plan/?plan={plan.pk}",
        f"/en/office/MOE/plan/{plan.pk}/history/",
        f"/en/office/MOE/plan/items/{item.pk}/",
        f"/en/office/MOE/plan/items/{item.pk}/milestones/launch/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/en/office/MOE/plan/{plan.pk}/submit/", {"revision": "1"}).status_code == 404


def test_an_officer_of_the_entity_reads_the_plan_but_has_no_forms(plan: Plan, item: PlanItem) -> None:
    officer = make_person("Officer Amal", officer="MOE")
    html = logged_in(officer).get("/en/office/MOE/plan/").content.decode()
    assert "Move your child to another government school" in html
    assert "Submit the plan for approval" not in html
    assert f"/office/MOE/plan/items/{item.pk}/" not in html  # no links to the forms
    assert logged_in(officer).get(f"/en/office/MOE/plan/items/{item.pk}/").status_code == 403
    response = logged_in(officer).post(f"/en/office/MOE/plan/items/{item.pk}/", _item_post(plan))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.target_channels == ["web"]


def test_anonymous_people_are_sent_to_sign_in(plan: Plan) -> None:
    assert Client().get("/en/office/MOE/plan/").status_code == 302


def test_taking_an_item_out_of_an_approved_plan_needs_a_reason(
    admin: User, authority: User, plan: Plan, item: PlanItem
) -> None:
    actions.submit_plan(actor=admin, plan=plan, expected_revision=int(_revision(plan)))
    actions.approve_plan(actor=authority, plan=plan, expected_revision=int(_revision(plan)))
    url = f"/en/office/MOE/plan/items/{item.pk}/remove/"
    refused = logged_in(admin).post(url, {"remove-revision": _revision(plan), "remove-reason": ""})
    assert refused.status_code == 422
    assert _summary_links(refused.content.decode()) == ["id_remove-reason"]
    assert plan.items.exists()
    removed = logged_in(admin).post(url, {"remove-revision": _revision(plan), "remove-reason": "Merged into another."})
    assert removed.status_code == 302
    assert not plan.items.exists()
    history = logged_in(authority).get(f"/en/office/MOE/plan/{plan.pk}/history/").content.decode()
    assert "Service taken out" in history
    assert "Merged into another." in history


def test_the_plan_page_reads_a_fixed_number_of_queries(
    admin: User, plan: Plan, item: PlanItem, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(admin)
    client.get("/en/office/MOE/plan/")  # the session and the caches settle

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/office/MOE/plan/").status_code == 200
        return len(captured)

    few = queries()
    for code in ("MOE-CERTIFICATE-REPLACEMENT", "MOE-CERTIFICATE-EQUIVALENCY", "MOE-SCHOOL-REGISTRATION"):
        more = actions.add_item(
            actor=admin,
            plan=plan,
            expected_revision=int(_revision(plan)),
            service_code=code,
            target_stage=Stage.CONNECTED,
            target_date=date(2027, 6, 30),
        )
        for kind in ("analysis", "build", "launch"):
            actions.set_milestone(
                actor=admin,
                item=more,
                expected_revision=int(_revision(plan)),
                kind=kind,
                due_on=date(2026, 6, 1),
                owner=admin,
            )
    assert queries() == few
    with django_assert_max_num_queries(few):
        client.get("/en/office/MOE/plan/")
