"""Service centres, the kiosks registered in them, and the one-time codes people sign in with.

A kiosk's identifier is recorded on every rating, case and application made on it (channel
``kiosk``); ``last_seen_at`` is its heartbeat, which the channel-health check of the kiosk fleet
reads. A kiosk proves it is one by a signed device cookie set when staff enrol its browser
(see ``devices.py``): ``device_generation`` grows with every enrolment, so only the browser
enrolled last counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.history import AppendOnly
from tahawul.core.text import localized_attribute


class ServiceCentre(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    entity = models.ForeignKey(
        "catalog.Entity", on_delete=models.PROTECT, null=True, blank=True, related_name="service_centres"
    )
    active = models.BooleanField(default=True)

    name = localized_attribute("name")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Kiosk(models.Model):
    code = models.CharField(_("kiosk identifier"), max_length=40, unique=True)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="kiosks")
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    device_generation = models.PositiveIntegerField(default=0)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    # A pending one-time enrolment link: only its SHA-256 is kept, and it works once, until it expires.
    enrolment_digest = models.CharField(max_length=64, blank=True, db_index=True)
    enrolment_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RegistryEvent(AppendOnly):
    """One change to the registry: who registered, enrolled, deactivated what, and when."""

    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="events")
    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(  # empty: the platform itself (a management command, the demo)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.kiosk_id or ''} {self.action}"


class SignInChallenge(models.Model):
    """A one-time code sent by SMS to sign in on a kiosk with a national ID number.

    Made the same way whether or not the number belongs to an account (``user`` empty: nobody
    receives that code), so the kiosk's answer never tells who has one. The code is kept only as a
    keyed hash; the national ID only as a keyed hash too, so that support can find the challenges
    of one number without the number being stored.
    """

    token = models.CharField(max_length=43, unique=True, help_text="How the kiosk's session names it")
    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, related_name="sign_in_challenges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_digest = models.CharField(max_length=64)
    code_digest = models.CharField(max_length=64)
    sends = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["expires_at"], name="challenge_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.kiosk_id} {self.created_at:%Y-%m-%d %H:%M}"


class HourlyCount(models.Model):
    """How much of an hourly allowance one key (a national ID's keyed hash, a kiosk) has used in
    one UTC clock hour; taken one at a time by ``limits.take_hourly_allowance``.

    A row per key and hour rather than a count of other rows, so that taking the last unit is one
    conditional UPDATE that two requests cannot both pass.
    """

    key = models.CharField(max_length=100)
    hour = models.DateTimeField(help_text="The start of the UTC clock hour counted")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "hour"], name="hourly_count_key_hour")]
        indexes = [models.Index(fields=["hour"], name="hourly_count_hour")]

    def __str__(self) -> str:
        return f"{self.key} {self.hour:%Y-%m-%d %H:00} {self.count}"
