"""The authority's incident pages: proposals to confirm or dismiss, ongoing and past incidents,
every component's latest check, opening an incident by hand, one incident with its actions
(confirm, dismiss, post an update, resolve) and a component's recent check results.

Each view parses the request, calls one status action or selector and renders. Only the
authority's officers and supervisors get these pages; anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.backoffice.incident_forms import ConfirmForm, DismissForm, OpenIncidentForm, ResolveForm, UpdateForm
from tahawul.identity.models import User
from tahawul.status import incidents, selectors
from tahawul.status.errors import InvalidIncident, NotInThisState, OpenedAMomentAgo, StaleIncident
from tahawul.status.models import Component, Incident, IncidentStatus

NAV = {"entity": None, "several_entities": False}


@dataclass(frozen=True)
class ErrorItem:
    text: str
    target: str = ""  # the id of the field to fix, when there is one


def _field_errors(form: forms.Form, error: InvalidIncident) -> list[ErrorItem]:
    """The action's errors on the form's fields, for the fields and the error summary."""
    items = []
    for key, text in error.errors.items():
        message = text.in_language()
        if key in form.fields:
            form.add_error(key, message)
            items.append(ErrorItem(message, form.auto_id % key if isinstance(form.auto_id, str) else ""))
        else:
            items.append(ErrorItem(message))
    return items


@require_safe
@login_required
def incident_board(request: HttpRequest) -> HttpResponse:
    board = or_404(lambda: selectors.incident_board(request.user))
    return render(request, "backoffice/incidents/board.html", {**NAV, "current_page": "incidents", "board": board})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_incident(request: HttpRequest) -> HttpResponse:
    """Tell the public about a problem the platform's checks have not proposed."""
    user = or_404(lambda: selectors.access_incidents(request.user))
    form = OpenIncidentForm(request.POST if request.method == "POST" else None)
    errors: list[ErrorItem] = []
    status = 200
    if form.is_bound:
        status = 422
        form.is_valid()  # text and choice fields: the action checks what they hold
        try:
            incident = incidents.open_incident(
                actor=user,
                components=form.cleaned_data.get("components") or [],
                impact=form.cleaned_data.get("impact", ""),
                status=form.cleaned_data.get("status") or IncidentStatus.INVESTIGATING,
                title=form.title(),
                message=form.message(),
            )
        except InvalidIncident as error:
            errors = _field_errors(form, error)
        except OpenedAMomentAgo as twice:  # a double click: show the one opened then
            messages.info(request, str(twice.message))
            return HttpResponseRedirect(reverse("backoffice:incident", kwargs={"pk": twice.incident.pk}))
        else:
            messages.success(request, _("The incident is on the status page."))
            return HttpResponseRedirect(reverse("backoffice:incident", kwargs={"pk": incident.pk}))
    return render(
        request,
        "backoffice/incidents/new.html",
        {**NAV, "current_page": "incidents", "form": form, "errors": errors},
        status=status,
    )


# --- one incident --------------------------------------------------------------------------------

Perform = Callable[[User, Incident, Any], Incident]


def _confirm(user: User, found: Incident, form: ConfirmForm) -> Incident:
    data = form.cleaned_data
    return incidents.confirm_incident(
        incident=found,
        actor=user,
        status=data.get("status", ""),
        impact=data.get("impact", ""),
        title=form.title(),
        message=form.message(),
        expected_revision=data["revision"],
    )


def _dismiss(user: User, found: Incident, form: DismissForm) -> Incident:
    data = form.cleaned_data
    return incidents.dismiss_incident(incident=found, actor=user, note=data["note"], expected_revision=data["revision"])


def _update(user: User, found: Incident, form: UpdateForm) -> Incident:
    data = form.cleaned_data
    return incidents.post_update(
        incident=found,
        actor=user,
        status=data.get("status", ""),
        message=form.message(),
        expected_revision=data["revision"],
    )


def _resolve(user: User, found: Incident, form: ResolveForm) -> Incident:
    return incidents.resolve_incident(
        incident=found, actor=user, message=form.message(), expected_revision=form.cleaned_data["revision"]
    )


ACTIONS: dict[str, tuple[type[forms.Form], Perform, Promise]] = {
    "confirm": (ConfirmForm, _confirm, gettext_lazy("The incident is confirmed and on the status page.")),
    "dismiss": (DismissForm, _dismiss, gettext_lazy("The proposal is dismissed. The public never saw it.")),
    "update": (UpdateForm, _update, gettext_lazy("The update is on the status page.")),
    "resolve": (
        ResolveForm,
        _resolve,
        gettext_lazy("The incident is resolved. The people who reported a problem with it are being told."),
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = or_404(lambda: selectors.staff_incident(request.user, pk))
    if request.method == "POST":
        return _act(request, signed_in_user(request), found)
    return _page(request, found)


def _act(request: HttpRequest, user: User, found: Incident) -> HttpResponse:
    """One of the page's forms was sent: do it, then back to the page (POST/redirect/GET)."""
    name = request.POST.get("do", "")
    if name not in ACTIONS:
        return _page(request, found, errors=[ErrorItem(_("Choose one of the actions on the page."))], status=400)
    form_class, perform, done = ACTIONS[name]
    form = form_class(request.POST)
    if not form.is_valid() and "revision" in form.errors:  # the page was not ours, or is too old
        return _page(request, _current(request, found), stale=True, status=409)
    try:
        or_404(lambda: perform(user, found, form))
    except StaleIncident:
        return _page(request, _current(request, found), stale=True, status=409)
    except NotInThisState as error:
        return _page(request, _current(request, found), errors=[ErrorItem(str(error.message))], status=error.status)
    except InvalidIncident as error:
        errors = _field_errors(form, error)
        return _page(request, found, bound={name: form}, errors=errors, status=error.status)
    messages.success(request, str(done))
    return HttpResponseRedirect(reverse("backoffice:incident", kwargs={"pk": found.pk}))


def _current(request: HttpRequest, found: Incident) -> Incident:
    return or_404(lambda: selectors.staff_incident(request.user, found.pk))


def _page(
    request: HttpRequest,
    found: Incident,
    *,
    bound: dict[str, forms.Form] | None = None,
    errors: list[ErrorItem] | None = None,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    proposed = found.status == IncidentStatus.PROPOSED
    ongoing = found.status in {IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING}
    initial = {"title_ar": found.title_ar, "title_en": found.title_en, "impact": found.impact}
    context = {
        **NAV,
        "current_page": "incidents",
        "incident": found,
        "history": selectors.incident_history(found),
        "cases": selectors.linked_cases(found),
        "confirm_form": (bound.get("confirm") or ConfirmForm(initial=initial)) if proposed else None,
        "dismiss_form": (bound.get("dismiss") or DismissForm()) if proposed else None,
        "update_form": (bound.get("update") or UpdateForm(initial={"status": found.status})) if ongoing else None,
        "resolve_form": (bound.get("resolve") or ResolveForm()) if ongoing else None,
        "errors": errors or [],
        "stale": stale,
    }
    return render(request, "backoffice/incidents/incident.html", context, status=status)


@require_safe
@login_required
def check_results(request: HttpRequest, component: str) -> HttpResponse:
    """A component's last checks: when, what state, how fast, and why."""
    results = or_404(lambda: selectors.recent_results(request.user, component))
    return render(
        request,
        "backoffice/incidents/checks.html",
        {**NAV, "current_page": "incidents", "component": Component(component), "results": results},
    )
