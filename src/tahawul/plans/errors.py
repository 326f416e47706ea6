"""What can go wrong with a transformation plan, in words an entity admin understands.

Errors about one input name it in ``field`` (the form field the back office attaches them to)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError


class PlanError(DomainError):
    code = "plan_error"
    status = 422
    field: str = ""

    def __init__(self, message: Promise | str | None = None, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class PlanNotAllowed(PlanError):
    code = "plan_not_allowed"
    message = _("Only the entity's administrator can change its transformation plan.")
    status = 403


class ApprovalNotAllowed(PlanError):
    code = "approval_not_allowed"
    message = _("Only the eGovernment authority's staff can approve or return a plan.")
    status = 403


class StalePlan(PlanError):
    code = "plan_changed_by_someone_else"
    message = _(
        "Someone else changed this plan while you were looking at it. Nothing you did was saved; "
        "here is how it stands now."
    )
    status = 409


class InvalidPeriod(PlanError):
    code = "invalid_plan_period"
    message = _("A plan runs from its first year to its last year, at most ten years.")


class PeriodTaken(PlanError):
    code = "plan_period_taken"
    message = _("The entity already has a plan for some of these years.")
    status = 409


class UnknownPlanService(PlanError):
    code = "unknown_plan_service"
    message = _("Choose one of this entity's services, or name a new service.")
    field = "service"


class ServiceAlreadyPlanned(PlanError):
    code = "service_already_planned"
    message = _("This service is already in the plan.")
    status = 409
    field = "service"


class NewServiceNeedsNames(PlanError):
    code = "new_service_needs_names"
    message = _("Give the new service's name in Arabic and in English.")
    field = "new_name_ar"


class UnknownStage(PlanError):
    code = "unknown_stage"
    message = _("Choose a stage from the list.")
    field = "target_stage"


class UnknownChannel(PlanError):
    code = "unknown_channel"
    message = _("Choose channels from the list.")
    field = "target_channels"


class TargetBelowBaseline(PlanError):
    code = "target_below_baseline"
    message = _("The target stage cannot be below the stage the service is at now (the baseline).")
    field = "target_stage"


class DateOutsidePlan(PlanError):
    code = "date_outside_plan"
    message = _("The date must fall within the plan's years.")
    field = "target_date"


class MilestoneOutsidePlan(DateOutsidePlan):
    code = "milestone_outside_plan"
    message = _("The milestone's due date must fall within the plan's years.")
    field = "due_on"


class InvalidChoice(PlanError):
    code = "invalid_choice"
    message = _("Choose from the list.")


class DoneNeedsDate(PlanError):
    code = "done_needs_date"
    message = _("Give the date the milestone was done.")
    field = "done_on"


class DoneInFuture(PlanError):
    code = "done_in_future"
    message = _("A milestone cannot be done on a date that has not come yet.")
    field = "done_on"


class OwnerNotOfEntity(PlanError):
    code = "owner_not_of_entity"
    message = _("The owner must be one of the entity's staff.")
    field = "owner"


class ReasonRequired(PlanError):
    code = "reason_required"
    message = _("This plan is approved: say why it changes.")
    field = "reason"


class CommentRequired(PlanError):
    code = "comment_required"
    message = _("Say what the entity must change: returning a plan needs a comment.")
    field = "comment"


class NotInThisStatus(PlanError):
    code = "plan_not_in_this_status"
    message = _("This cannot be done while the plan is in its current status.")
    status = 409


class EmptyPlan(PlanError):
    code = "empty_plan"
    message = _("Add at least one service to the plan before submitting it.")


class NothingChanged(PlanError):
    code = "nothing_changed"
    message = _("Nothing was changed.")
