"""Turning errors into problem+json responses, in the language of the request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tahawul.api.problems import problem_response
from tahawul.applications.errors import InvalidAnswers, NotEligible
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
        "extra_forbidden": lambda: _("This field is not expected here."),
        "string_type": lambda: _("Enter a text."),
        "string_too_short": lambda: _("Enter at least %(limit)s characters.") % {"limit": context.get("min_length")},
        "dict_type": lambda: _("Give an object of named values."),
        "model_attributes_type": lambda: _("Give an object of named values."),
    }
    return messages[kind]() if kind in messages else str(error.get("msg", ""))


def _location(error: Mapping[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ())]
    # ninja nests query parameters and bodies under the argument's name: query.params.page → query.page
    if len(location) >= 3 and location[0] in {"query", "body"}:
        location = [location[0], *location[2:]]
    return ".".join(location)


def _problem(
    request: HttpRequest, *, status: int, code: str, detail: str, errors: Sequence[dict[str, Any]] = ()
) -> HttpResponse:
    response = problem_response(request, status=status, code=code, detail=detail, errors=errors)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _answer_errors(errors: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"location": f"answers.{key}", "field": key, "message": message.in_language()}
        for key, message in errors.items()
    ]


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
        return _problem(request, status=exc.status, code=exc.code, detail=str(exc.message))

    @api.exception_handler(InvalidAnswers)
    def invalid_answers(request: HttpRequest, exc: InvalidAnswers) -> HttpResponse:
        return _problem(
            request, status=exc.status, code=exc.code, detail=str(exc.message), errors=_answer_errors(exc.errors)
        )

    @api.exception_handler(NotEligible)
    def not_eligible(request: HttpRequest, exc: NotEligible) -> HttpResponse:
        errors = [{"location": "answers", "field": None, "message": reason.in_language()} for reason in exc.reasons]
        return _problem(request, status=exc.status, code=exc.code, detail=str(exc.message), errors=errors)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises 400 for a body it cannot parse; its message is English and not for people.
        if exc.status_code == 400:
            return _problem(request, status=400, code="unreadable_body", detail=_("The body is not valid JSON."))
        return _problem(request, status=exc.status_code, code="http_error", detail=str(exc.message))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = _("Send a valid token: Authorization: Bearer <token>, from POST /api/v1/auth/token.")
        return _problem(request, status=401, code="not_authenticated", detail=detail)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(request, status=404, code="not_found")
