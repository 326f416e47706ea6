"""What can go wrong with an incident, in words a person understands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText
from tahawul.status.models import Incident


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


class OpenedAMomentAgo(DomainError):
    """The same person opened the same incident (title and components) a moment ago: a double
    click, or the form sent again. ``incident`` is the one opened then."""

    code = "opened_a_moment_ago"
    message = _("You opened this incident a moment ago, and it is on the status page. It was not opened twice.")
    status = 409

    def __init__(self, incident: Incident) -> None:
        super().__init__()
        self.incident = incident
