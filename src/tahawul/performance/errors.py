"""What can go wrong when an entity admin enters costs or offline volumes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class InvalidFigures(DomainError):
    """Input that failed the checks; ``errors`` maps field names to messages. Nothing was saved."""

    code = "invalid_figures"
    message = _("Some figures need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class StaleFigures(DomainError):
    code = "changed_by_someone_else"
    message = _(
        "Someone else changed these figures while you were looking at them. Nothing you entered was "
        "saved; here is how they stand now."
    )
    status = 409
