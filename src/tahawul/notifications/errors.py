"""Mistakes in the code that calls notify(): they are raised, never shown to a beneficiary."""

from __future__ import annotations


class UnknownEvent(LookupError):
    """notify() was called with an event that has no templates (see events.EVENTS)."""


class InvalidNotificationContext(ValueError):
    """The context misses a key the event's templates need, or has a value that cannot be shown in
    the recipient's language."""
