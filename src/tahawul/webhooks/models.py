"""Webhook subscriptions, the deliveries of events to them, and every attempt to deliver.

A delivery row is written in the same transaction as the action that caused the event, with its
body already serialised: what is signed and sent on every attempt is exactly what was recorded,
and a rolled-back action leaves nothing behind. Delivery happens later, in the worker (see tasks).
Subscriptions are never deleted from the database: a deleted one keeps its history and its log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.history import AppendOnly


class WebhookEvent(models.TextChoices):
    """What a subscriber may hear about (docs/webhooks.md describes each payload)."""

    APPLICATION_SUBMITTED = "application.submitted", _("An application is submitted")
    APPLICATION_STATE_CHANGED = "application.state_changed", _("An application changes state")
    CERTIFICATE_ISSUED = "certificate.issued", _("A certificate is issued")
    CASE_OPENED = "case.opened", _("A case reaches the entity")
    CASE_CLOSED = "case.closed", _("A case is closed")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    DELETED = "deleted", _("Deleted")


class PauseReason(models.TextChoices):
    BY_STAFF = "by_staff", _("Paused by an administrator")
    FAILING = "failing", _("Paused after repeated failed deliveries")


class Subscription(models.Model):
    """An address that receives the chosen events of one entity, signed with a secret we made.

    The owner is the entity (its admins manage it) or an integrator registered for it (its contact
    hears when the subscription is paused). The secret is kept in plain text because signing
    needs it; it is shown only to the entity's admins, on request, and never in lists or logs.
    """

    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="webhook_subscriptions")
    integrator = models.ForeignKey(
        "integrations.Integrator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
        verbose_name=_("integrator"),
    )
    name = models.CharField(_("name"), max_length=100)
    target_url = models.CharField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100)
    # The secret before the last rotation, still signed with until then, so receivers can switch.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    pause_reason = models.CharField(max_length=10, choices=PauseReason.choices, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Deliveries (not attempts) that failed in a row; a delivered one sets it back to 0.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["entity", "status"], name="webhook_subscription_entity")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubscriptionStatus.values), name="webhook_subscription_known_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=SubscriptionStatus.PAUSED) | ~models.Q(pause_reason=""),
                name="webhook_subscription_paused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == SubscriptionStatus.ACTIVE

    @property
    def is_paused(self) -> bool:
        return self.status == SubscriptionStatus.PAUSED

    def signing_secrets(self) -> list[str]:
        """The secrets each delivery is signed with now: the current one, and the previous one
        while its overlap lasts."""
        keys = [self.secret]
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > timezone.now():
            keys.append(self.previous_secret)
        return keys


class SubscriptionEvent(AppendOnly):
    """One change to a subscription: created, paused (by whom, or after failures), resumed,
    secret rotated or shown, a delivery sent again, deleted."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty: the system
    action = models.CharField(max_length=30)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subscription", "at"], name="webhook_history_subscription")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.action} at {self.at}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up")
    CANCELLED = "cancelled", _("Cancelled: the subscription was deleted")


class Delivery(models.Model):
    """One event for one subscription. ``event_id`` is the same for every subscription the event
    went to and on every attempt, so receivers can recognise a repeat."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="deliveries")
    event_id = models.UUIDField(_("event ID"))
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    body = models.TextField(_("payload"))  # the JSON exactly as signed and sent
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Attempts in the current round: a manual retry or a resume starts a new round.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt is due; while a worker is sending, pushed ahead as its lease.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    # Sent again by an administrator: should it be given up again, that does not count towards
    # pausing the subscription (one delivery resent five times is not five failing deliveries).
    resent = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            # The stalled-delivery sweep reads only pending rows, oldest due first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=DeliveryStatus.PENDING),
                name="webhook_delivery_pending_due",
            ),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_subscription"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="webhook_delivery_known_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DeliveryStatus.DELIVERED) | models.Q(delivered_at__isnull=False),
                name="webhook_delivery_delivered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk} ({self.status})"


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    ERROR_STATUS = "error_status", _("The receiver answered with an error")
    TIMEOUT = "timeout", _("The receiver did not answer in time")
    UNREACHABLE = "unreachable", _("The receiver could not be reached")
    BLOCKED = "blocked", _("The address is not allowed")


class DeliveryAttempt(AppendOnly):
    """The log of one attempt: when, how long, the response code and the start of the response
    body, or the error."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["delivery", "at"], name="webhook_attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.outcome} {self.status_code or ''}"
