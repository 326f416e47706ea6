"""Error pages for the whole site: problem+json under /api/, the portal's pages elsewhere."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tahawul.api.problems import problem_response, wants_problem_json
from tahawul.core.references import new_reference

log = logging.getLogger(__name__)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_problem_json(request):
        return problem_response(request, status=404, code="not_found")
    return render(request, "portal/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_problem_json(request):
        return problem_response(request, status=500, code="server_error")
    # A reference the person can quote when reporting the problem, found again in the log.
    reference = new_reference("ER")
    log.error("error reference %s for %s %s", reference, request.method, request.path)
    return render(request, "portal/500.html", {"error_reference": reference}, status=500)
