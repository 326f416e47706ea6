"""Transformation plans: each entity's plan for a period, its items (services to move up the
maturity stages) and their milestones, the versions the authority approved, and every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Maturity
from tahawul.core.history import AppendOnly


class Stage(models.TextChoices):
    """Where a service stands: not online at all, then the UN maturity stages, lowest first."""

    OFFLINE = "offline", _("Not online")
    INFORMATIONAL = Maturity.INFORMATIONAL.value, Maturity.INFORMATIONAL.label
    INTERACTIVE = Maturity.INTERACTIVE.value, Maturity.INTERACTIVE.label
    TRANSACTIONAL = Maturity.TRANSACTIONAL.value, Maturity.TRANSACTIONAL.label
    CONNECTED = Maturity.CONNECTED.value, Maturity.CONNECTED.label


STAGE_ORDER: dict[str, int] = {stage.value: rank for rank, stage in enumerate(Stage)}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class Plan(models.Model):
    """An entity's transformation plan for the years ``first_year`` to ``last_year``."""

    entity = models.ForeignKey("catalog.Entity", on_delete=models.PROTECT, related_name="plans")
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    approved_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The number of the latest version the authority approved"
    )
    revision = models.PositiveIntegerField(default=1, help_text="Raised by every change (stale-form check)")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "first_year"], name="plan_per_entity_period"),
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")), name="plan_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.first_year}–{self.last_year}"


class PlanItem(models.Model):
    """A service the plan moves: an existing one (``service``) or a new one not yet defined
    (``new_name_*``). The baseline is where it stands at the start; the target where it must be
    by ``target_date``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    new_name_ar = models.CharField(max_length=300, blank=True)
    new_name_en = models.CharField(max_length=300, blank=True)
    baseline_stage = models.CharField(max_length=20, choices=Stage.choices)
    baseline_channels = models.JSONField(default=list, blank=True)
    baseline_steps = models.PositiveSmallIntegerField(default=0)
    baseline_documents = models.PositiveSmallIntegerField(default=0)
    baseline_visits = models.PositiveSmallIntegerField(default=0)
    baseline_days = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Working days")
    baseline_fee_fils = models.PositiveIntegerField(null=True, blank=True)
    target_stage = models.CharField(max_length=20, choices=Stage.choices)
    target_channels = models.JSONField(default=list, blank=True)
    target_date = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "service"], condition=models.Q(service__isnull=False), name="plan_item_service_once"
            ),
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | ~models.Q(new_name_en=""), name="plan_item_names_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.service_id or self.new_name_en}"


class MilestoneKind(models.TextChoices):
    """In the order they happen."""

    ANALYSIS = "analysis", _("Analysis")
    REENGINEERING = "reengineering", _("Re-engineering")
    BUILD = "build", _("Build")
    TEST = "test", _("Test")
    LAUNCH = "launch", _("Launch")
    RETIRE_COUNTER = "retire_counter", _("Retire the counter")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class Milestone(models.Model):
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    due_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED)
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What shows it is done: a note or a link")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "kind"], name="milestone_once_per_item"),
            models.CheckConstraint(
                condition=models.Q(status=MilestoneStatus.DONE, done_on__isnull=False)
                | (~models.Q(status=MilestoneStatus.DONE) & models.Q(done_on__isnull=True)),
                name="milestone_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"


class PlanVersion(AppendOnly):
    """What the plan said when it was submitted and, once approved, what the authority approved."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanEvent(AppendOnly):
    """Every change to a plan, its items and milestones, and every step of its approval.
    ``after_approval`` marks changes made to an approved plan (they need a reason)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=40)
    item = models.ForeignKey(PlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    after_approval = models.BooleanField(default=False)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["plan", "at"], name="plan_event_at")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action} {self.at:%Y-%m-%d}"
