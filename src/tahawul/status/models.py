"""Channel health: the components people reach the government through, every check of them, the
daily roll-up the status page reads, and incidents with their updates.

The status page reads ``ComponentHealth`` (one row per component) and ``UptimeDay`` (one row per
component and local day) only: both are updated in the same transaction as each ``CheckResult``,
so the page costs the same with ninety days of history as with one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import DIGITAL_CHANNELS, Channel
from tahawul.core.history import AppendOnly
from tahawul.core.text import localized_attribute


class Component(models.TextChoices):
    """What the status page reports on: the channels, and the services every channel relies on."""

    PORTAL = "portal", _("Web portal")
    API = "api", _("JSON API")
    MOBILE = "mobile", _("Mobile app")
    KIOSKS = "kiosks", _("Kiosks")
    OPEN311 = "open311", _("Open311 interface")
    SMS = "sms", _("SMS messages")
    EMAIL = "email", _("Email messages")
    PAYMENTS = "payments", _("Online payment")


# The channels a technical-problem case names (Case.channel_concerned) when its problem may be
# this component's: a report names where the person was, not the part that failed. The API serves
# the mobile app and Open311 clients; payment is made on the portal, the app and kiosks; a missing
# SMS or email is reported wherever the person was (docs/status.md).
CHANNELS_OF_COMPONENT: dict[str, frozenset[str]] = {
    Component.PORTAL: frozenset({Channel.WEB}),
    Component.API: frozenset({Channel.MOBILE, Channel.OPEN311}),
    Component.MOBILE: frozenset({Channel.MOBILE}),
    Component.KIOSKS: frozenset({Channel.KIOSK}),
    Component.OPEN311: frozenset({Channel.OPEN311}),
    Component.PAYMENTS: frozenset({Channel.WEB, Channel.MOBILE, Channel.KIOSK}),
    Component.SMS: DIGITAL_CHANNELS,
    Component.EMAIL: DIGITAL_CHANNELS,
}
# The component that is the channel itself, which a spike of reports about the channel points at.
COMPONENT_OF_CHANNEL: dict[str, str] = {
    next(iter(channels)): component for component, channels in CHANNELS_OF_COMPONENT.items() if len(channels) == 1
}


class State(models.TextChoices):
    UP = "up", _("Working")
    DEGRADED = "degraded", _("Slow or partly working")
    DOWN = "down", _("Not working")


# How bad each state is, for taking the worse of two (the status page ranks "no recent check" at 1).
SEVERITY: dict[str, int] = {State.UP: 0, State.DEGRADED: 2, State.DOWN: 3}


class ComponentHealth(models.Model):
    """One component's latest check and its current run of failures; one row per component."""

    component = models.CharField(max_length=12, choices=Component.choices, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, blank=True)  # blank: never checked
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    reason_ar = models.CharField(max_length=300, blank=True)
    reason_en = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # Consecutive results that were not "up", and when the first of them was taken.
    failing_streak = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    # A worker running this component's check holds it until then: one check per interval, however
    # many workers queue the periodic task.
    claimed_until = models.DateTimeField(null=True, blank=True)

    reason = localized_attribute("reason")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="") | models.Q(state__in=State.values), name="component_health_known_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.state or 'unchecked'}"


class CheckResult(models.Model):
    """One run of one component's check. Kept TAHAWUL_STATUS_KEEP_DAYS days, then pruned."""

    component = models.CharField(max_length=12, choices=Component.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    reason_ar = models.CharField(max_length=300, blank=True)
    reason_en = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    reason = localized_attribute("reason")

    class Meta:
        indexes = [
            models.Index(fields=["component", "-checked_at"], name="check_result_component"),
            models.Index(fields=["checked_at"], name="check_result_checked_at"),  # the prune
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=State.values), name="check_result_known_state")
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.state} {self.checked_at:%Y-%m-%d %H:%M}"


class UptimeDay(models.Model):
    """How many checks of one component found it up, degraded or down on one local day."""

    component = models.CharField(max_length=12, choices=Component.choices)
    day = models.DateField()
    up = models.PositiveIntegerField(default=0)
    degraded = models.PositiveIntegerField(default=0)
    down = models.PositiveIntegerField(default=0)
    # Runs that found nothing to check (no kiosk in service, no payment provider): the worker was
    # running, so these minutes are covered, but they say nothing about uptime.
    nothing_to_check = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["component", "day"], name="uptime_day_component")]
        indexes = [models.Index(fields=["day"], name="uptime_day_day")]

    def __str__(self) -> str:
        return f"{self.component} {self.day}"


class IncidentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for staff")
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Cause identified")
    MONITORING = "monitoring", _("Fix applied, watching")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


# Not ended yet; an open incident blocks automatic proposals for its components.
OPEN_STATUSES = (
    IncidentStatus.PROPOSED,
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IDENTIFIED,
    IncidentStatus.MONITORING,
)
# Confirmed by staff and not ended: what the public sees as ongoing, and what updates move between.
ONGOING_STATUSES = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
PUBLIC_STATUSES = (*ONGOING_STATUSES, IncidentStatus.RESOLVED)


class Origin(models.TextChoices):
    STAFF = "staff", _("Opened by staff")
    CHECKS = "checks", _("Proposed after failed checks")
    CASES = "cases", _("Proposed after many reports of technical problems")


class Incident(models.Model):
    title_ar = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    status = models.CharField(max_length=14, choices=IncidentStatus.choices)
    impact = models.CharField(max_length=10, choices=State.choices)  # degraded or down
    origin = models.CharField(max_length=8, choices=Origin.choices)
    # The component an automatic proposal is about; the constraint below keeps it to one open each.
    proposed_for = models.CharField(max_length=12, choices=Component.choices, blank=True)
    started_at = models.DateTimeField(help_text="When the problem began, as far as is known")
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Resolved or dismissed")
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    title = localized_attribute("title")

    class Meta:
        indexes = [models.Index(fields=["status", "-started_at"], name="incident_status_started")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=IncidentStatus.values), name="incident_known_status"),
            models.CheckConstraint(
                condition=models.Q(impact__in=[State.DEGRADED, State.DOWN]), name="incident_impact_is_a_problem"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OPEN_STATUSES) | models.Q(ended_at__isnull=False),
                name="incident_ended_has_time",
            ),
            models.UniqueConstraint(
                fields=["proposed_for"],
                condition=models.Q(status__in=OPEN_STATUSES) & ~models.Q(proposed_for=""),
                name="incident_one_open_proposal_per_component",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title_en} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class AffectedComponent(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    component = models.CharField(max_length=12, choices=Component.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "component"], name="affected_component_once")]
        indexes = [models.Index(fields=["component", "incident"], name="affected_component")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.component}"


class IncidentUpdate(AppendOnly):
    """One step of an incident: proposed, confirmed, an update, resolved, dismissed. Public ones
    (in both languages) are what the status page shows; the others are notes for staff."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=14, choices=IncidentStatus.choices, help_text="The status it set")
    message_ar = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    note = models.TextField(blank=True, help_text="For staff only, in the language it was typed in")
    # What the step set about the incident's reach, when it set it (blank or empty: unchanged).
    impact = models.CharField(max_length=10, choices=State.choices, blank=True, help_text="The effect it set")
    components = models.JSONField(default=list, blank=True, help_text="The affected components it set")

    message = localized_attribute("message")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["incident", "-at"], name="incident_update_incident")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class IncidentCase(models.Model):
    """A technical-problem case about an affected channel, filed during the incident or shortly
    before; its filer is told when the incident is resolved (once: ``notified_at``)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("feedback.Case", on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "case"], name="incident_case_once")]
        indexes = [
            # What the reporters' task has still to do (tahawul.status.notifying).
            models.Index(
                fields=["incident"], condition=models.Q(notified_at__isnull=True), name="incident_case_to_tell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.case_id}"
