"""Reads of applications. Every read of something not public goes through an ``access_*``
guard: what a person may not see answers exactly like what does not exist (404)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tahawul.applications.models import DRAFT, Application, Certificate, Document, DocumentView, Event, Payment
from tahawul.definitions.schema import ServiceDefinition, State, Transition
from tahawul.definitions.selectors import parsed
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_in, work_entities

DUE_SOON = timedelta(days=1)


def definition_of(application: Application) -> ServiceDefinition:
    """The definition the application was made under."""
    return parsed(application.version)


def current_state(application: Application, definition: ServiceDefinition) -> State | None:
    if application.state == DRAFT or definition.workflow is None:
        return None
    return definition.workflow.states.get(application.state)


def access_application(user: User | AnonymousUser, reference: str) -> Application:
    """The application ``reference`` if ``user`` is its applicant or works its entity; else 404."""
    if not user.is_authenticated:
        raise NotFound()
    application = (
        Application.objects.select_related("service", "version", "entity", "applicant", "assignee", "assisted_by")
        .defer("version__document")
        .filter(reference=reference)
        .first()
    )
    if application is None or not can_see(user, application):
        raise NotFound()
    return application


def can_see(user: User | AnonymousUser, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk or application.assisted_by_id == user.pk:
        return True  # the assisting officer fills in the draft at the counter
    return application.entity_id in work_entities(user) and application.state != DRAFT


def track_application(*, reference: str, mobile: str) -> Application:
    """A submitted application for someone not signed in who gives the mobile number of its
    applicant's account: the second factor of the kiosk's status check. NotFound otherwise, the
    same answer for a wrong number as for a reference that does not exist; drafts are not tracked."""
    application = (
        Application.objects.select_related("service", "version", "entity", "applicant")
        .defer("version__document")
        .filter(reference=reference)
        .exclude(state=DRAFT)
        .first()
    )
    given = mobile.replace(" ", "")
    if application is None or not given or given != application.applicant.mobile:
        raise NotFound()
    return application


def access_document(user: User | AnonymousUser, token: str) -> Document:
    document = Document.objects.select_related("application").filter(token=token).first()
    if document is None or not can_see(user, document.application):
        raise NotFound()
    return document


def access_staff_application(user: User | AnonymousUser, reference: str) -> Application:
    """For the back office: only staff of the application's entity, never the applicant's view."""
    application = access_application(user, reference)
    if application.entity_id not in work_entities(user):
        raise NotFound()
    return application


def my_applications(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("service", "version", "entity")
        .defer("version__document")
        .order_by("-updated_at", "-id")
    )


def timeline(application: Application) -> list[Event]:
    return list(application.events.select_related("actor", "on_behalf_of"))


def documents_of(application: Application) -> list[Document]:
    return list(application.documents.filter(superseded=False))


class SlaStatus(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"


def sla_status(application: Application, now: datetime | None = None) -> SlaStatus | None:
    if application.state_due_at is None or application.closed_at is not None:
        return None
    now = now or timezone.now()
    if now > application.state_due_at:
        return SlaStatus.BREACHED
    if application.state_due_at - now <= DUE_SOON:
        return SlaStatus.DUE_SOON
    return SlaStatus.ON_TRACK


@dataclass(frozen=True)
class QueueFilter:
    service: str = ""
    state: str = ""
    sla: str = ""
    assignee: str = ""  # "" any, "me", "none", or a user id
    closed: bool = False


def queue(user: User, entity_id: int, filters: QueueFilter, now: datetime | None = None) -> QuerySet[Application]:
    """The entity's applications for its staff; 404 for anyone else."""
    if entity_id not in work_entities(user):
        raise NotFound()
    now = now or timezone.now()
    rows = Application.objects.filter(entity_id=entity_id).exclude(state=DRAFT)
    rows = rows.filter(closed_at__isnull=not filters.closed)
    if filters.service:
        rows = rows.filter(service__code=filters.service)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.sla == SlaStatus.BREACHED:
        rows = rows.filter(state_due_at__lt=now)
    elif filters.sla == SlaStatus.DUE_SOON:
        rows = rows.filter(state_due_at__gte=now, state_due_at__lte=now + DUE_SOON)
    elif filters.sla == SlaStatus.ON_TRACK:
        rows = rows.filter(Q(state_due_at__gt=now + DUE_SOON) | Q(state_due_at__isnull=True))
    if filters.assignee == "me":
        rows = rows.filter(assignee=user)
    elif filters.assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        rows = rows.filter(assignee_id=int(filters.assignee))
    return (
        rows.select_related("service", "version", "assignee", "applicant")
        .defer("version__document")
        .order_by("state_due_at", "submitted_at", "id")
    )


def entity_staff(entity_id: int) -> QuerySet[User]:
    """Officers and supervisors of an entity (for assignment lists)."""
    return (
        User.objects.filter(memberships__entity_id=entity_id, memberships__role__in=[Role.OFFICER, Role.SUPERVISOR])
        .distinct()
        .order_by("name_en", "username")
    )


@dataclass(frozen=True)
class OfficerLoad:
    officer: User
    open: int
    breached: int


def officer_load(user: User, entity_id: int, now: datetime | None = None) -> list[OfficerLoad]:
    """Open work and SLA breaches per officer: for the entity's supervisors only."""
    if Role.SUPERVISOR not in roles_in(user, entity_id):
        raise NotFound()
    now = now or timezone.now()
    officers = entity_staff(entity_id).annotate(
        open=Count(
            "assigned_applications",
            filter=Q(assigned_applications__entity_id=entity_id, assigned_applications__closed_at__isnull=True),
        ),
        breached=Count(
            "assigned_applications",
            filter=Q(
                assigned_applications__entity_id=entity_id,
                assigned_applications__closed_at__isnull=True,
                assigned_applications__state_due_at__lt=now,
            ),
        ),
    )
    return [OfficerLoad(officer=o, open=o.open, breached=o.breached) for o in officers]


def allowed_transitions(application: Application, user: User, definition: ServiceDefinition) -> list[Transition]:
    """The workflow's actions ``user`` may take on ``application`` now (what the page offers)."""
    from tahawul.applications.engine import may_perform

    if definition.workflow is None or application.state == DRAFT or application.closed_at is not None:
        return []
    return [
        transition
        for transition in definition.workflow.transitions
        if application.state in transition.sources and may_perform(application, user, transition) is None
    ]


def certificate_by_number(number: str) -> Certificate:
    """Public: the verification page shows what the certificate itself says, nothing more."""
    certificate = (
        Certificate.objects.select_related("application__service", "application__entity")
        .filter(number=number.strip().upper())
        .first()
    )
    if certificate is None:
        raise NotFound()
    return certificate


def payment_by_token(token: str) -> Payment:
    """The payment a provider's page is about; the token (unguessable) is the access check."""
    payment = Payment.objects.select_related("application__service").filter(token=token).first()
    if payment is None:
        raise NotFound()
    return payment


def document_views(document_ids: list[int]) -> list[DocumentView]:
    """Who opened these documents, newest first (for the entity's supervisors)."""
    return list(DocumentView.objects.filter(document_id__in=document_ids).select_related("viewer").order_by("-at"))


def applications_by_reference(references: Collection[str]) -> list[Application]:
    """The applications with these references, each with its version (to name its state), in one
    query. Public: for callers that show how each stands and nothing else (Open311's lists)."""
    rows = Application.objects.filter(reference__in=references).select_related("version")
    return list(rows.defer("version__document"))
