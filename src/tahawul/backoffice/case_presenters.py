"""What the case pages show, worked out from a case: its response clock and escalation in words,
and its history as sentences in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tahawul.applications.selectors import DUE_SOON, SlaStatus
from tahawul.feedback import selectors
from tahawul.feedback.models import Case, CaseEvent, CaseKind, CaseOutcome, CaseStatus
from tahawul.identity.models import User

# --- how a case stands ---------------------------------------------------------------------------


def sla_of(case: Case, now: datetime) -> str:
    """The response clock in the words of the application queue: only unanswered cases run it."""
    if case.due_at is None or case.first_response_at is not None or case.is_closed:
        return ""
    if now > case.due_at:
        return SlaStatus.BREACHED.value
    if case.due_at - now <= DUE_SOON:
        return SlaStatus.DUE_SOON.value
    return SlaStatus.ON_TRACK.value


def escalation_label(level: int) -> str:
    if level >= 2:
        return _("Escalated to the authority")
    if level == 1:
        return _("Escalated to the entity's supervisors")
    return ""


@dataclass(frozen=True)
class CaseRow:
    case: Case
    kind: str
    status: str
    sla: str
    escalation: str


def case_rows(found: list[Case]) -> list[CaseRow]:
    now = timezone.now()
    return [
        CaseRow(
            case=case,
            kind=str(CaseKind(case.kind).label),
            status=str(CaseStatus(case.status).label),
            sla=sla_of(case, now),
            escalation=escalation_label(case.escalation),
        )
        for case in found
    ]


# --- the history ---------------------------------------------------------------------------------


# Steps only the person who raised the case takes: without an actor, they had no account.
FILER_ACTIONS = frozenset({"filed", "reopened", "response_rated"})


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    what: str

    @property
    def by_filer(self) -> bool:
        return self.event.actor_id is None and self.event.action in FILER_ACTIONS

    @property
    def seen_by_filer(self) -> bool:
        """What the portal's timeline shows them (selectors.public_timeline): public steps and the filing."""
        return self.event.public or self.event.action == "filed"


def what_happened(event: CaseEvent, names: dict[int, str]) -> str:
    details = event.details
    if event.action == "filed":
        suggested = details.get("suggested_service")
        if suggested:
            return _("Filed; the service suggested from the text was %(service)s") % {"service": suggested}
        return _("Filed")
    if event.action == "routed":
        return _("Routed to %(entity)s") % {"entity": details.get("to", "")}
    if event.action == "assigned":
        assignee = details.get("assignee")
        name = names.get(assignee) if isinstance(assignee, int) else None
        return _("Assigned to %(name)s") % {"name": name} if name else _("Assigned")
    if event.action == "closed":
        outcome = details.get("outcome", "")
        label = CaseOutcome(outcome).label if outcome in CaseOutcome.values else outcome
        return _("Closed: %(outcome)s") % {"outcome": label}
    if event.action == "escalated":
        return escalation_label(int(details.get("level", 0))) or _("Escalated")
    if event.action == "response_rated":
        return _("The answer was rated %(score)s out of 5") % {"score": details.get("score", "")}
    built_in = {
        "replied": _("Reply sent"),
        "reopened": _("Reopened by the person who raised it"),
        "service_changed": _("Linked to a change in the service (“you said, we did”)"),
    }
    return built_in.get(event.action, event.action)


def timeline(case: Case, handlers: list[User]) -> list[TimelineEntry]:
    names = {person.pk: str(person) for person in handlers}
    return [TimelineEntry(event, what_happened(event, names)) for event in selectors.staff_timeline(case)]
