"""What can go wrong with an application, in words a person understands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class NotAllowed(DomainError):
    code = "not_allowed"
    message = _("You cannot do this to this application now.")
    status = 403


class NotInThisState(DomainError):
    code = "not_in_this_state"
    message = _("This cannot be done while the application is in its current state.")
    status = 409


class StaleApplication(DomainError):
    code = "changed_by_someone_else"
    message = _(
        "Someone else changed this application while you were looking at it. Nothing you did was saved; "
        "here is how it stands now."
    )
    status = 409


class CommentRequired(DomainError):
    code = "comment_required"
    message = _("Say why: this action needs a comment.")
    status = 422


class ServiceNotOnline(DomainError):
    code = "service_not_online"
    message = _("This service cannot be applied for on this channel.")
    status = 422


class InvalidAnswers(DomainError):
    """Answers that failed the service's checks; ``errors`` maps field keys to messages."""

    code = "invalid_answers"
    message = _("Some answers need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class NotEligible(DomainError):
    code = "not_eligible"
    message = _("You cannot apply for this service.")
    status = 422

    def __init__(self, reasons: list[LocalizedText]) -> None:
        super().__init__()
        self.reasons = reasons


class PaymentRequired(DomainError):
    code = "payment_required"
    message = _("The fee must be paid before the application can be submitted.")
    status = 402


class BadDocument(DomainError):
    code = "bad_document"
    status = 422


class IdempotencyConflict(DomainError):
    code = "idempotency_key_reused"
    message = _("This Idempotency-Key was already used for a different request.")
    status = 422
