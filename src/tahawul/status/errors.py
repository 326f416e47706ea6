"""What can go wrong with an incident, in words a person understands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class InvalidIncident(DomainError):
    """Input that failed the checks; ``errors`` maps field names to messages."""

    code = "invalid_incident"
    message = _("Some answers need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class NotInThisState(DomainError):
    code = "not_in_this_state"
    message = _("This cannot be done while the incident is in its current state.")
    status = 409


class StaleIncident(DomainError):
    code = "changed_by_someone_else"
    message = _(
        "Someone else changed this incident while you were looking at it. Nothing you did was saved; "
        "here is how it stands now."
    )
    status = 409
