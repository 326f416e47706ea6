"""Reads of webhook subscriptions and their deliveries. Only the entity's admins see them: anyone
else, staff of the entity or of another one included, is told there is nothing here."""

from __future__ import annotations

from django.db.models import QuerySet

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_in
from tahawul.webhooks.models import Delivery, DeliveryAttempt, Subscription, SubscriptionEvent, SubscriptionStatus


def manages_webhooks(user: User, entity_id: int) -> bool:
    """Whether ``user`` is an admin of the entity, who manages its webhook subscriptions."""
    return Role.ENTITY_ADMIN in roles_in(user, entity_id)


def access_subscriptions(actor: User, entity: Entity) -> QuerySet[Subscription]:
    """The entity's subscriptions (deleted ones left out), newest first. Raises NotFound for
    anyone but the entity's admins."""
    if not manages_webhooks(actor, entity.pk):
        raise NotFound()
    return (
        Subscription.objects.filter(entity=entity)
        .exclude(status=SubscriptionStatus.DELETED)
        .select_related("integrator")
        .order_by("-created_at", "-id")
    )


def access_subscription(actor: User, subscription_id: int) -> Subscription:
    """One subscription, with its entity and integrator. Raises NotFound when it does not exist,
    was deleted, or ``actor`` is not an admin of its entity."""
    subscription = (
        Subscription.objects.select_related("entity", "integrator")
        .exclude(status=SubscriptionStatus.DELETED)
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None or not manages_webhooks(actor, subscription.entity_id):
        raise NotFound()
    return subscription


def access_delivery(actor: User, delivery_id: int) -> Delivery:
    """One delivery, with its subscription and entity. Raises NotFound as access_subscription does."""
    delivery = (
        Delivery.objects.select_related("subscription__entity")
        .exclude(subscription__status=SubscriptionStatus.DELETED)
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or not manages_webhooks(actor, delivery.subscription.entity_id):
        raise NotFound()
    return delivery


def deliveries_of(subscription: Subscription) -> QuerySet[Delivery]:
    """The subscription's deliveries, newest first; the body is left unread (lists do not show it)."""
    return subscription.deliveries.defer("body").order_by("-created_at", "-id")


def attempts_of(delivery: Delivery) -> QuerySet[DeliveryAttempt]:
    return delivery.attempt_log.order_by("at", "id")


def history_of(subscription: Subscription) -> QuerySet[SubscriptionEvent]:
    return subscription.history.select_related("actor").order_by("at", "id")
