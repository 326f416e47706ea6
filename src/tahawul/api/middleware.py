"""Errors that django-ninja answers as plain text, answered as problem+json like all the others."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tahawul.api.problems import PROBLEM_CONTENT_TYPE, problem_response


class ProblemJsonForApiErrors:
    """A wrong method under /api/ (ninja's 405 is plain text) becomes a problem document."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and response.get("Content-Type") != PROBLEM_CONTENT_TYPE
        ):
            problem = problem_response(request, status=405, code="method_not_allowed")
            problem["Allow"] = response.get("Allow", "")
            return problem
        return response
