"""The entity admin's pages for integrations: the integrators' API keys for the entity (issue, shown
once; revoke; last use) and which of its services Open311 clients can request, as applications
or cases. Anyone but the entity's admins gets 404, as elsewhere in the back office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tahawul.backoffice.case_views import _nav
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.backoffice.integration_forms import NEW_INTEGRATOR, IssueKeyForm, Open311ServiceForm
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.integrations import selectors
from tahawul.integrations.errors import InvalidIntegration, KeyAlreadyIssued
from tahawul.integrations.keys import IssuedKey, issue_api_key, register_integrator, revoke_api_key
from tahawul.integrations.models import Becomes
from tahawul.integrations.open311 import configure_open311_service

# What the actions call a field, as the issuing form calls it.
_FORM_FIELD = {"name": "new_name", "contact_email": "new_email", "integrator": "integrator"}


def _entity(code: str) -> Entity:
    return or_404(lambda: catalog.entity(code=code))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_keys(request: HttpRequest, entity_code: str) -> HttpResponse:
    """The entity's keys; POST issues one, shown on the answer and never again."""
    user = signed_in_user(request)
    entity = _entity(entity_code)
    keys = or_404(lambda: list(selectors.entity_api_keys(user, entity)))
    integrators = list(selectors.integrators())
    form = IssueKeyForm(request.POST if request.method == "POST" else None, integrators=integrators)
    issued = None
    if form.is_bound and form.is_valid():
        try:
            issued = _issue(user, entity, form.cleaned_data)
        except InvalidIntegration as error:
            for field, text in error.errors.items():
                form.add_error(_FORM_FIELD.get(field), text.in_language())
        except KeyAlreadyIssued as error:
            form.add_error("integrator", str(error.message))
        else:
            keys = list(selectors.entity_api_keys(user, entity))
            form = IssueKeyForm(integrators=list(selectors.integrators()))
    context = {**_nav(user, entity, "integrations"), "keys": keys, "form": form, "issued": issued}
    response = render(request, "backoffice/integrations/keys.html", context, status=422 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # a new key is on the page: keep it out of every cache
    return response


def _issue(user: User, entity: Entity, data: dict[str, Any]) -> IssuedKey:
    with transaction.atomic():  # a new integrator is registered only if its key is issued too
        if data["integrator"] == NEW_INTEGRATOR:
            integrator = register_integrator(actor=user, name=data["new_name"], contact_email=data["new_email"])
        else:
            integrator = selectors.integrators().get(pk=data["integrator"])
        return issue_api_key(actor=user, integrator=integrator, entity=entity)


@login_required
@require_POST
def revoke_key(request: HttpRequest, entity_code: str, key_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entity = _entity(entity_code)
    api_key = or_404(lambda: selectors.entity_api_key(user, entity, key_id))
    revoke_api_key(actor=user, api_key=api_key)
    messages.success(
        request,
        _("The key %(key)s… of %(integrator)s is revoked: it no longer works.")
        % {"key": api_key.prefix, "integrator": api_key.integrator.name},
    )
    return HttpResponseRedirect(reverse("backoffice:integrations", kwargs={"entity_code": entity.code}))


@login_required
@require_http_methods(["GET", "HEAD"])
def open311_services(request: HttpRequest, entity_code: str) -> HttpResponse:
    """Each of the entity's services with its Open311 setting, a form each."""
    user = signed_in_user(request)
    entity = _entity(entity_code)
    return _settings_page(request, user, entity)


@login_required
@require_POST
def open311_service(request: HttpRequest, entity_code: str, service_code: str) -> HttpResponse:
    """Save one service's setting; the page comes back with the errors when the action refuses."""
    user = signed_in_user(request)
    entity = _entity(entity_code)
    row = next(
        (
            item
            for item in or_404(lambda: selectors.entity_service_settings(user, entity))
            if item.service.code == service_code
        ),
        None,
    )
    if row is None:
        raise Http404()
    form = _service_form(row, request.POST)
    if form.is_valid():
        try:
            configure_open311_service(actor=user, service=row.service, **form.cleaned_data)
        except InvalidIntegration as error:
            for field, text in error.errors.items():
                form.add_error(field if field in form.fields else None, text.in_language())
        else:
            messages.success(request, _("The Open311 setting of %(service)s is saved.") % {"service": row.service.name})
            url = reverse("backoffice:open311_services", kwargs={"entity_code": entity.code})
            return HttpResponseRedirect(f"{url}#service-{row.service.code}")
    return _settings_page(request, user, entity, bound=form, status=422)


def _service_form(row: selectors.ServiceSetting, data: Any = None) -> Open311ServiceForm:
    setting = row.setting
    initial = {
        "exposed": setting.exposed if setting else False,
        "becomes": setting.becomes if setting else (Becomes.CASE if row.not_an_application else Becomes.APPLICATION),
        "public_location": setting.public_location if setting else False,
    }
    form = Open311ServiceForm(data, initial=initial, prefix=row.service.code)
    if row.not_an_application:
        # Offer only what the service can take; the reasons are on the page.
        form.fields["becomes"].choices = [(Becomes.CASE.value, Becomes.CASE.label)]  # type: ignore[attr-defined]
    return form


def _settings_page(
    request: HttpRequest, user: User, entity: Entity, *, bound: Open311ServiceForm | None = None, status: int = 200
) -> HttpResponse:
    rows = or_404(lambda: selectors.entity_service_settings(user, entity))
    forms = [bound if bound is not None and bound.prefix == row.service.code else _service_form(row) for row in rows]
    context = {
        **_nav(user, entity, "integrations"),
        "rows": list(zip(rows, forms, strict=True)),
        "form": bound,
        "endpoint": request.build_absolute_uri("/open311/v2/"),
    }
    return render(request, "backoffice/integrations/open311.html", context, status=status)
