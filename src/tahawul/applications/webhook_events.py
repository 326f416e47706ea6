"""What an application's webhook events say (docs/webhooks.md): references, codes and states,
never the applicant's name or answers. Called inside the action's transaction, like notify."""

from __future__ import annotations

from tahawul.applications.models import Application, Certificate
from tahawul.webhooks.emitting import emit
from tahawul.webhooks.models import WebhookEvent


def _data(application: Application, **extra: object) -> dict[str, object]:
    return {
        "reference": application.reference,
        "service": application.service.code,
        "service_version": application.version.number,
        "channel": application.channel,
        "state": application.state,
        **extra,
    }


def emit_submitted(application: Application) -> None:
    expected_by = application.expected_by.isoformat() if application.expected_by else None
    emit(
        event=WebhookEvent.APPLICATION_SUBMITTED,
        entity_id=application.entity_id,
        payload=lambda: _data(application, expected_by=expected_by),
    )


def emit_state_changed(application: Application, *, from_state: str, action: str) -> None:
    emit(
        event=WebhookEvent.APPLICATION_STATE_CHANGED,
        entity_id=application.entity_id,
        payload=lambda: _data(application, from_state=from_state, action=action, outcome=application.outcome or None),
    )


def emit_certificate_issued(application: Application, certificate: Certificate) -> None:
    # Not the certificate's number: the public verification page shows the holder's name for it.
    emit(
        event=WebhookEvent.CERTIFICATE_ISSUED,
        entity_id=application.entity_id,
        payload=lambda: _data(application, certificate={"kind": certificate.kind}),
    )
