"""Who hears about a case or a satisfaction alert, and what the message may say."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity, Service
from tahawul.core.choices import Channel
from tahawul.core.text import LocalizedText, bilingual
from tahawul.feedback.models import Case, CaseKind, CaseOutcome, ContactPreference
from tahawul.identity.models import Role, User
from tahawul.notifications.actions import Contact, notify
from tahawul.notifications.models import Notification

# The kinds as they read inside a sentence ("your complaint"), where the choice labels are capitalised.
KIND_IN_A_SENTENCE = {
    CaseKind.COMPLAINT: _("complaint"),
    CaseKind.SUGGESTION: _("suggestion"),
    CaseKind.INQUIRY: _("inquiry"),
    CaseKind.COMPLIMENT: _("compliment"),
    CaseKind.TECHNICAL: _("technical problem"),
}


def _link(path: str) -> LocalizedText:
    base = settings.TAHAWUL_PUBLIC_URL
    return LocalizedText(ar=f"{base}/ar/{path}", en=f"{base}/en/{path}")


def _filer_contact(case: Case) -> Contact | None:
    """How the person who filed asked to be reached; None when they asked not to be."""
    preference = case.contact_preference
    if preference == ContactPreference.NONE:
        return None
    filer = case.filer
    email = case.contact_email or (filer.email if filer else "")
    mobile = case.contact_mobile or (filer.mobile if filer else "")
    with translation.override(case.language):  # the name as the message's language writes it
        name = case.contact_name or (filer.display_name if filer else "")
    return Contact(
        name=name,
        email=email if preference == ContactPreference.EMAIL else "",
        mobile=mobile if preference in {ContactPreference.SMS, ContactPreference.PHONE} else "",
        language=case.language,
    )


def _context(case: Case, extra: dict[str, object], *, due_at: datetime | None = None) -> dict[str, object]:
    due_at = due_at or case.due_at
    context: dict[str, object] = {
        "reference": case.reference,
        "kind_label": bilingual(KIND_IN_A_SENTENCE[CaseKind(case.kind)]),
        "due_at": timezone.localtime(due_at) if due_at else "",
    }
    context.update(extra)
    return context


def notify_filer(case: Case, event: str, *, message: str = "") -> None:
    """Tell the person who filed ``case`` about ``event``, in the language they filed in, on the
    channel they chose; nothing when they asked not to be contacted."""
    contact = _filer_contact(case)
    if contact is None:
        return
    extra: dict[str, object] = {"url": _link(f"feedback/cases/{case.reference}/"), "message": message}
    if case.outcome:
        extra["outcome_label"] = bilingual(CaseOutcome(case.outcome).label)
    sent = notify(recipient=contact, event=event, context=_context(case, extra), case_id=case.pk)
    if case.filer_id is not None and sent:
        # Sent to the address the case gives, but it is the account holder's message, not a stranger's.
        Notification.objects.filter(pk__in=[row.pk for row in sent]).update(recipient_id=case.filer_id)
        for row in sent:
            row.recipient_id = case.filer_id


def _supervisors(entity_id: int) -> QuerySet[User]:
    return User.objects.filter(
        memberships__entity_id=entity_id, memberships__role=Role.SUPERVISOR, is_active=True
    ).distinct()


def notify_overdue(case: Case, level: int, *, missed: datetime | None = None) -> None:
    """Level 1: the entity's supervisors. Level 2, or any level while unrouted: the authority's.
    ``missed`` is the deadline that passed (the case's own due_at has already moved on)."""
    authority = Entity.objects.filter(code=settings.TAHAWUL_AUTHORITY_ENTITY).first()
    entity_id = case.entity_id if level == 1 and case.entity_id else authority.pk if authority else None
    if entity_id is None:
        return
    if case.entity is not None:
        entity_name = LocalizedText(ar=case.entity.name_ar, en=case.entity.name_en)
    else:
        entity_name = bilingual(_("no entity yet: waiting to be routed"))
    context = _context(
        case, {"entity_name": entity_name, "url": _link(f"office/cases/{case.reference}/")}, due_at=missed
    )
    for supervisor in _supervisors(entity_id):
        notify(recipient=supervisor, event="case_overdue", context=context, case_id=case.pk)


def notify_dissatisfaction(service: Service, channel: str, *, share: float, usual_share: float) -> None:
    """Tell the supervisors of the service's entity that its dissatisfied share on ``channel``
    has risen to ``share`` (the EWMA of recent days) from the usual ``usual_share``."""
    context = {
        "service_name": LocalizedText(ar=service.name_ar, en=service.name_en),
        "channel_label": bilingual(Channel(channel).label),
        "share": f"{share:.0%}",
        "usual_share": f"{usual_share:.0%}",
        "url": _link(f"insights/satisfaction/?service={service.code}"),
    }
    for supervisor in _supervisors(service.entity_id):
        notify(recipient=supervisor, event="dissatisfaction_rising", context=context)
