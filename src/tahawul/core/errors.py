"""The one error shape of the domain: a stable code for programs, a translated message for people."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    code: str = "error"
    message: Promise | str = ""
    status: int = 400  # the HTTP status the interfaces use for it

    def __init__(self, message: Promise | str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))
