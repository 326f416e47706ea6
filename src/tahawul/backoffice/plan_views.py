"""Back-office pages for transformation plans: an entity's plan with how each item stands, the
item and milestone forms its admin keeps it with, submitting for approval, the plan's history,
and the authority's approvals queue.

Each view parses, calls one plans action or selector and renders; the plans app decides who may
see and do what. A plan not the user's to see is 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tahawul.backoffice import plan_presenters as presenters
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.backoffice.plan_forms import (
    DecisionForm,
    ItemForm,
    MilestoneForm,
    NewPlanForm,
    RemoveItemForm,
    SubmitPlanForm,
    baseline_initial,
    item_initial,
    typed_values,
)
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Entity, Service
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in, work_entities
from tahawul.plans import actions, selectors
from tahawul.plans.baselines import baseline_from_definition
from tahawul.plans.errors import PlanError, PlanNotAllowed, StalePlan
from tahawul.plans.models import Milestone, MilestoneKind, Plan, PlanItem, PlanStatus, Stage

STAFF_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def _nav(user: User, entity: Entity | None, current: str) -> dict[str, object]:
    roles = roles_in(user, entity.pk) if entity is not None else set()
    return {
        "entity": entity if roles else None,
        "works_here": bool(roles & STAFF_ROLES),
        "is_supervisor": Role.SUPERVISOR in roles,
        "several_entities": len(work_entities(user)) > 1,
        "current_page": current,
        "keeps_plan": Role.ENTITY_ADMIN in roles,
    }


def _entity(user: User, entity_code: str) -> Entity:
    """The entity, if ``user`` may read its plans (404 otherwise)."""
    entity = or_404(lambda: catalog.entity(code=entity_code))
    allowed = selectors.plan_entities(user)
    if allowed is not None and entity.pk not in allowed:
        raise Http404()
    return entity


def _plan(user: User, entity: Entity, plan_id: int) -> Plan:
    plan = or_404(lambda: selectors.access_plan(user, plan_id))
    if plan.entity_id != entity.pk:
        raise Http404()
    return plan


def _item(user: User, entity: Entity, item_id: int) -> PlanItem:
    item = PlanItem.objects.select_related("plan__entity", "service").filter(pk=item_id).first()
    if item is None:
        raise Http404()
    _plan(user, entity, item.plan_id)
    return item


def _keeper(user: User, entity: Entity) -> None:
    """The forms that change a plan are its entity admin's; others who may read it are told no."""
    if Role.ENTITY_ADMIN not in roles_in(user, entity.pk):
        raise PermissionDenied(str(PlanNotAllowed.message))


def _plan_url(plan: Plan) -> str:
    return reverse("backoffice:entity_plan", kwargs={"entity_code": plan.entity.code}) + f"?plan={plan.pk}"


def _refuse(form: forms.Form, error: PlanError) -> None:
    """Show the action's refusal on the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _stale(request: HttpRequest, plan: Plan) -> HttpResponse:
    messages.error(request, str(StalePlan.message))
    return HttpResponseRedirect(_plan_url(plan))


# --- the plan ----------------------------------------------------------------------------------


@require_safe
@login_required
def entity_plan(request: HttpRequest, entity_code: str) -> HttpResponse:
    """The entity's plan: items and how each stands, milestones, what changed since approval."""
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    today = timezone.localdate()
    chosen = request.GET.get("plan", "")
    plan = _plan(user, entity, int(chosen)) if chosen.isdigit() else selectors.current_plan(entity.pk, today=today)
    context: dict[str, Any] = {**_nav(user, entity, "plan"), "shown_entity": entity, "plan": plan}
    if plan is None:
        context["form"] = NewPlanForm(initial={"first_year": today.year, "last_year": today.year + 2})
        return render(request, "backoffice/plans/plan.html", context)
    context.update(presenters.plan_page(plan, user=user, today=today))
    context["submit_form"] = SubmitPlanForm(initial={"revision": plan.revision})
    return render(request, "backoffice/plans/plan.html", context)


@require_POST
@login_required
def new_plan(request: HttpRequest, entity_code: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    form = NewPlanForm(request.POST)
    if form.is_valid():
        try:
            plan = or_404(
                lambda: actions.create_plan(
                    actor=user,
                    entity=entity,
                    first_year=form.cleaned_data["first_year"],
                    last_year=form.cleaned_data["last_year"],
                )
            )
        except PlanError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The plan is created. Add the services it moves online."))
            return HttpResponseRedirect(_plan_url(plan))
    context = {**_nav(user, entity, "plan"), "shown_entity": entity, "plan": None, "form": form}
    return render(request, "backoffice/plans/plan.html", context, status=422)


@require_POST
@login_required
def submit_plan(request: HttpRequest, entity_code: str, plan_id: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = _plan(user, _entity(user, entity_code), plan_id)
    form = SubmitPlanForm(request.POST)
    if not form.is_valid():
        return _stale(request, plan)
    try:
        version = or_404(
            lambda: actions.submit_plan(actor=user, plan=plan, expected_revision=form.cleaned_data["revision"])
        )
    except StalePlan:
        return _stale(request, plan)
    except PlanError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Version %(number)s of the plan is sent to the eGovernment authority for approval.")
            % {"number": version.number},
        )
    return HttpResponseRedirect(_plan_url(plan))


@require_safe
@login_required
def plan_history(request: HttpRequest, entity_code: str, plan_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    plan = _plan(user, entity, plan_id)
    return render(
        request,
        "backoffice/plans/history.html",
        {
            **_nav(user, entity, "plan"),
            "shown_entity": entity,
            "plan": plan,
            "events": presenters.history_rows(selectors.plan_history(plan)),
        },
    )


# --- items -------------------------------------------------------------------------------------


def _service_choices(entity: Entity) -> list[tuple[str, str]]:
    return [(service.code, service.name) for service in Service.objects.filter(entity=entity).order_by("code")]


def _fill_baseline(form_data: Any, entity: Entity) -> tuple[dict[str, Any], str]:
    """The typed values with the baseline read off the chosen service's current definition, or
    why it could not be."""
    values = typed_values(form_data)
    service = Service.objects.filter(entity=entity, code=form_data.get("service", "")).first()
    if service is None:
        return values, _("Choose one of the entity's existing services to fill its baseline.")
    values.update(baseline_initial(baseline_from_definition(service)))
    return values, ""


def _item_page(request: HttpRequest, user: User, entity: Entity, plan: Plan, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request,
        "backoffice/plans/item.html",
        {
            **_nav(user, entity, "plan"),
            "shown_entity": entity,
            "plan": plan,
            "asks_reason": plan.approved_version is not None,
            **context,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def new_item(request: HttpRequest, entity_code: str, plan_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    plan = _plan(user, entity, plan_id)
    _keeper(user, entity)
    services = _service_choices(entity)
    if request.method == "GET":
        form = ItemForm(
            services=services,
            initial={
                "revision": plan.revision,
                "target_stage": Stage.TRANSACTIONAL,
                "target_date": f"{plan.last_year}-12-31",
            },
        )
        return _item_page(request, user, entity, plan, form=form)
    if request.POST.get("do") == "fill":
        values, problem = _fill_baseline(request.POST, entity)
        form = ItemForm(services=services, initial=values)
        return _item_page(request, user, entity, plan, form=form, fill_problem=problem, filled=not problem)
    form = ItemForm(request.POST, services=services, initial={})
    if form.is_valid():
        try:
            or_404(
                lambda: actions.add_item(
                    actor=user,
                    plan=plan,
                    expected_revision=form.cleaned_data["revision"],
                    service_code=form.service_code(),
                    new_name=form.new_name(),
                    baseline=form.baseline(),
                    target_stage=form.cleaned_data["target_stage"],
                    target_channels=form.cleaned_data["target_channels"],
                    target_date=form.cleaned_data["target_date"],
                    reason=form.cleaned_data["reason"],
                )
            )
        except StalePlan:
            return _stale(request, plan)
        except PlanError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The service is added to the plan."))
            return HttpResponseRedirect(_plan_url(plan))
    return _item_page(request, user, entity, plan, form=form, status=422)


@require_http_methods(["GET", "POST"])
@login_required
def edit_item(request: HttpRequest, entity_code: str, item_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    item = _item(user, entity, item_id)
    _keeper(user, entity)
    plan = item.plan
    services = _service_choices(entity)
    context: dict[str, Any] = {"item": item, "label": selectors.item_label(item)}
    context["remove_form"] = RemoveItemForm(prefix="remove", initial={"revision": plan.revision})
    if request.method == "GET":
        form = ItemForm(services=services, initial={**item_initial(item), "revision": plan.revision})
        return _item_page(request, user, entity, plan, form=form, **context)
    if request.POST.get("do") == "fill":
        data = request.POST.copy()
        data["service"] = item.service.code if item.service is not None else ""
        values, problem = _fill_baseline(data, entity)
        form = ItemForm(services=services, initial=values)
        return _item_page(request, user, entity, plan, form=form, fill_problem=problem, filled=not problem, **context)
    data = request.POST.copy()
    data["service"] = item.service.code if item.service is not None else "__new__"
    form = ItemForm(data, services=services, initial={})
    if form.is_valid():
        try:
            or_404(
                lambda: actions.update_item(
                    actor=user,
                    item=item,
                    expected_revision=form.cleaned_data["revision"],
                    baseline=form.baseline(),
                    target_stage=form.cleaned_data["target_stage"],
                    target_channels=form.cleaned_data["target_channels"],
                    target_date=form.cleaned_data["target_date"],
                    new_name=form.new_name(),
                    reason=form.cleaned_data["reason"],
                )
            )
        except StalePlan:
            return _stale(request, plan)
        except PlanError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The item is saved."))
            return HttpResponseRedirect(_plan_url(plan))
    return _item_page(request, user, entity, plan, form=form, status=422, **context)


@require_POST
@login_required
def remove_item(request: HttpRequest, entity_code: str, item_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    item = _item(user, entity, item_id)
    _keeper(user, entity)
    plan = item.plan
    form = RemoveItemForm(request.POST, prefix="remove")
    if not form.is_valid():
        return _stale(request, plan)
    try:
        or_404(
            lambda: actions.remove_item(
                actor=user,
                item=item,
                expected_revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
            )
        )
    except StalePlan:
        return _stale(request, plan)
    except PlanError as error:
        _refuse(form, error)
        edit = ItemForm(services=_service_choices(entity), initial={**item_initial(item), "revision": plan.revision})
        return _item_page(
            request,
            user,
            entity,
            plan,
            form=edit,
            item=item,
            label=selectors.item_label(item),
            remove_form=form,
            status=error.status,
        )
    messages.success(request, _("The item is taken out of the plan."))
    return HttpResponseRedirect(_plan_url(plan))


# --- milestones --------------------------------------------------------------------------------


def _milestone_initial(milestone: Milestone | None, plan: Plan) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": plan.revision}
    if milestone is not None:
        initial.update(
            due_on=milestone.due_on.isoformat(),
            status=milestone.status,
            done_on=milestone.done_on.isoformat() if milestone.done_on else "",
            owner=str(milestone.owner_id or ""),
            evidence=milestone.evidence,
        )
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def edit_milestone(request: HttpRequest, entity_code: str, item_id: int, kind: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(user, entity_code)
    item = _item(user, entity, item_id)
    _keeper(user, entity)
    if kind not in MilestoneKind.values:
        raise Http404()
    plan = item.plan
    milestone = Milestone.objects.filter(item=item, kind=kind).first()
    staff = selectors.possible_owners(entity.pk)
    form = MilestoneForm(
        request.POST if request.method == "POST" else None, staff=staff, initial=_milestone_initial(milestone, plan)
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                or_404(
                    lambda: actions.set_milestone(
                        actor=user,
                        item=item,
                        expected_revision=form.cleaned_data["revision"],
                        kind=kind,
                        due_on=form.cleaned_data["due_on"],
                        status=form.cleaned_data["status"],
                        done_on=form.cleaned_data["done_on"],
                        owner=form.chosen_owner(),
                        evidence=form.cleaned_data["evidence"],
                        reason=form.cleaned_data["reason"],
                    )
                )
            except StalePlan:
                return _stale(request, plan)
            except PlanError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("The milestone is saved."))
                return HttpResponseRedirect(_plan_url(plan))
    return render(
        request,
        "backoffice/plans/milestone.html",
        {
            **_nav(user, entity, "plan"),
            "shown_entity": entity,
            "plan": plan,
            "item": item,
            "label": selectors.item_label(item),
            "kind_label": MilestoneKind(kind).label,
            "kind": kind,
            "form": form,
            "asks_reason": plan.approved_version is not None,
        },
        status=status,
    )


# --- the authority's approvals -----------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    plan: Plan
    summary: selectors.PlanSummary
    form: DecisionForm


def _approvals_page(
    request: HttpRequest,
    user: User,
    bound: DecisionForm | None = None,
    bound_plan: int | None = None,
    status: int = 200,
) -> HttpResponse:
    plans = or_404(lambda: selectors.submitted_plans(user))
    summaries = selectors.national_summary(plans, today=timezone.localdate())
    rows = [
        Waiting(
            plan=row.plan,
            summary=row,
            form=bound
            if bound is not None and bound_plan == row.plan.pk
            else DecisionForm(prefix=f"plan-{row.plan.pk}", initial={"revision": row.plan.revision}),
        )
        for row in summaries
    ]
    return render(
        request,
        "backoffice/plans/approvals.html",
        {**_nav(user, None, "plan_approvals"), "rows": rows, "bound": bound},
        status=status,
    )


@require_safe
@login_required
def plan_approvals(request: HttpRequest) -> HttpResponse:
    """The plans the entities sent for approval, for the authority's staff."""
    return _approvals_page(request, signed_in_user(request))


@require_POST
@login_required
def decide_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = signed_in_user(request)
    plans = {plan.pk: plan for plan in or_404(lambda: selectors.submitted_plans(user))}
    plan = plans.get(plan_id) or or_404(lambda: selectors.access_plan(user, plan_id))
    form = DecisionForm(request.POST, prefix=f"plan-{plan_id}")
    if form.is_valid():
        decide = actions.approve_plan if form.cleaned_data["decision"] == "approve" else actions.return_plan
        try:
            or_404(
                lambda: decide(
                    actor=user,
                    plan=plan,
                    expected_revision=form.cleaned_data["revision"],
                    comment=form.cleaned_data["comment"],
                )
            )
        except StalePlan:
            messages.error(request, str(StalePlan.message))
            return HttpResponseRedirect(reverse("backoffice:plan_approvals"))
        except PlanError as error:
            _refuse(form, error)
        else:
            done = (
                _("The plan of %(entity)s is approved.")
                if plan.status == PlanStatus.APPROVED
                else _("The plan of %(entity)s is returned to it with your comment.")
            )
            messages.success(request, done % {"entity": plan.entity.name})
            return HttpResponseRedirect(reverse("backoffice:plan_approvals"))
    return _approvals_page(request, user, bound=form, bound_plan=plan_id, status=422)
