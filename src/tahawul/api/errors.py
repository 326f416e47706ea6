"""Turning errors into problem+json responses, in the language of the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from tahawul.api.problems import problem_response
from tahawul.core.errors import DomainError


class InvalidParameters(Exception):
    """Parameters that are well-formed but refer to nothing, by location (``query.entity``)."""

    def __init__(self, problems: Mapping[str, Promise | str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx", {})
    messages = {
        "missing": lambda: _("This parameter is required."),
        "int_parsing": lambda: _("Enter a whole number."),
        "int_type": lambda: _("Enter a whole number."),
        "greater_than_equal": lambda: _("Enter a number of at least %(limit)s.") % {"limit": context.get("ge")},
        "less_than_equal": lambda: _("Enter a number of at most %(limit)s.") % {"limit": context.get("le")},
        "string_too_long": lambda: _("Enter at most %(limit)s characters.") % {"limit": context.get("max_length")},
        "string_pattern_mismatch": lambda: _("This value does not have the expected form."),
        "enum": lambda: _("Use one of: %(expected)s.") % {"expected": context.get("expected", "")},
        "literal_error": lambda: _("Use one of: %(expected)s.") % {"expected": context.get("expected", "")},
    }
    return messages[kind]() if kind in messages else str(error.get("msg", ""))


def _location(error: Mapping[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ())]
    # ninja nests query parameters under the schema's argument name: query.params.page → query.page
    if len(location) >= 3 and location[0] == "query":
        location = [location[0], *location[2:]]
    return ".".join(location)


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"location": _location(error), "message": _pydantic_message(error)} for error in exc.errors]
        return problem_response(request, status=422, code="invalid_parameters", errors=errors)

    @api.exception_handler(InvalidParameters)
    def unknown_references(request: HttpRequest, exc: InvalidParameters) -> HttpResponse:
        errors = [{"location": location, "message": str(message)} for location, message in exc.problems.items()]
        return problem_response(request, status=422, code="invalid_parameters", errors=errors)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem_response(request, status=exc.status, code=exc.code, detail=str(exc.message))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(request, status=404, code="not_found")
