"""GeoReport v2's error format on every path under /open311/v2/: ``<errors><error><code/>
<description/></error></errors>`` (JSON: a list of ``{code, description}``), one error per
problem, in the language of the request.

Status codes as the specification asks: 404 for what does not exist, 403 for a missing or wrong
api_key, 400 for any other request that cannot be fulfilled; and 405 for a wrong method, 429 past
a key's rate limit, 500 for a fault of ours. Each error's ``code`` is the HTTP status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tahawul.api.open311.formats import render
from tahawul.applications.errors import NotEligible
from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText
from tahawul.feedback.errors import InvalidFeedback
from tahawul.integrations.errors import InvalidIntegration, InvalidServiceRequest, TooManyRequests

_KEPT_STATUSES = frozenset({403, 404, 405, 429})
# A case's checks name its fields; the client sent GeoReport v2's parameters.
_PARAMETER_OF = {"contact_email": "email", "contact_mobile": "phone", "contact_name": "first_name"}


def error_response(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    """The error document: one ``error`` per description, each with ``status`` as its code."""
    errors = [{"code": status, "description": description} for description in descriptions]
    return render(errors, root="errors", fmt=fmt, status=status)


def domain_error_response(fmt: str, error: DomainError) -> HttpResponse:
    """A domain error as GeoReport v2 answers it, every problem it lists as an error of its own."""
    status = error.status if error.status in _KEPT_STATUSES else 500 if error.status >= 500 else 400
    response = error_response(fmt, status, _descriptions(error))
    if isinstance(error, TooManyRequests):
        response["Retry-After"] = str(error.retry_after)
    return response


def _descriptions(error: DomainError) -> list[str]:
    if isinstance(error, (InvalidServiceRequest, InvalidIntegration)):
        return _named(error.errors)
    if isinstance(error, InvalidFeedback):
        return _named({_PARAMETER_OF.get(key, key): message for key, message in error.errors.items()})
    if isinstance(error, NotEligible):
        return [reason.in_language() for reason in error.reasons]
    return [str(error.message)]


def _named(errors: Mapping[str, LocalizedText]) -> list[str]:
    return [
        _("%(parameter)s: %(message)s") % {"parameter": parameter, "message": message.in_language()}
        for parameter, message in errors.items()
    ]
