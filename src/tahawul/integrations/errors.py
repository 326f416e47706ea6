"""What can go wrong with an integrator's key, a service's Open311 setting or an Open311 request."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class ApiKeyMissing(DomainError):
    code = "api_key_missing"
    message = _("Send your api_key in the form-encoded body of the request.")
    status = 403


class InvalidApiKey(DomainError):
    # The same answer for a key that never existed, was revoked or belongs to a disabled integrator.
    code = "invalid_api_key"
    message = _("This api_key is not valid: it is unknown or has been revoked.")
    status = 403


class KeyForAnotherEntity(DomainError):
    code = "key_for_another_entity"
    message = _("This api_key is for another government entity than the one that owns this service.")
    status = 403


class TooManyRequests(DomainError):
    code = "too_many_requests"
    message = _("This api_key has made too many requests this hour. Please try again later.")
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class NotOnOpen311(DomainError):
    code = "not_on_open311"
    message = _("There is no service with this code on Open311.")
    status = 404


class UnknownServiceRequest(DomainError):
    code = "unknown_service_request"
    message = _("There is no service request with this id.")
    status = 404


class UnknownToken(DomainError):
    code = "unknown_token"
    message = _("There is no service request with this token.")
    status = 404


class KeyAlreadyIssued(DomainError):
    code = "key_already_issued"
    message = _("This integrator already has a key for this entity. Revoke it before issuing a new one.")
    status = 409


class InvalidIntegration(DomainError):
    """Input that failed the checks; ``errors`` maps field names to messages."""

    code = "invalid_integration"
    message = _("Some answers need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class InvalidServiceRequest(DomainError):
    """An Open311 request that cannot be accepted; ``errors`` maps parameter names to messages."""

    code = "invalid_service_request"
    message = _("The request cannot be accepted as it is.")
    status = 400

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors
