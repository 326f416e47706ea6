"""The officer's and supervisor's pages: parse the request, call one action or selector, render.

Staff only. Anyone else, including staff of another entity, gets 404 rather than 403, so the
back office never confirms that an entity's application or page exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tahawul.applications import actions, selectors
from tahawul.applications.errors import StaleApplication
from tahawul.applications.models import Application
from tahawul.applications.selectors import QueueFilter
from tahawul.backoffice import presenters
from tahawul.backoffice.forms import AssignForm, CounterForm, QueueFilterForm, RevisionForm, TransitionForm
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.core.errors import DomainError
from tahawul.definitions.schema import ServiceDefinition, Transition
from tahawul.identity.models import Membership, Role, User
from tahawul.identity.selectors import NotFound, access_person, roles_by_entity, roles_in, work_entities
from tahawul.integrations.selectors import access_staff_service_request

PAGE_SIZE = 50


def _work_entity(user: User, code: str) -> Entity:
    """The entity ``code`` if ``user`` works there as officer or supervisor; 404 otherwise."""
    entity = or_404(lambda: catalog.entity(code=code))
    if entity.pk not in work_entities(user):
        raise Http404()
    return entity


def _nav(user: User, entity: Entity, current: str) -> dict[str, object]:
    return {
        "entity": entity,
        "is_supervisor": Role.SUPERVISOR in roles_in(user, entity.pk),
        "several_entities": len(work_entities(user)) > 1,
        "current_page": current,
    }


# --- home and queue ------------------------------------------------------------------------------


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    entity_ids = work_entities(user)
    if not entity_ids:
        # Staff who handle no applications: an entity admin starts at the entity's cases, a
        # service designer at its services, the authority's analyst at the satisfaction figures.
        return _start_without_applications(user)
    if len(entity_ids) == 1:
        entity = catalog.entities().get(pk=entity_ids[0])
        return redirect("backoffice:queue", entity_code=entity.code)
    entities = [
        (entity, Role.SUPERVISOR in roles_in(user, entity.pk))
        for entity in catalog.entities().filter(pk__in=entity_ids)
    ]
    return render(request, "backoffice/home.html", {"entities": entities, "current_page": "home"})


def _start_without_applications(user: User) -> HttpResponse:
    admin_of = [entity for entity, roles in roles_by_entity(user).items() if Role.ENTITY_ADMIN in roles]
    if admin_of:
        return redirect("backoffice:cases", entity_code=catalog.entities().get(pk=min(admin_of)).code)
    designs_for = [entity for entity, roles in roles_by_entity(user).items() if Role.DESIGNER in roles]
    if designs_for:  # a service designer starts at the services to simplify
        return redirect("backoffice:designer_services", entity_code=catalog.entities().get(pk=min(designs_for)).code)
    if Membership.objects.filter(user=user, role=Role.ANALYST).exists():
        return redirect("insights:satisfaction")
    raise Http404()


@dataclass(frozen=True)
class QueueRow:
    application: Application
    state: str
    channel: str
    sla: str


@require_safe
@login_required
def queue(request: HttpRequest, entity_code: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = _work_entity(user, entity_code)
    services = presenters.entity_services(entity.pk)
    staff = list(selectors.entity_staff(entity.pk))
    form = QueueFilterForm(
        request.GET or None,
        services=[item for item in services if item.takes_applications],
        states=presenters.state_choices(services),
        staff=staff,
    )
    page = rows = None
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else QueueFilter()
        found = or_404(lambda: selectors.queue(user, entity.pk, filters))
        page = Paginator(found, PAGE_SIZE).get_page(form.cleaned_data.get("page") if form.is_bound else 1)
        rows = [_queue_row(application) for application in page.object_list]
    return render(
        request,
        "backoffice/queue.html",
        {**_nav(user, entity, "queue"), "form": form, "page": page, "rows": rows},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _queue_row(application: Application) -> QueueRow:
    definition = selectors.definition_of(application)  # parsed once per version: no query per row
    status = selectors.sla_status(application)
    return QueueRow(
        application=application,
        state=presenters.state_label(definition, application.state),
        channel=presenters.channel_label(application.channel),
        sla=status.value if status else "",
    )


# --- one application -----------------------------------------------------------------------------


@dataclass
class ActionPanel:
    """One workflow action offered on the page, with its own form."""

    transition: Transition
    form: TransitionForm
    id_prefix: str
    is_correction: bool


@dataclass(frozen=True)
class ErrorItem:
    text: str
    target: str = ""  # the id of the field to fix, when there is one


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def application(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in_user(request)
    found = or_404(lambda: selectors.access_staff_application(user, reference))
    if request.method == "POST":
        return _act(request, user, found)
    return _application_page(request, user, found)


def _act(request: HttpRequest, user: User, found: Application) -> HttpResponse:
    """One of the page's forms was sent: do it, then back to the page (POST/redirect/GET)."""
    handler = _HANDLERS.get(request.POST.get("do", ""))
    if handler is None:
        return _application_page(
            request, user, found, errors=[ErrorItem(_("Choose one of the actions on the page."))], status=400
        )
    seen = RevisionForm(request.POST)
    if not seen.is_valid():
        return _out_of_date(request, user, found)
    bound: dict[str, object] = {}  # forms sent back with their errors and what was typed
    try:
        refused = handler(request, user, found, seen.cleaned_data["revision"], bound)
    except StaleApplication:
        return _out_of_date(request, user, found)
    except DomainError as error:
        if error.status == 404:
            raise Http404(str(error.message)) from None
        target = ""
        if error.code == "comment_required":
            target = f"action-{request.POST.get('transition', '')}-comment"
        current = or_404(lambda: selectors.access_staff_application(user, found.reference))
        errors = [ErrorItem(str(error.message), target)]
        return _application_page(request, user, current, bound=bound, errors=errors, status=error.status)
    if refused is not None:
        return refused
    return HttpResponseRedirect(reverse("backoffice:application", kwargs={"reference": found.reference}))


def _claim(
    request: HttpRequest, user: User, found: Application, revision: int, bound: dict[str, object]
) -> HttpResponse | None:
    actions.claim(application=found, actor=user, expected_revision=revision)
    messages.success(request, _("You have claimed this application. It is now in your work."))
    return None


def _assign(
    request: HttpRequest, user: User, found: Application, revision: int, bound: dict[str, object]
) -> HttpResponse | None:
    form = AssignForm(request.POST, staff=list(selectors.entity_staff(found.entity_id)), current=found.assignee_id)
    if not form.is_valid():
        bound["assign"] = form
        errors = [ErrorItem(str(error), "assign-assignee") for error in form.errors["assignee"]]
        return _application_page(request, user, found, bound=bound, errors=errors, status=422)
    assignee = form.chosen()
    actions.assign(application=found, actor=user, assignee=assignee, expected_revision=revision)
    messages.success(request, _("The application is now assigned to %(name)s.") % {"name": assignee})
    return None


def _perform(
    request: HttpRequest, user: User, found: Application, revision: int, bound: dict[str, object]
) -> HttpResponse | None:
    definition = selectors.definition_of(found)
    action = request.POST.get("transition", "")
    transition = _offered(definition, found, action)
    panel = _panel(definition, transition, request.POST) if transition else None
    form = panel.form if panel else TransitionForm(request.POST)
    bound[action] = form
    if not form.is_valid():
        prefix = panel.id_prefix if panel else "action"
        errors = [ErrorItem(str(error), f"{prefix}-{name}") for name, items in form.errors.items() for error in items]
        return _application_page(request, user, found, bound=bound, errors=errors, status=422)
    data = form.cleaned_data
    actions.perform(
        application=found,
        actor=user,
        action=action,
        comment=data["comment"],
        expected_revision=revision,
        correction_fields=data["correction_fields"],
    )
    label = transition.label.in_language() if transition else action
    state = presenters.state_label(definition, found.state)
    messages.success(
        request, _("Done: %(action)s. The application is now “%(state)s”.") % {"action": label, "state": state}
    )
    return None


_HANDLERS: dict[str, Callable[[HttpRequest, User, Application, int, dict[str, object]], HttpResponse | None]] = {
    "claim": _claim,
    "assign": _assign,
    "perform": _perform,
}


def _out_of_date(request: HttpRequest, user: User, found: Application) -> HttpResponse:
    current = or_404(lambda: selectors.access_staff_application(user, found.reference))
    return _application_page(request, user, current, stale=True, status=409)


def _offered(definition: ServiceDefinition, found: Application, action: str) -> Transition | None:
    """The transition named ``action`` from the current state, whoever may take it: the engine
    decides, so an action the page no longer offers is refused by the same rule that hid it."""
    if definition.workflow is None:
        return None
    return next(
        (t for t in definition.workflow.transitions if t.action == action and found.state in t.sources),
        None,
    )


def _panel(definition: ServiceDefinition, transition: Transition, data: object = None) -> ActionPanel:
    correction = presenters.is_correction(definition, transition)
    prefix = f"action-{transition.action}"
    form = TransitionForm(
        data,
        requires_comment=transition.requires_comment,
        corrections=presenters.correction_choices(definition) if correction else None,
        prefix_id=prefix,
    )
    return ActionPanel(transition=transition, form=form, id_prefix=prefix, is_correction=correction)


def _application_page(
    request: HttpRequest,
    user: User,
    found: Application,
    *,
    bound: dict[str, object] | None = None,
    errors: list[ErrorItem] | None = None,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    definition = selectors.definition_of(found)
    roles = roles_in(user, found.entity_id)
    is_supervisor = Role.SUPERVISOR in roles
    staff = list(selectors.entity_staff(found.entity_id))
    documents = selectors.documents_of(found)
    can_claim = found.assignee_id is None and not found.is_closed
    panels = []
    for transition in selectors.allowed_transitions(found, user, definition):
        if can_claim and transition.action == "claim":
            continue  # the Claim button takes this step
        panel = _panel(definition, transition)
        kept = bound.get(transition.action)
        if isinstance(kept, TransitionForm):
            panel.form = kept
        panels.append(panel)
    assign_form = bound.get("assign")
    if not isinstance(assign_form, AssignForm):
        assign_form = AssignForm(staff=staff, current=found.assignee_id)
    status_now = selectors.sla_status(found)
    context = {
        **_nav(user, found.entity, ""),
        "application": found,
        "definition": definition,
        "state": presenters.state_label(definition, found.state),
        "channel": presenters.channel_label(found.channel),
        "sla": status_now.value if status_now else "",
        "answers": presenters.answer_sections(found, definition, documents),
        "documents": presenters.document_rows(definition, documents, with_views=is_supervisor),
        "history": presenters.history(definition, selectors.timeline(found), staff),
        "open311": access_staff_service_request(user, found.reference),
        "correction_labels": _correction_labels(definition, found),
        "can_claim": can_claim,
        "can_assign": is_supervisor and not found.is_closed,
        "assign_form": assign_form,
        "panels": panels,
        "errors": errors or [],
        "stale": stale,
    }
    return render(request, "backoffice/application.html", context, status=status)


def _correction_labels(definition: ServiceDefinition, found: Application) -> list[str]:
    labels = dict(presenters.correction_choices(definition))
    return [labels.get(key, key) for key in found.correction_fields]


# --- supervisor: officer load --------------------------------------------------------------------


@require_safe
@login_required
def load(request: HttpRequest, entity_code: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = _work_entity(user, entity_code)
    officers = or_404(lambda: selectors.officer_load(user, entity.pk))
    breached = or_404(lambda: selectors.queue(user, entity.pk, QueueFilter(sla="breached")))
    page = Paginator(breached, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_queue_row(item) for item in page.object_list]
    return render(
        request,
        "backoffice/load.html",
        {**_nav(user, entity, "load"), "officers": officers, "page": page, "rows": rows},
    )


# --- counter and call centre ---------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def counter(request: HttpRequest, entity_code: str) -> HttpResponse:
    user = signed_in_user(request)
    entity = _work_entity(user, entity_code)
    assisted = {Channel.COUNTER, Channel.CALL_CENTRE}
    services = [
        item
        for item in presenters.entity_services(entity.pk)
        if item.takes_applications and assisted & set(item.definition.channels)
    ]
    form = CounterForm(request.POST if request.method == "POST" else None, services=services)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = access_person(user, national_id=data["national_id"])
                started = actions.start_application(
                    applicant=person, service_code=data["service"], channel=data["channel"], assisted_by=user
                )
            except NotFound as error:
                form.add_error("national_id", str(error.message))
            except DomainError as error:
                form.add_error("service", str(error.message))
            else:
                return HttpResponseRedirect(_first_step(started, form.services[data["service"]].definition))
    return render(
        request,
        "backoffice/counter.html",
        {**_nav(user, entity, "counter"), "form": form, "services": services},
        status=status,
    )


def _first_step(started: Application, definition: ServiceDefinition) -> str:
    """The portal's journey serves the officer too: the first page of the application."""
    if definition.sections:
        kwargs = {"reference": started.reference, "section": definition.sections[0].key}
        return reverse("portal:application_section", kwargs=kwargs)
    name = "portal:application_documents" if definition.documents else "portal:application_review"
    return reverse(name, kwargs={"reference": started.reference})
