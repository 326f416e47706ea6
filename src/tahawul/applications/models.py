"""Applications and everything that happens to them.

The application row holds the current state; the event rows are the history and are never
changed. ``revision`` grows with every change, so two officers acting on the same page cannot
both win (see actions.perform).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel
from tahawul.core.history import AppendOnly

DRAFT = "draft"


class Application(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="applications")
    version = models.ForeignKey("definitions.ServiceVersion", on_delete=models.PROTECT, related_name="applications")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assisted_applications"
    )
    device = models.CharField(max_length=40, blank=True, help_text="The kiosk it was made on (channel kiosk)")
    state = models.CharField(max_length=40, default=DRAFT)
    answers = models.JSONField(default=dict)
    fee_fils = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_applications"
    )
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    expected_by = models.DateField(null=True, blank=True)
    state_entered_at = models.DateTimeField(default=timezone.now)
    state_due_at = models.DateTimeField(null=True, blank=True)
    sla_warned = models.BooleanField(default=False)
    sla_breached = models.BooleanField(default=False)
    sla_missed = models.BooleanField(
        default=False, help_text="Some state's SLA was missed (kept across states, unlike sla_breached)"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    correction_fields = models.JSONField(default=list, blank=True)
    correction_comment = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["entity", "state"], name="application_entity_state"),
            models.Index(fields=["entity", "state_due_at"], name="application_entity_due"),
            models.Index(fields=["applicant", "-created_at"], name="application_applicant"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_draft(self) -> bool:
        return self.state == DRAFT

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Event(AppendOnly):
    """One change to an application: who, on whose behalf, on which channel, from, to, why, when."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty: the system
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="event_application_at")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action} {self.from_state}→{self.to_state}"


class Document(models.Model):
    """An uploaded file. Stored under a random name outside the web root; read only through
    the access-checked view."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    key = models.CharField(max_length=40, help_text="The definition's document or file-field key")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    token = models.CharField(max_length=32, unique=True, help_text="How links and answers name it")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class DocumentView(AppendOnly):
    """Who opened which document when: staff access to personal files is audited."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.document_id} by {self.viewer_id}"


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=40)
    amount_fils = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    token = models.CharField(max_length=40, unique=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.application_id} {self.amount_fils} {self.status}"


class Certificate(models.Model):
    """What a final state issued. The public verification page shows exactly these fields."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20)
    holder_name_ar = models.CharField(max_length=150)
    holder_name_en = models.CharField(max_length=150)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class CompletedDay(models.Model):
    """Transactions that reached a final state, per service, channel and local day: what
    satisfaction roll-ups weight by and take-up is computed from. Updated in the same
    transaction as the closing step, so reads never count applications."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    day = models.DateField()
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "channel", "day"], name="completed_day_cell")]
        indexes = [models.Index(fields=["day", "channel"], name="completed_day_channel")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.day}: {self.completed}"


class ServiceMonth(models.Model):
    """The counts the service KPIs are computed from, per service, channel and local month
    (``month`` is its first day). Updated in the transaction of the write it counts.

    ``started`` counts drafts begun in the month, once each however often they are resumed;
    ``submitted`` counts those of them that were submitted, in the month they were begun, so
    the completion rate of a month is its own drafts' (a draft never submitted stays counted as
    not completed). ``completed`` and ``within_sla`` count applications that reached a final
    state in the month, and of them those never past a state's SLA; ``complaints`` the
    complaints about the service filed in the month (by the feedback app)."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    month = models.DateField()
    started = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    within_sla = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "channel", "month"], name="service_month_cell")]
        indexes = [models.Index(fields=["month", "entity"], name="service_month_entity")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.month:%Y-%m}"


class ProcessingMonth(models.Model):
    """How many applications completed in a month took each number of working days from
    submission to their final state: the histogram medians and 90th percentiles are read from."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    month = models.DateField()
    working_days = models.PositiveSmallIntegerField()
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "channel", "month", "working_days"], name="processing_month_cell"
            )
        ]
        indexes = [models.Index(fields=["month", "entity"], name="processing_month_entity")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.channel} {self.month:%Y-%m} {self.working_days}d: {self.completed}"


class IdempotencyRecord(models.Model):
    """The first answer to a request carrying an Idempotency-Key, written in the same
    transaction as what the request created, so a retry after any crash gets the same answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return self.key
