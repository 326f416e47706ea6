"""Who may take a workflow transition: the definition's role, the person's role in the entity,
whose turn it is, and four eyes on second-level approvals."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tahawul.applications.models import Application, Event
from tahawul.definitions.schema import Transition
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in

# The staff roles that may take a transition of each definition role.
ROLES_FOR = {"officer": {Role.OFFICER, Role.SUPERVISOR}, "supervisor": {Role.SUPERVISOR}}


def may_perform(application: Application, user: User | None, transition: Transition) -> Promise | None:
    """``None`` when ``user`` (``None``: the system) may take ``transition`` now, else why not."""
    if application.state not in transition.sources or application.closed_at is not None:
        return _("This cannot be done while the application is in its current state.")
    if transition.role == "system":
        return None if user is None else _("Only the system takes this step.")
    if user is None:
        return _("Only a person can take this step.")
    if transition.role == "applicant":
        return None if application.applicant_id == user.pk else _("Only the applicant can do this.")
    if application.applicant_id == user.pk:
        return _("Nobody decides their own application: another officer must take it.")
    roles = roles_in(user, application.entity_id)
    if not roles & ROLES_FOR[transition.role]:
        return _("Your role in this entity does not allow this action.")
    if transition.role == "officer":
        assigned = application.assignee_id
        if assigned is not None and assigned != user.pk and Role.SUPERVISOR not in roles:
            return _("This application is assigned to someone else.")
    if transition.role == "supervisor" and _previous_actor(application) == user.pk:
        # Two-level approval means two people: the second level is never the first's own.
        return _("A second-level decision must be taken by someone other than the officer who recommended it.")
    return None


def _previous_actor(application: Application) -> int | None:
    return (
        Event.objects.filter(application=application, to_state=application.state)
        .exclude(actor__isnull=True)
        .exclude(actor_id=application.applicant_id)  # a resubmission does not hide who did the first level
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
