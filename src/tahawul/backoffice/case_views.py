"""Staff pages for cases (suggestions, complaints, inquiries, compliments, technical problems):
the entity's queue, the authority's routing queue, one case with its actions, a case filed for a
caller, and publishing a "you said, we did" change.

Each view parses the request, calls one feedback action or selector and renders. The selectors
decide who sees what: anything not the user's to see is 404, as if it did not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tahawul.applications.documents import path_of
from tahawul.applications.errors import BadDocument
from tahawul.backoffice import case_presenters as presenters
from tahawul.backoffice.case_forms import (
    SERVICE_CHANGE_FIELDS,
    STAFF_CASE_FIELDS,
    CaseAssignForm,
    CaseFilterForm,
    CloseForm,
    ReplyForm,
    RouteForm,
    ServiceChangeForm,
    StaffCaseForm,
)
from tahawul.backoffice.forms import RevisionForm
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Entity, Service
from tahawul.core.downloads import private_file
from tahawul.core.errors import DomainError
from tahawul.feedback import cases, selectors
from tahawul.feedback.errors import InvalidFeedback, StaleCase
from tahawul.feedback.models import Case, CaseKind, CaseOutcome, CaseStatus, ContactPreference
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in, work_entities

log = logging.getLogger(__name__)
PAGE_SIZE = 50
PUBLISHERS = frozenset({Role.ENTITY_ADMIN, Role.SUPERVISOR})


def _nav(user: User, entity: Entity | None, current: str) -> dict[str, object]:
    """The back-office navigation; ``entity`` only where the user holds a role (else no links to it)."""
    roles = roles_in(user, entity.pk) if entity is not None else set()
    if not roles & selectors.READ_ROLES:
        entity = None
    return {
        "entity": entity,
        "works_here": bool(roles & cases.CASE_STAFF),
        "is_supervisor": Role.SUPERVISOR in roles,
        "publishes_changes": bool(roles & PUBLISHERS),
        "sets_response_times": Role.ENTITY_ADMIN in roles,
        "several_entities": len(work_entities(user)) > 1,
        "current_page": current,
    }


# --- the queues ----------------------------------------------------------------------------------


@require_safe
@login_required
def case_queue(request: HttpRequest, entity_code: str) -> HttpResponse:
    """The entity's open cases, most urgent first, for its officers, supervisors and admins."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    form = CaseFilterForm(request.GET or None, statuses=[CaseStatus.OPEN, CaseStatus.ANSWERED, CaseStatus.CLOSED])
    valid = not form.is_bound or form.is_valid()
    found = or_404(lambda: selectors.case_queue(user, entity.pk, form.filters() if valid else selectors.CaseFilter()))
    page = rows = None
    if valid:
        page = Paginator(found, PAGE_SIZE).get_page(form.page_number())
        rows = presenters.case_rows(list(page.object_list))
    return render(
        request,
        "backoffice/cases/queue.html",
        {**_nav(user, entity, "cases"), "form": form, "page": page, "rows": rows},
        status=200 if valid else 400,
    )


@require_safe
@login_required
def routing_queue(request: HttpRequest) -> HttpResponse:
    """Cases no entity has yet, for the authority's staff to confirm or choose where they go."""
    user = signed_in_user(request)
    form = CaseFilterForm(
        request.GET or None,
        statuses=[CaseStatus.OPEN, CaseStatus.ANSWERED],
        unfiltered=str(CaseStatus.TO_ROUTE.label),
    )
    valid = not form.is_bound or form.is_valid()
    found = or_404(lambda: selectors.routing_queue(user, form.filters() if valid else selectors.CaseFilter()))
    page = rows = None
    if valid:
        page = Paginator(found, PAGE_SIZE).get_page(form.page_number())
        rows = presenters.case_rows(list(page.object_list))
    return render(
        request,
        "backoffice/cases/routing.html",
        {**_nav(user, None, "routing"), "form": form, "page": page, "rows": rows},
        status=200 if valid else 400,
    )


# --- one case ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorItem:
    text: str
    target: str = ""  # the id of the field to fix, when there is one


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    """One case for the staff who may see it; its entity's officers and supervisors act on it."""
    user = signed_in_user(request)
    found = or_404(lambda: selectors.access_case(user, reference))
    if not selectors.is_case_staff(user, found):
        raise Http404()  # the person who filed it follows it on the portal, not here
    if request.method == "POST":
        return _act(request, user, found)
    return _case_page(request, user, found)


Handler = Callable[[HttpRequest, User, Case, int, dict[str, forms.Form]], HttpResponse | None]


def _act(request: HttpRequest, user: User, found: Case) -> HttpResponse:
    """One of the page's forms was sent: do it, then back to the page (POST/redirect/GET)."""
    handler = _HANDLERS.get(request.POST.get("do", ""))
    if handler is None:
        errors = [ErrorItem(_("Choose one of the actions on the page."))]
        return _case_page(request, user, found, errors=errors, status=400)
    seen = RevisionForm(request.POST)
    if not seen.is_valid():
        return _out_of_date(request, user, found)
    bound: dict[str, forms.Form] = {}  # forms sent back with their errors and what was typed
    try:
        refused = handler(request, user, found, seen.cleaned_data["revision"], bound)
    except StaleCase:
        return _out_of_date(request, user, found)
    except InvalidFeedback as error:
        form = next(iter(bound.values()), None)
        return _refused(request, user, found, bound, _field_errors(form, error), status=error.status)
    except DomainError as error:
        if error.status == 404:
            raise Http404(str(error.message)) from None
        return _refused(request, user, found, bound, [ErrorItem(str(error.message))], status=error.status)
    if refused is not None:
        return refused
    if request.POST.get("back") == "routing":
        return HttpResponseRedirect(reverse("backoffice:routing_queue"))
    return HttpResponseRedirect(reverse("backoffice:case", kwargs={"reference": found.reference}))


def _field_errors(form: forms.Form | None, error: InvalidFeedback) -> list[ErrorItem]:
    """The action's errors on the fields of the form that was sent, for the page and its summary."""
    items = []
    for key, text in error.errors.items():
        message = text.in_language()
        if form is not None and key in form.fields:
            form.add_error(key, message)
            items.append(ErrorItem(message, form.auto_id % key if isinstance(form.auto_id, str) else ""))
        else:
            items.append(ErrorItem(message))
    return items


def _refused(
    request: HttpRequest,
    user: User,
    found: Case,
    bound: dict[str, forms.Form],
    errors: list[ErrorItem],
    *,
    status: int,
) -> HttpResponse:
    current = or_404(lambda: selectors.access_case(user, found.reference))
    return _case_page(request, user, current, bound=bound, errors=errors, status=status)


def _form_errors(form: forms.Form) -> list[ErrorItem]:
    prefix = form.auto_id if isinstance(form.auto_id, str) else "id_%s"
    return [ErrorItem(str(error), prefix % name) for name, items in form.errors.items() for error in items]


def _claim(request: HttpRequest, user: User, found: Case, revision: int, bound: dict[str, forms.Form]) -> None:
    cases.assign_case(case=found, actor=user, assignee=user, expected_revision=revision)
    messages.success(request, _("You have taken this case. It is now in your work."))


def _assign(
    request: HttpRequest, user: User, found: Case, revision: int, bound: dict[str, forms.Form]
) -> HttpResponse | None:
    form = CaseAssignForm(request.POST, handlers=list(selectors.case_handlers(found)), current=found.assignee_id)
    bound["assign"] = form
    if not form.is_valid():
        return _case_page(request, user, found, bound=bound, errors=_form_errors(form), status=422)
    assignee = form.chosen()
    cases.assign_case(case=found, actor=user, assignee=assignee, expected_revision=revision)
    messages.success(request, _("The case is now assigned to %(name)s.") % {"name": assignee})
    return None


def _reply(request: HttpRequest, user: User, found: Case, revision: int, bound: dict[str, forms.Form]) -> None:
    form = ReplyForm(request.POST)
    bound["reply"] = form
    form.is_valid()  # a text field cannot be invalid here; the action checks the reply itself
    cases.reply_to_case(case=found, actor=user, message=form.cleaned_data["message"], expected_revision=revision)
    if found.contact_preference == ContactPreference.NONE:
        messages.success(request, _("Your reply is on the case. The person asked not to be contacted."))
    else:
        messages.success(request, _("Your reply was sent to the person who raised the case."))


def _close(
    request: HttpRequest, user: User, found: Case, revision: int, bound: dict[str, forms.Form]
) -> HttpResponse | None:
    form = CloseForm(request.POST)
    bound["close"] = form
    if not form.is_valid():
        return _case_page(request, user, found, bound=bound, errors=_form_errors(form), status=422)
    data = form.cleaned_data
    cases.close_case(
        case=found,
        actor=user,
        outcome=data["outcome"],
        reason=data["reason"],
        duplicate_of=data["duplicate_of"],
        expected_revision=revision,
    )
    messages.success(request, _("The case is closed."))
    return None


def _route(
    request: HttpRequest, user: User, found: Case, revision: int, bound: dict[str, forms.Form]
) -> HttpResponse | None:
    form = _route_form(found, request.POST)
    bound["route"] = form
    if not form.is_valid():
        return _case_page(request, user, found, bound=bound, errors=_form_errors(form), status=422)
    cases.route_case(
        case=found,
        actor=user,
        service_code=form.cleaned_data["service"],
        entity_code=form.cleaned_data["entity"],
        expected_revision=revision,
    )
    assert found.entity is not None  # routing always names an entity
    messages.success(
        request,
        _("Case %(reference)s is now with %(entity)s.") % {"reference": found.reference, "entity": found.entity.name},
    )
    return None


_HANDLERS: dict[str, Handler] = {
    "claim": _claim,
    "assign": _assign,
    "reply": _reply,
    "close": _close,
    "route": _route,
}


def _route_form(found: Case, data: Any = None) -> RouteForm:
    suggested = found.service or found.suggested_service
    return RouteForm(
        data,
        services=Service.objects.select_related("entity"),
        entities=catalog.entities(),
        suggested=suggested.code if suggested else "",
    )


def _out_of_date(request: HttpRequest, user: User, found: Case) -> HttpResponse:
    current = or_404(lambda: selectors.access_case(user, found.reference))
    return _case_page(request, user, current, stale=True, status=409)


def _case_page(
    request: HttpRequest,
    user: User,
    found: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    errors: list[ErrorItem] | None = None,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    handles = selectors.may_handle(user, found) and not found.is_closed
    routes = cases.is_authority_staff(user) and not found.is_closed
    is_supervisor = found.entity_id is not None and Role.SUPERVISOR in roles_in(user, found.entity_id)
    handlers = list(selectors.case_handlers(found)) if found.entity_id is not None else []
    context = {
        **_nav(user, found.entity, ""),
        "case": found,
        "kind": CaseKind(found.kind).label,
        "status_label": CaseStatus(found.status).label,
        "outcome": CaseOutcome(found.outcome).label if found.outcome else "",
        "contact_preference": ContactPreference(found.contact_preference).label,
        "sla": presenters.sla_of(found, timezone.now()),
        "escalation": presenters.escalation_label(found.escalation),
        "attachments": list(found.attachments.order_by("uploaded_at", "pk")),
        "technical": any((found.doing, found.page, found.client_version, found.error_reference)),
        "timeline": presenters.timeline(found, handlers),
        "can_claim": handles and found.assignee_id is None,
        "can_assign": handles and is_supervisor,
        "can_reply": handles,
        "can_close": handles,
        "can_route": routes,
        "assign_form": bound.get("assign") or CaseAssignForm(handlers=handlers, current=found.assignee_id),
        "reply_form": bound.get("reply") or ReplyForm(),
        "close_form": bound.get("close") or CloseForm(),
        "route_form": (bound.get("route") or _route_form(found)) if routes else None,
        "errors": errors or [],
        "stale": stale,
    }
    return render(request, "backoffice/cases/case.html", context, status=status)


# --- attachments ---------------------------------------------------------------------------------


@require_safe
@login_required
def case_attachment(request: HttpRequest, token: str) -> FileResponse:
    """A file attached to a case, for whoever may see the case; always downloaded, never shown
    inline, so a file that is not what its type says cannot run in the office's pages."""
    found = or_404(lambda: selectors.access_attachment(signed_in_user(request), token))
    return private_file(
        path_of(found.storage_name),
        content_type=found.content_type,
        name=found.original_name,
        fallback_name="attachment",
        inline=False,
    )


# --- a case filed for a caller -------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_case(request: HttpRequest) -> HttpResponse:
    """An officer files a case for someone at the counter or on the telephone, about a service of
    an entity they work for; it is recorded as filed by the officer."""
    user = signed_in_user(request)
    entity_ids = work_entities(user)
    if not entity_ids:
        raise Http404()
    services = Service.objects.filter(entity_id__in=entity_ids).select_related("entity")
    language = (get_language() or "ar")[:2]
    posted = request.method == "POST"
    form = StaffCaseForm(
        request.POST if posted else None, request.FILES if posted else None, services=services, language=language
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                case = cases.open_case(
                    values=form.case_input(),
                    filed_on=form.cleaned_data["channel"],
                    language=form.cleaned_data["language"],
                    client=f"user:{user.pk}",
                    filed_by=user,
                )
            except InvalidFeedback as error:
                for key, text in error.errors.items():
                    form.add_error(STAFF_CASE_FIELDS.get(key, key), text.in_language())
            except BadDocument as error:
                form.add_error("attachments", str(error.message))
            else:
                messages.success(request, _("Case %(reference)s is filed.") % {"reference": case.reference})
                return HttpResponseRedirect(reverse("backoffice:case", kwargs={"reference": case.reference}))
    entity = Entity.objects.get(pk=entity_ids[0]) if len(entity_ids) == 1 else None
    return render(
        request,
        "backoffice/cases/new.html",
        {**_nav(user, entity, "new_case"), "form": form},
        status=status,
    )


# --- "you said, we did" --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_service_change(request: HttpRequest, entity_code: str) -> HttpResponse:
    """An entity's admin or supervisor tells the public what changed because of what people said."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    if not roles_in(user, entity.pk) & PUBLISHERS:
        raise Http404()
    form = ServiceChangeForm(
        request.POST if request.method == "POST" else None, services=Service.objects.filter(entity=entity)
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                or_404(
                    lambda: cases.publish_service_change(
                        actor=user,
                        service_code=form.cleaned_data["service"],
                        you_said=form.you_said(),
                        we_did=form.we_did(),
                        case_references=form.case_references(),
                        version_number=form.cleaned_data["version"],
                    )
                )
            except InvalidFeedback as error:
                for key, text in error.errors.items():
                    form.add_error(_change_field(form, key), text.in_language())
            else:
                messages.success(request, _("The change is published on the “you said, we did” page."))
                return HttpResponseRedirect(reverse("backoffice:cases", kwargs={"entity_code": entity.code}))
    return render(
        request,
        "backoffice/cases/service_change.html",
        {**_nav(user, entity, "service_change"), "form": form},
        status=status,
    )


def _change_field(form: ServiceChangeForm, key: str) -> str | None:
    """The field an error is shown on: of a pair of languages, the one left empty."""
    if key in {"you_said", "we_did"}:
        arabic, english = f"{key}_ar", f"{key}_en"
        return english if form.cleaned_data.get(arabic, "").strip() else arabic
    return SERVICE_CHANGE_FIELDS.get(key, key if key in form.fields else None)
