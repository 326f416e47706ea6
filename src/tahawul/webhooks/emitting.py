"""emit(): what the domain calls when something a subscriber may hear about happens."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from django.utils import timezone

from tahawul.webhooks.models import Delivery, Subscription, SubscriptionStatus, WebhookEvent
from tahawul.webhooks.tasks import schedule_delivery

PAYLOAD_VERSION = 1


def emit(
    *, event: str, entity_id: int, payload: Callable[[], Mapping[str, object]], occurred_at: datetime | None = None
) -> list[Delivery]:
    """Record ``event`` of the entity for every subscription of that entity that chose it, and
    queue its delivery. Call it inside the action's transaction: if that rolls back, nothing is
    recorded and nothing is sent; if it commits, the deliveries are on record and will be sent.

    ``payload`` builds the event's ``data`` (JSON-serialisable, small, no personal data beyond
    what the entity owns; see docs/webhooks.md). It is called only when someone subscribed, so an
    event nobody listens to costs one query. Deliveries for a paused subscription are recorded and
    held until it is resumed. An unknown event raises ValueError: that is a bug in the caller.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}; known: {WebhookEvent.values}.")
    # The events are few per subscription and subscriptions few per entity: filtered here, not by
    # a JSON lookup, which SQLite cannot do on lists.
    subscribers = [
        subscription
        for subscription in Subscription.objects.filter(
            entity_id=entity_id, status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED]
        ).select_related("entity")
        if event in subscription.events
    ]
    if not subscribers:
        return []
    event_id = uuid.uuid4()
    occurred_at = occurred_at or timezone.now()
    envelope = {
        "version": PAYLOAD_VERSION,
        "id": str(event_id),
        "type": event,
        "occurred_at": json_time(occurred_at),
        "entity": subscribers[0].entity.code,
        "data": dict(payload()),
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            event_id=event_id,
            event_type=event,
            body=body,
            created_at=occurred_at,
            next_attempt_at=occurred_at,
        )
        for subscription in subscribers
    )
    due = [delivery.pk for delivery in deliveries if delivery.subscription.is_active]
    if due:
        schedule_delivery(*due)  # with the action's commit, never without it
    return deliveries


def json_time(moment: datetime) -> str:
    """How times are written in payloads: UTC, to the millisecond, e.g. 2026-12-03T07:00:00.000Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
