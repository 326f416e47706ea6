"""What a case's webhook events say (docs/webhooks.md): its reference, kind, service and outcome,
never the description or who filed it. Called inside the action's transaction, like notify."""

from __future__ import annotations

from tahawul.feedback.models import Case, CaseStatus
from tahawul.webhooks.emitting import emit, json_time
from tahawul.webhooks.models import WebhookEvent

ROUTED_AWAY = "routed_away"  # case.closed's outcome for the entity a case was routed away from


def _data(case: Case, **extra: object) -> dict[str, object]:
    return {
        "reference": case.reference,
        "kind": case.kind,
        "service": case.service.code if case.service else None,
        "channel": case.filed_on,
        "status": case.status,
        **extra,
    }


def emit_case_opened(case: Case) -> None:
    """When the case reaches an entity: filed naming its service or entity, routed to it, or
    reopened by the beneficiary."""
    if case.entity_id is None:
        return  # waiting for the authority to route it: no entity's subscribers yet
    due_at = json_time(case.due_at) if case.due_at else None
    emit(
        event=WebhookEvent.CASE_OPENED,
        entity_id=case.entity_id,
        payload=lambda: _data(case, channel_concerned=case.channel_concerned or None, due_at=due_at),
    )


def emit_case_closed(case: Case) -> None:
    if case.entity_id is None:
        return
    emit(event=WebhookEvent.CASE_CLOSED, entity_id=case.entity_id, payload=lambda: _data(case, outcome=case.outcome))


def emit_case_routed_away(case: Case) -> None:
    """To the entity a case is being routed away from, before the new route is written: for that
    entity the case is closed (outcome ``routed_away``), as it knew it; it hears nothing more of it,
    nor where it went."""
    if case.entity_id is None:
        return
    emit(
        event=WebhookEvent.CASE_CLOSED,
        entity_id=case.entity_id,
        payload=lambda: _data(case, status=CaseStatus.CLOSED, outcome=ROUTED_AWAY),
    )
