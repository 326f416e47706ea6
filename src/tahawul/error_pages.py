"""Error pages for the whole site: problem+json under /api/, the portal's pages elsewhere."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from tahawul.api.problems import problem_response, wants_problem_json
from tahawul.catalog.errors import UnknownService
from tahawul.catalog.selectors import service_listing
from tahawul.core.references import new_reference
from tahawul.feedback.models import Endpoint
from tahawul.feedback.selectors import rateable_application
from tahawul.identity.selectors import NotFound

log = logging.getLogger(__name__)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_problem_json(request):
        return problem_response(request, status=404, code="not_found")
    return render(request, "portal/404.html", {"rate_url": _rate_url(request)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_problem_json(request):
        return problem_response(request, status=500, code="server_error")
    # A reference the person can quote when reporting the problem, found again in the log.
    reference = new_reference("ER")
    log.error("error reference %s for %s %s", reference, request.method, request.path)
    context = {"error_reference": reference, "rate_url": _rate_url(request)}
    return render(request, "portal/500.html", context, status=500)


def _rate_url(request: HttpRequest) -> str:
    """Where to rate the service whose page failed: an error is an end point of a journey too, and
    asking only after a success would flatter the service. Empty when the page names no service
    the person may rate (and when the database is what failed)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    if match.namespace != "portal":
        return ""
    query = {"endpoint": Endpoint.ERROR.value}
    try:
        reference = match.kwargs.get("reference", "")
        user = getattr(request, "user", None)
        if reference and user is not None and user.is_authenticated:  # the applicant's own transaction
            application = rateable_application(user, reference)
            code = application.service.code
            query["application"] = application.reference
        else:
            code = service_listing(code=match.kwargs.get("code") or match.kwargs.get("service_code", "")).code
    except (NotFound, UnknownService, DatabaseError):
        return ""
    return reverse("portal:rate_service", kwargs={"service_code": code}) + "?" + urlencode(query)
