"""The events a notification can be about, and the context each one's templates read.

Every event has three templates under ``templates/notifications/<event>/``: ``subject.txt`` and
``email.txt`` for email, ``sms.txt`` for SMS. Adding an event means adding it here and writing
its three templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Event(StrEnum):
    APPLICATION_SUBMITTED = "application_submitted"
    STATE_CHANGED = "state_changed"
    CORRECTION_REQUESTED = "correction_requested"
    SLA_APPROACHING = "sla_approaching"
    SLA_BREACHED = "sla_breached"
    CERTIFICATE_ISSUED = "certificate_issued"


@dataclass(frozen=True)
class EventSpec:
    """The context keys the event's templates need, and those they use when present (other keys are ignored)."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()

    @property
    def allowed(self) -> frozenset[str]:
        return self.required | self.optional


EVENTS: dict[str, EventSpec] = {
    # expected_by may be None for a service without a committed completion date.
    Event.APPLICATION_SUBMITTED: EventSpec(
        required=frozenset({"reference", "service_name", "url"}), optional=frozenset({"expected_by"})
    ),
    Event.STATE_CHANGED: EventSpec(
        required=frozenset({"reference", "service_name", "state_label", "url"}), optional=frozenset({"comment"})
    ),
    Event.CORRECTION_REQUESTED: EventSpec(
        required=frozenset({"reference", "service_name", "url"}), optional=frozenset({"comment"})
    ),
    # For the officer the application is assigned to.
    Event.SLA_APPROACHING: EventSpec(required=frozenset({"reference", "service_name", "due_at", "url"})),
    # For the entity's supervisors.
    Event.SLA_BREACHED: EventSpec(required=frozenset({"reference", "service_name", "due_at", "url"})),
    Event.CERTIFICATE_ISSUED: EventSpec(required=frozenset({"reference", "service_name", "url"})),
}
