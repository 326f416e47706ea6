"""Every change an entity admin makes to the entity's webhooks: making, pausing, resuming and
deleting a subscription, rotating or showing its secret, and sending a delivery again. Each is one
transaction, checks that the actor is an admin of the subscription's entity (NotFound otherwise),
locks the subscription, and records a SubscriptionEvent and an audit line (never the secret)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity
from tahawul.core.text import LocalizedText, bilingual
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.integrations.models import Integrator
from tahawul.integrations.selectors import integrators
from tahawul.webhooks.errors import DeliveryStillPending, InvalidSubscription, SubscriptionPaused
from tahawul.webhooks.models import (
    Delivery,
    DeliveryStatus,
    PauseReason,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
    WebhookEvent,
)
from tahawul.webhooks.selectors import manages_webhooks
from tahawul.webhooks.targets import RefusedTarget, check_target
from tahawul.webhooks.tasks import schedule_delivery, schedule_held

audit = logging.getLogger("tahawul.audit")

NAME_MAX_CHARS = 100
MAX_SUBSCRIPTIONS_PER_ENTITY = 20  # every event of the entity writes one row per subscription
SECRET_PREFIX = "whsec_"  # noqa: S105 - a label, not a secret


@dataclass(frozen=True)
class SubscriptionInput:
    name: str
    target_url: str
    events: list[str] = field(default_factory=list)
    integrator_id: int | None = None


def new_secret() -> str:
    """256 random bits; the prefix lets secret scanners recognise one pasted where it should not be."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def create_subscription(*, actor: User, entity: Entity, values: SubscriptionInput) -> Subscription:
    """Subscribe an address to some of the entity's events, with a new secret (shown to the
    admin once made, and on request). Entity admins only (NotFound for anyone else). Raises
    InvalidSubscription, with nothing saved, when the name, events, integrator (one holding a live
    API key for the entity) or address are wrong (the address is resolved and checked now: see
    targets.check_target)."""
    if not manages_webhooks(actor, entity.pk):
        raise NotFound()
    errors, integrator = _check(entity, values)
    if errors:
        raise InvalidSubscription(errors)
    with transaction.atomic():
        # Locks the entity's row: two admins adding the last allowed subscription at once cannot both.
        Entity.objects.select_for_update().filter(pk=entity.pk).first()
        live = Subscription.objects.filter(entity=entity).exclude(status=SubscriptionStatus.DELETED).count()
        if live >= MAX_SUBSCRIPTIONS_PER_ENTITY:
            raise InvalidSubscription(
                {"": bilingual(_("An entity can have at most 20 subscriptions. Delete one you no longer use."))}
            )
        now = timezone.now()
        subscription = Subscription.objects.create(
            entity=entity,
            integrator=integrator,
            name=values.name.strip(),
            target_url=values.target_url.strip(),
            events=[event for event in WebhookEvent.values if event in values.events],
            secret=new_secret(),
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _record(subscription, actor, "created", {"events": subscription.events, "url": subscription.target_url})
    return subscription


def _check(entity: Entity, values: SubscriptionInput) -> tuple[dict[str, LocalizedText], Integrator | None]:
    errors: dict[str, LocalizedText] = {}
    name = values.name.strip()
    if not name:
        errors["name"] = bilingual(_("Give the subscription a name, e.g. the system that receives it."))
    elif len(name) > NAME_MAX_CHARS:
        errors["name"] = bilingual(_("Keep the name to 100 characters or fewer."))
    if not values.events or set(values.events) - set(WebhookEvent.values):
        errors["events"] = bilingual(_("Choose at least one event to receive."))
    integrator = None
    if values.integrator_id is not None:
        integrator = integrators(with_key_for=entity).filter(pk=values.integrator_id).first()
        if integrator is None:
            errors["integrator"] = bilingual(_("Choose an integrator from the list."))
    try:
        check_target(values.target_url)
    except RefusedTarget as refused:
        errors["target_url"] = bilingual(refused.reason)
    return errors, integrator


@transaction.atomic
def pause_subscription(*, actor: User, subscription: Subscription) -> Subscription:
    """Stop sending: deliveries of events from now on are kept and sent when it is resumed.
    Pausing a paused subscription changes nothing."""
    subscription = _lock(actor, subscription)
    if subscription.is_paused:
        return subscription
    now = timezone.now()
    _write(subscription, status=SubscriptionStatus.PAUSED, pause_reason=PauseReason.BY_STAFF, paused_at=now)
    _record(subscription, actor, "paused", {"reason": PauseReason.BY_STAFF})
    return subscription


@transaction.atomic
def resume_subscription(*, actor: User, subscription: Subscription) -> Subscription:
    """Start sending again: the count of failed deliveries starts from nought, and every delivery
    held meanwhile is due now, with a fresh round of attempts. One task queues them all, in the
    worker (there may be many thousands: not in the request). Resuming an active subscription
    changes nothing."""
    subscription = _lock(actor, subscription)
    if subscription.is_active:
        return subscription
    _write(subscription, status=SubscriptionStatus.ACTIVE, pause_reason="", paused_at=None, consecutive_failures=0)
    held = Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        attempts=0, next_attempt_at=timezone.now()
    )
    if held:
        schedule_held(subscription.pk)
    _record(subscription, actor, "resumed", {"held_deliveries": held})
    return subscription


@transaction.atomic
def delete_subscription(*, actor: User, subscription: Subscription) -> None:
    """Stop for good: nothing more is sent, waiting deliveries are cancelled and the secret is
    forgotten. The subscription's history and delivery log stay on record."""
    subscription = _lock(actor, subscription)
    Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED
    )
    _write(subscription, status=SubscriptionStatus.DELETED, secret="", previous_secret="", previous_secret_until=None)
    _record(subscription, actor, "deleted")


@transaction.atomic
def rotate_secret(*, actor: User, subscription: Subscription) -> Subscription:
    """Make a new secret. Deliveries are signed with both the new and the old one for
    TAHAWUL_WEBHOOKS_SECRET_OVERLAP_HOURS, so the receiver can switch without losing any; a
    secret from an earlier rotation is dropped at once."""
    subscription = _lock(actor, subscription)
    until = timezone.now() + timedelta(hours=settings.TAHAWUL_WEBHOOKS_SECRET_OVERLAP_HOURS)
    _write(subscription, secret=new_secret(), previous_secret=subscription.secret, previous_secret_until=until)
    _record(subscription, actor, "secret_rotated", {"old_secret_until": until.isoformat()})
    return subscription


@transaction.atomic
def reveal_secret(*, actor: User, subscription: Subscription) -> str:
    """The current secret, for the admin to set up the receiver. Who saw it, and when, is recorded."""
    subscription = _lock(actor, subscription)
    _record(subscription, actor, "secret_shown")
    return subscription.secret


@transaction.atomic
def retry_delivery(*, actor: User, delivery: Delivery) -> Delivery:
    """Send a delivery again now, with a fresh round of attempts: one that failed, or one that
    was delivered and that the receiver lost. Should it be given up again, that does not count
    towards pausing the subscription. Raises SubscriptionPaused (resume first) and
    DeliveryStillPending (it is already waiting for its next attempt)."""
    subscription = _lock(actor, delivery.subscription)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if not subscription.is_active:
        raise SubscriptionPaused()
    if delivery.status == DeliveryStatus.PENDING:
        raise DeliveryStillPending()
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, resent=True
    )
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, now
    delivery.resent = True
    schedule_delivery(delivery.pk)
    _record(subscription, actor, "delivery_retried", {"delivery": delivery.pk, "event_id": str(delivery.event_id)})
    return delivery


# --- internals --------------------------------------------------------------------------------


def _lock(actor: User, subscription: Subscription) -> Subscription:
    """The subscription's row, locked until the caller's transaction ends; NotFound unless ``actor``
    is an admin of its entity, and when it was deleted."""
    if not manages_webhooks(actor, subscription.entity_id):
        raise NotFound()
    locked = (
        Subscription.objects.select_for_update()
        .filter(pk=subscription.pk)
        .exclude(status=SubscriptionStatus.DELETED)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _write(subscription: Subscription, **changes: Any) -> None:
    changes["updated_at"] = timezone.now()
    Subscription.objects.filter(pk=subscription.pk).update(**changes)
    for name, value in changes.items():
        setattr(subscription, name, value)


def _record(subscription: Subscription, actor: User, action: str, details: dict[str, Any] | None = None) -> None:
    SubscriptionEvent.objects.create(subscription=subscription, actor=actor, action=action, details=details or {})
    audit.info("webhook subscription %s of %s: %s by %s", subscription.pk, subscription.entity_id, action, actor.pk)
