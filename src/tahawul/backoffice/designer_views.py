"""The service designer's pages: the entity's services with what the simplification linter finds
in their current versions, and one service's versions and findings. For the entity's service
designers and admins; anyone else gets 404, as elsewhere in the back office."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from tahawul.backoffice.case_views import _nav
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.catalog import selectors as catalog
from tahawul.definitions.lint import SEVERITY_RANK, Severity
from tahawul.definitions.lint_selectors import access_entity_lint, access_service_lint

_HEADINGS = {Severity.ERROR: _("Errors"), Severity.WARNING: _("Warnings"), Severity.ADVICE: _("Advice")}


@require_safe
@login_required
def designer_services(request: HttpRequest, entity_code: str) -> HttpResponse:
    """The entity's services: current version, maturity, and findings counted by severity."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    rows = or_404(lambda: access_entity_lint(user, entity))
    context = {
        **_nav(user, entity, "designer_services"),
        "designer_entity": entity,
        "rows": rows,
    }
    return render(request, "backoffice/designer/services.html", context)


@require_safe
@login_required
def designer_service(request: HttpRequest, entity_code: str, service_code: str) -> HttpResponse:
    """One service: its published versions, and its current version's findings explained."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    found = or_404(lambda: access_service_lint(user, entity, service_code))
    groups = [
        (severity, _HEADINGS[severity], [finding for finding in found.current.findings if finding.severity == severity])
        for severity in sorted(Severity, key=SEVERITY_RANK.__getitem__)
    ]
    context = {
        **_nav(user, entity, "designer_services"),
        "designer_entity": entity,
        "service": found.service,
        "versions": found.versions,
        "current": found.current,
        "groups": [group for group in groups if group[2]],
        "report_url": _report_url(entity.code, found.service.code, found.current.version.number, len(found.versions)),
    }
    return render(request, "backoffice/designer/service.html", context)


def _report_url(entity_code: str, service_code: str, current: int, versions: int) -> str | None:
    """The re-engineering report comparing the current version with the one before, when both exist."""
    if versions < 2 or current < 2:
        return None
    try:
        url = reverse("backoffice:reengineering_report", args=[entity_code, service_code])
    except NoReverseMatch:  # the report's pages are built alongside; no link until they exist
        return None
    return f"{url}?from={current - 1}&to={current}"
