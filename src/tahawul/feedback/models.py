"""Ratings, their per-day aggregates, and cases (suggestions, complaints, inquiries, compliments
and technical problems) with their history.

Dashboards read ``SatisfactionDay`` only: it is updated in the same transaction as each rating,
so a figure over ten million ratings costs what it costs over a hundred thousand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel
from tahawul.core.history import AppendOnly
from tahawul.core.text import localized_attribute


class Face(models.TextChoices):
    HAPPY = "happy", _("Happy")
    NEUTRAL = "neutral", _("Neutral")
    UNHAPPY = "unhappy", _("Unhappy")


class Instrument(models.TextChoices):
    """The headline instrument a response counts by (docs/satisfaction-index.md)."""

    FACES = "faces", _("Three faces")
    SCORE = "score", _("Score from 1 to 5")


class MoodChoice(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Endpoint(models.TextChoices):
    """Where in a journey the rating was asked: at every end, not only on success."""

    COMPLETED = "completed", _("Transaction completed")
    SUBMITTED = "submitted", _("Application submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INELIGIBLE = "ineligible", _("Not eligible")
    ERROR = "error", _("Error page")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VISIT = "visit", _("Service visit")  # kiosk, counter or information page without a transaction


class Rating(models.Model):
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="ratings")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="ratings")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    face = models.CharField(max_length=10, choices=Face.choices, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    ease = models.PositiveSmallIntegerField(null=True, blank=True)
    mood = models.CharField(max_length=12, choices=MoodChoice.choices)
    comment = models.TextField(blank=True)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="rating"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    endpoint = models.CharField(max_length=12, choices=Endpoint.choices, default=Endpoint.COMPLETED)
    language = models.CharField(max_length=2)
    device = models.CharField(max_length=60, blank=True, help_text="The kiosk or counter that asked")
    # A keyed hash of who sent it (account, device or address), for flood limits only.
    client_digest = models.CharField(max_length=64)
    sentiment = models.CharField(max_length=10, blank=True)
    topics = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    day = models.DateField(help_text="The local day whose aggregate counts it")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["client_digest", "created_at"], name="rating_client_recent"),
            models.Index(fields=["service", "channel", "created_at"], name="rating_cell_time"),
            models.Index(fields=["entity", "created_at"], name="rating_entity_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__range=(1, 5)), name="rating_score_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(ease__isnull=True) | models.Q(ease__range=(1, 7)), name="rating_ease_1_7"
            ),
            models.CheckConstraint(
                condition=~models.Q(face="") | models.Q(score__isnull=False), name="rating_has_a_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.mood}"


class RatingChange(AppendOnly):
    """What a rating said before the beneficiary rated the same transaction again."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField()

    def __str__(self) -> str:
        return f"{self.rating_id} at {self.at}"


class SatisfactionDay(models.Model):
    """One cell (service × channel) on one local day: what the index is computed from."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    day = models.DateField()
    satisfied = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    ease_n = models.PositiveIntegerField(default=0)
    ease_sum = models.PositiveIntegerField(default=0)
    ease_agree = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "channel", "day"], name="satisfaction_day_cell")]
        indexes = [
            models.Index(fields=["day", "channel"], name="satisfaction_day_channel"),
            models.Index(fields=["entity", "day"], name="satisfaction_entity_day"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.day}"


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    INQUIRY = "inquiry", _("Inquiry")
    COMPLIMENT = "compliment", _("Compliment")
    TECHNICAL = "technical", _("Technical problem")


class CaseStatus(models.TextChoices):
    TO_ROUTE = "to_route", _("Waiting to be routed")
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    FORWARDED = "forwarded", _("Forwarded")
    DUPLICATE = "duplicate", _("Duplicate")


class ContactPreference(models.TextChoices):
    NONE = "none", _("Do not contact me")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone call")


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=12, choices=CaseKind.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices)
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    suggested_service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    routing_confirmed = models.BooleanField(default=False)
    channel_concerned = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    filed_on = models.CharField(max_length=20, choices=Channel.choices)
    description = models.TextField()
    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    filed_by = models.ForeignKey(  # staff filing on a caller's behalf
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_mobile = models.CharField(max_length=16, blank=True)
    contact_preference = models.CharField(max_length=8, choices=ContactPreference.choices)
    language = models.CharField(max_length=2)
    # A technical problem: what the person was doing, where, with what, and the error reference shown.
    doing = models.TextField(blank=True)
    page = models.CharField(max_length=500, blank=True)
    client_version = models.CharField(max_length=200, blank=True)
    error_reference = models.CharField(max_length=40, blank=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="case")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
    )
    sentiment = models.CharField(max_length=10, blank=True)
    topics = models.JSONField(default=list, blank=True)
    client_digest = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(default=0, help_text="1: the entity's supervisors; 2: the authority")
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=14, choices=CaseOutcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    response_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["entity", "status"], name="case_entity_status"),
            models.Index(fields=["entity", "due_at"], name="case_entity_due"),
            models.Index(fields=["status", "due_at"], name="case_status_due"),
            models.Index(fields=["filer", "-created_at"], name="case_filer"),
            models.Index(fields=["client_digest", "created_at"], name="case_client_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_score__isnull=True) | models.Q(response_score__range=(1, 5)),
                name="case_response_score_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(status="to_route") | models.Q(entity__isnull=False), name="case_routed_has_entity"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CaseEvent(AppendOnly):
    """One step in a case: filed, routed, assigned, replied, closed, reopened, escalated, rated."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    message = models.TextField(blank=True, help_text="A reply the beneficiary reads, or an internal note")
    public = models.BooleanField(default=False, help_text="Shown to the beneficiary")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    token = models.CharField(max_length=32, unique=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ResponseSla(models.Model):
    """An entity's own response time for one case type, replacing TAHAWUL_CASE_SLA_DAYS."""

    entity = models.ForeignKey("catalog.Entity", on_delete=models.CASCADE, related_name="case_slas")
    kind = models.CharField(max_length=12, choices=CaseKind.choices)
    working_days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind"], name="response_sla_entity_kind"),
            models.CheckConstraint(condition=models.Q(working_days__gte=1), name="response_sla_at_least_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.kind} {self.working_days}"


class ServiceChange(models.Model):
    """ "You said, we did": a change to a service made because of what people told us."""

    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="service_changes")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="changes")
    version = models.ForeignKey(
        "definitions.ServiceVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    you_said_ar = models.TextField()
    you_said_en = models.TextField()
    we_did_ar = models.TextField()
    we_did_en = models.TextField()
    cases = models.ManyToManyField(Case, related_name="service_changes")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    you_said = localized_attribute("you_said")
    we_did = localized_attribute("we_did")

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.published_at:%Y-%m-%d}"


class DissatisfactionAlert(models.Model):
    """A sudden rise in dissatisfaction flagged by the EWMA chart, kept so each is told once."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    day = models.DateField()
    share = models.FloatField()
    usual_share = models.FloatField()
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "channel", "day"], name="alert_cell_day")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.day}"
