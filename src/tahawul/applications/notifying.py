"""Who hears about a change to an application, and what the message may say."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from tahawul.applications.models import Application
from tahawul.core.text import LocalizedText
from tahawul.identity.models import Role, User
from tahawul.notifications.actions import notify


def _link(path: str) -> LocalizedText:
    base = settings.TAHAWUL_PUBLIC_URL
    return LocalizedText(ar=f"{base}/ar/{path}", en=f"{base}/en/{path}")


def _context(application: Application, **extra: object) -> dict[str, object]:
    from tahawul.applications.selectors import current_state, definition_of

    definition = definition_of(application)
    state = current_state(application, definition)
    context: dict[str, object] = {
        "reference": application.reference,
        "service_name": definition.name,
        "state_label": state.label if state is not None else "",
        "expected_by": application.expected_by or "",
        "due_at": timezone.localtime(application.state_due_at) if application.state_due_at else "",
    }
    context.update(extra)
    return context


def notify_applicant(application: Application, event: str, *, comment: str = "") -> None:
    context = _context(application, comment=comment, url=_link(f"my/applications/{application.reference}/"))
    notify(recipient=application.applicant, event=event, context=context, application_id=application.pk)


def notify_assignee(application: Application, event: str) -> None:
    if application.assignee is None:
        return
    context = _context(application, url=_link(f"office/applications/{application.reference}/"))
    notify(recipient=application.assignee, event=event, context=context, application_id=application.pk)


def notify_supervisors(application: Application, event: str) -> None:
    supervisors = User.objects.filter(
        memberships__entity_id=application.entity_id, memberships__role=Role.SUPERVISOR, is_active=True
    ).distinct()
    context = _context(application, url=_link(f"office/applications/{application.reference}/"))
    for supervisor in supervisors:
        notify(recipient=supervisor, event=event, context=context, application_id=application.pk)


__all__ = ["notify_applicant", "notify_assignee", "notify_supervisors"]
