"""What the entity administrators enter for the KPIs that Tahawul cannot count itself:
transactions still handled outside it, and what each channel costs to run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel


class OfflineChannel(models.TextChoices):
    """Where transactions are still handled on paper or in a legacy system."""

    COUNTER = Channel.COUNTER.value, _("Service counter")
    CALL_CENTRE = Channel.CALL_CENTRE.value, _("Call centre")
    POST = "post", _("Post")


class OfflineVolume(models.Model):
    """Transactions of a service completed in a month outside Tahawul (on paper at a counter,
    by phone in an older system, by post). Digital take-up counts them in its denominator."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=OfflineChannel.choices)
    month = models.DateField(help_text="The first day of the month")
    completed = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "channel", "month"], name="offline_volume_cell")]
        indexes = [models.Index(fields=["month", "entity"], name="offline_volume_entity")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.month:%Y-%m}: {self.completed}"


class CostChannel(models.TextChoices):
    """Channels whose running cost an entity reports: Tahawul's own and the offline ones."""

    WEB = Channel.WEB.value, _("Web portal")
    MOBILE = Channel.MOBILE.value, _("Mobile app")
    KIOSK = Channel.KIOSK.value, _("Kiosk")
    COUNTER = Channel.COUNTER.value, _("Service counter")
    CALL_CENTRE = Channel.CALL_CENTRE.value, _("Call centre")
    OPEN311 = Channel.OPEN311.value, _("Open311 client")
    POST = OfflineChannel.POST.value, _("Post")


class ChannelCost(models.Model):
    """An entity's staff and running costs of one channel for one quarter, in fils."""

    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=CostChannel.choices)
    quarter = models.DateField(help_text="The first day of the quarter")
    staff_fils = models.PositiveBigIntegerField()
    running_fils = models.PositiveBigIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "channel", "quarter"], name="channel_cost_cell")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.channel} {self.quarter}"

    @property
    def total_fils(self) -> int:
        return self.staff_fils + self.running_fils
