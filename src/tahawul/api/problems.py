"""``application/problem+json`` (RFC 9457): the API's one error format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: lambda: _("The request is not valid."),
    401: lambda: _("You are not logged in."),
    402: lambda: _("Payment is needed."),
    403: lambda: _("This is not allowed."),
    404: lambda: _("Not found."),
    405: lambda: _("This method is not allowed here."),
    409: lambda: _("This conflicts with the current state."),
    422: lambda: _("Some parameters are not valid."),
    429: lambda: _("Too many requests. Please wait before trying again."),
    500: lambda: _("Something went wrong on our side."),
}


def wants_problem_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
) -> HttpResponse:
    """A problem document: ``type`` (a stable URI per code), ``title``, ``status``, ``detail``,
    ``code`` and, for invalid input, ``errors`` (one per parameter, each with a ``location``)."""
    title = _TITLES.get(status, lambda: HTTPStatus(status).phrase)()
    body: dict[str, Any] = {
        "type": f"https://tahawul.example/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail or title,
        "instance": request.path,
    }
    if errors:
        body["errors"] = list(errors)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)
