"""Integrators: the other systems that reach the platform (Open311 clients, partners' apps) and
the webhooks they subscribe to. Their keys and subscriptions hang off ``Integrator``.

An integrator holds at most one live API key per entity; only the key's digest is kept. Which of
an entity's services an Open311 client may request, and whether a request becomes an application
or a case, is the entity admin's choice (:class:`Open311Service`). Each accepted request is a
:class:`ServiceRequest`: the public id and token the client was given, and the application or case
it became.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.history import AppendOnly


class Integrator(models.Model):
    """An organisation or system that integrates with the platform, registered by staff."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    contact_email = models.EmailField(_("contact email"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The account its Open311 requests are made under (the applicant, or who filed the case for
    # the requester): made with the first key, never able to sign in.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="integrator"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """An integrator's key for one entity. Only a digest is kept: a leaked database leaks no key."""

    integrator = models.ForeignKey(Integrator, on_delete=models.PROTECT, related_name="api_keys")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="api_keys")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The key's first characters, to tell keys apart")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty: issued at the command line
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integrator", "entity"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_key_per_integrator_and_entity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.integrator_id} @ {self.entity_id})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class RequestWindow(models.Model):
    """How many requests a key made in one fixed window (an hour): the rate limit's counter."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "starts_at"], name="one_window_per_key_and_hour")]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.starts_at}: {self.count}"


class Becomes(models.TextChoices):
    APPLICATION = "application", _("An application to the service")
    CASE = "case", _("A case (a complaint about the service)")


class Open311Service(models.Model):
    """Whether a service can be requested through Open311, and what a request becomes."""

    service = models.OneToOneField("catalog.Service", on_delete=models.CASCADE, related_name="open311")
    exposed = models.BooleanField(_("offered on Open311"), default=False)
    becomes = models.CharField(_("a request becomes"), max_length=12, choices=Becomes.choices)
    # Whether the place a request names is a public one (a road, a park) that lists may show; a
    # home address is personal, so the default is to show no location at all.
    public_location = models.BooleanField(_("the location is a public place"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["exposed", "service"], name="open311_exposed_service")]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.becomes if self.exposed else 'not exposed'}"


class ServiceRequest(models.Model):
    """A request an Open311 client made: what it was told (id, token), what it became, and what
    it sent about the place and the person. The person's details are never shown in a list."""

    public_id = models.CharField(max_length=20, unique=True, help_text="The Open311 service_request_id")
    token = models.CharField(max_length=40, unique=True)
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="service_requests")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    becomes = models.CharField(max_length=12, choices=Becomes.choices)
    reference = models.CharField(max_length=20, unique=True, help_text="The application's or case's reference")
    public_location = models.BooleanField(default=False, help_text="The service's setting when it was made")
    requested_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=2)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(max_length=500, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    # Who the requester is, as the client told us: kept for the entity, never listed.
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=16, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-requested_at", "-id"], name="open311_request_recent"),
            models.Index(fields=["service", "-requested_at"], name="open311_request_service"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def location_is_public(self) -> bool:
        """Whether lists may show the place: only if the service's places were public places when
        the request was made and still are (an admin who switches it off hides those listed)."""
        setting: Open311Service | None = getattr(self.service, "open311", None)
        return self.public_location and setting is not None and setting.public_location


class IntegrationEvent(AppendOnly):
    """Who registered an integrator, issued or revoked a key, or changed a service's Open311 setting."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty: the command line or the demo loader
    action = models.CharField(max_length=40)
    integrator = models.ForeignKey(Integrator, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["entity", "at"], name="integration_event_entity")]

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"
