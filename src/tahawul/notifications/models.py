"""The notification outbox: one row per message to one address on one channel.

The row is written in the same transaction as the action that caused it, with its text already
rendered in the recipient's language, so what was sent is on record and a rolled-back action
leaves nothing behind. Delivery happens later, in the worker (see tasks.deliver).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    recipient = models.ForeignKey(  # empty: someone without an account who left a contact
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,  # covered by the (recipient, -created_at) index below
        verbose_name=_("recipient"),
    )
    # Not a foreign key: applications sit above notifications in the layers (pyproject.toml).
    application_id = models.BigIntegerField(_("application"), null=True, blank=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)
    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    language = models.CharField(_("language"), max_length=8)
    to_address = models.CharField(_("sent to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a delivery attempt is next due; while a worker is sending, pushed ahead as its lease.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider's message ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The stalled-delivery sweep reads only pending rows, oldest due first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=NotificationStatus.PENDING),
                name="notification_pending_due",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(fields=["application_id", "created_at"], name="notification_application"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=NotificationChannel.values), name="notification_known_channel"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notification_known_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=NotificationStatus.SENT) | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} #{self.pk} ({self.status})"
