"""What can go wrong with a rating or a case, in words a person understands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class InvalidFeedback(DomainError):
    """Input that failed the checks; ``errors`` maps field names to messages."""

    code = "invalid_feedback"
    message = _("Some answers need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class AlreadyRatedByAnother(DomainError):
    code = "rated_by_someone_else"
    message = _("Only the person who made this transaction can rate it.")
    status = 403


class TooManyRequests(DomainError):
    code = "too_many_requests"
    message = _("We have received a lot from you in the last hour. Please try again later.")
    status = 429


class NotAllowed(DomainError):
    code = "not_allowed"
    message = _("You cannot do this to this case now.")
    status = 403


class NotInThisState(DomainError):
    code = "not_in_this_state"
    message = _("This cannot be done while the case is in its current state.")
    status = 409


class StaleCase(DomainError):
    code = "changed_by_someone_else"
    message = _(
        "Someone else changed this case while you were looking at it. Nothing you did was saved; "
        "here is how it stands now."
    )
    status = 409


class ReopenWindowClosed(DomainError):
    code = "reopen_window_closed"
    message = _("This case was closed too long ago to be reopened. Please file a new one.")
    status = 409
