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
    CASE_RECEIVED = "case_received"
    CASE_REPLIED = "case_replied"
    CASE_CLOSED = "case_closed"
    CASE_OVERDUE = "case_overdue"
    DISSATISFACTION_RISING = "dissatisfaction_rising"
    KIOSK_SIGN_IN_CODE = "kiosk_sign_in_code"
    WEBHOOK_PAUSED = "webhook_paused"
    INCIDENT_RESOLVED = "incident_resolved"


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
    # For whoever filed a case (an account or the contact they left). service_name may be empty.
    Event.CASE_RECEIVED: EventSpec(
        required=frozenset({"reference", "kind_label", "url"}), optional=frozenset({"due_at"})
    ),
    Event.CASE_REPLIED: EventSpec(required=frozenset({"reference", "kind_label", "message", "url"})),
    Event.CASE_CLOSED: EventSpec(
        required=frozenset({"reference", "kind_label", "outcome_label", "url"}), optional=frozenset({"message"})
    ),
    # For the entity's supervisors (first escalation) or the authority's (second).
    Event.CASE_OVERDUE: EventSpec(required=frozenset({"reference", "kind_label", "entity_name", "due_at", "url"})),
    # For the entity's supervisors when the EWMA chart of a service and channel alarms.
    Event.DISSATISFACTION_RISING: EventSpec(
        required=frozenset({"service_name", "channel_label", "share", "usual_share", "url"})
    ),
    # For whoever is signing in on a kiosk: the one-time code, sent by SMS only.
    Event.KIOSK_SIGN_IN_CODE: EventSpec(required=frozenset({"code", "minutes"})),
    # For the entity's admins, and an integrator's contact, when its receiver keeps failing.
    Event.WEBHOOK_PAUSED: EventSpec(required=frozenset({"subscription_name", "target_host", "failures", "url"})),
    # For whoever reported a technical problem that an incident explains, when it is resolved; the
    # message is the incident's title and last update in the case's language (status.notifying).
    Event.INCIDENT_RESOLVED: EventSpec(required=frozenset({"reference", "kind_label", "message", "url"})),
}
