"""The GeoReport v2 endpoints. Each parses the request, calls one selector or action, and renders
the document in the format its address ends with.

Every answer under /open311/v2/, errors included, is GeoReport v2 XML or JSON in the request's
language: the ``locale`` parameter (``en``, ``ar``, ``en_US``...), else Accept-Language, else
Arabic. No cookie or CSRF token is involved; a POST carries its api_key.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import get_language, get_language_from_request, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tahawul.api.open311 import documents
from tahawul.api.open311.errors import domain_error_response, error_response
from tahawul.api.open311.formats import FORMATS, render
from tahawul.api.open311.listing import listed_requests
from tahawul.api.open311.parsing import list_query, parameters, posted_request
from tahawul.api.open311.requests import submit
from tahawul.applications import idempotency
from tahawul.core.errors import DomainError
from tahawul.core.text import LANGUAGES, bilingual
from tahawul.integrations.errors import InvalidServiceRequest
from tahawul.integrations.limits import consume_request_allowance
from tahawul.integrations.selectors import (
    api_key_for,
    requestable_service,
    requestable_services,
    service_request_for_token,
)
from tahawul.integrations.selectors import service_request as request_by_id

log = logging.getLogger(__name__)
READ = ("GET", "HEAD")
IDEMPOTENCY_KEY_MAX_LENGTH = 100  # as in the JSON API


class UnknownJurisdiction(DomainError):
    code = "unknown_jurisdiction"
    message = gettext_lazy("This endpoint does not serve the jurisdiction_id given.")
    status = 404


def jurisdiction() -> str:
    """The jurisdiction_id this endpoint answers to (the public address's host name by default)."""
    return settings.TAHAWUL_OPEN311_JURISDICTION or urlsplit(settings.TAHAWUL_PUBLIC_URL).hostname or ""


def request_language(request: HttpRequest) -> str:
    """``locale`` (``en``, ``en_US``...) when it names a language we speak, else the request's own.
    Raises what reading the parameters raises (UNREADABLE)."""
    wanted = parameters(request).get("locale", "").replace("_", "-").lower().split("-")[0]
    return wanted if wanted in LANGUAGES else get_language_from_request(request)


# What reading a request's parameters raises when the body or query cannot be read: too large,
# too many fields or files (SuspiciousOperation), broken multipart.
UNREADABLE = (SuspiciousOperation, MultiPartParserError)


def _unreadable(request: HttpRequest, fmt: str) -> HttpResponse:
    """GeoReport v2's 400 for a request whose parameters cannot be read, in the language of its
    headers (its ``locale`` is unreadable too), else Arabic."""
    with override(get_language_from_request(request)):
        message = _("The request cannot be read: it is too large, has too many parameters, or its form data is broken.")
        response = error_response(fmt if fmt in FORMATS else _guessed_format(request), 400, [message])
        response["Content-Language"] = get_language()
    return response


def _guessed_format(request: HttpRequest) -> str:
    """For an address without a known format: JSON if it ends so or the client prefers it, else XML."""
    if request.path.lower().endswith(".json") or request.headers.get("Accept", "").startswith("application/json"):
        return "json"
    return "xml"


Handler = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[Handler], Handler]:
    """A GeoReport v2 resource answering ``methods``: format, language, jurisdiction and errors."""

    def wrap(handler: Handler) -> Handler:
        @csrf_exempt
        @functools.wraps(handler)
        def view(request: HttpRequest, fmt: str = "", **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            try:
                language = request_language(request)
            except UNREADABLE:
                return _unreadable(request, fmt)
            with override(language):
                response = _answer(request, handler, methods, fmt, kwargs)
                response["Content-Language"] = get_language()
            if request.method == "POST":
                response["Cache-Control"] = "no-store"
            return response

        return view

    return wrap


def _answer(
    request: HttpRequest, handler: Handler, methods: tuple[str, ...], fmt: str, kwargs: dict[str, Any]
) -> HttpResponse:
    if fmt not in FORMATS:
        return error_response(
            _guessed_format(request), 400, [_("Ask for .xml or .json: this endpoint speaks no other format.")]
        )
    if request.method not in methods:
        response = error_response(fmt, 405, [_("This method is not allowed here.")])
        response["Allow"] = ", ".join(methods)
        return response
    try:
        given = parameters(request).get("jurisdiction_id", "").strip()
        if given and given.lower() != jurisdiction().lower():
            raise UnknownJurisdiction()
        return handler(request, fmt, **kwargs)
    except DomainError as error:
        return domain_error_response(fmt, error)
    except Exception:  # a fault of ours still answers in the client's format
        log.exception("Open311 %s %s failed", request.method, request.path)
        return error_response(fmt, 500, [_("Something went wrong on our side. Please try again later.")])


@endpoint(*READ)
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(documents.discovery(), root="discovery", fmt=fmt)


@csrf_exempt
def root(request: HttpRequest) -> HttpResponse:
    """The endpoint's root answers with its discovery document, as the specification suggests."""
    return discovery(request, fmt=_guessed_format(request))


@endpoint(*READ)
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(documents.services(requestable_services()), root="services", fmt=fmt)


@endpoint(*READ)
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render(documents.service_definition(requestable_service(code=code)), root="service_definition", fmt=fmt)


@endpoint(*READ, "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    found = listed_requests(list_query(request.GET))
    return render(documents.service_requests(found), root="service_requests", fmt=fmt)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.content_type == "application/json":
        message = gettext_lazy("Send the parameters form-encoded (application/x-www-form-urlencoded).")
        raise InvalidServiceRequest({"Content-Type": bilingual(message)})
    given = parameters(request)
    posted = posted_request(given)
    api_key = api_key_for(posted.api_key)
    consume_request_allowance(api_key=api_key)
    if not posted.service_code:
        message = gettext_lazy("Give the service_code of the service you are requesting.")
        raise InvalidServiceRequest({"service_code": bilingual(message)})
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        message = gettext_lazy("An Idempotency-Key has at most 100 characters.")
        raise InvalidServiceRequest({"Idempotency-Key": bilingual(message)})

    def make() -> tuple[int, dict[str, Any]]:
        made = submit(
            api_key=api_key,
            service_code=posted.service_code,
            submission=posted.submission,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        # As [name, value] pairs: PostgreSQL's jsonb keeps no key order, and a replay must answer
        # the same document, element for element.
        return 200, {"service_requests": [list(item.items()) for item in documents.created(made)]}

    replayed = False
    if key:
        # GeoReport v2 has no such header; a client that sends one never makes a request twice by retrying.
        account = api_key.integrator.account
        assert account is not None  # made with the integrator's first key
        sent = dict(given.lists())
        (_status, body), replayed = idempotency.once(user=account, key=key, payload=sent, run=make)
    else:
        _status, body = make()
    response = render([dict(pairs) for pairs in body["service_requests"]], root="service_requests", fmt=fmt)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@endpoint(*READ)
def service_request(request: HttpRequest, fmt: str, public_id: str) -> HttpResponse:
    found = request_by_id(public_id=public_id)
    return render(documents.service_requests([found]), root="service_requests", fmt=fmt)


@endpoint(*READ)
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    return render(documents.token(service_request_for_token(token=token)), root="service_requests", fmt=fmt)


@csrf_exempt
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /open311/v2/, whatever the method: GeoReport v2's 404."""
    try:
        language = request_language(request)
    except UNREADABLE:
        return _unreadable(request, "")
    with override(language):
        message = _(
            "There is nothing at this address. The resources are discovery, services, services/{code}, "
            "requests, requests/{id} and tokens/{token}, each ending in .xml or .json."
        )
        response = error_response(_guessed_format(request), 404, [message])
        response["Content-Language"] = get_language()
    return response
