"""Reads of cases and ratings, and the access guards through which every non-public one goes.

An officer of entity A never sees entity B's cases: every guard answers NotFound for what is not
the caller's to see, the same answer as for a reference that does not exist.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from tahawul.applications.models import Application
from tahawul.core.references import normalise_reference
from tahawul.feedback.cases import CASE_STAFF, is_authority_staff
from tahawul.feedback.models import Case, CaseAttachment, CaseEvent, CaseStatus, ServiceChange
from tahawul.identity.models import Membership, Role, User
from tahawul.identity.selectors import NotFound, roles_by_entity, roles_in

READ_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ENTITY_ADMIN})


def _same_contact(case: Case, contact: str) -> bool:
    contact = contact.strip().casefold().replace(" ", "")
    if not contact:
        return False
    known = {case.contact_email.casefold(), case.contact_mobile}
    if case.filer is not None:
        known |= {case.filer.email.casefold(), case.filer.mobile}
    return contact in known - {""}


def access_case(user: User | AnonymousUser, reference: str, *, contact: str = "") -> Case:
    """A case for the person who filed it (signed in, or giving the email or mobile used),
    staff of its entity, the authority's staff and the analyst. NotFound otherwise."""
    case = (
        Case.objects.select_related("entity", "service", "filer", "assignee", "suggested_service")
        .filter(reference=normalise_reference(reference))
        .first()
    )
    if case is None:
        raise NotFound()
    if user.is_authenticated and (case.filer_id == user.pk or is_case_staff(user, case)):
        return case
    # A contact proves a case filed without an account, or is the second factor for someone not signed in.
    if (case.filer_id is None or not user.is_authenticated) and _same_contact(case, contact):
        return case
    raise NotFound()


def is_case_staff(user: User | AnonymousUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if case.entity_id is not None and roles_in(user, case.entity_id) & READ_ROLES:
        return True
    return is_analyst(user) or is_authority_staff(user)


def is_analyst(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, role=Role.ANALYST).exists()


def may_handle(user: User, case: Case) -> bool:
    """Whether ``user`` may reply to, assign or close ``case`` (its entity's officers and supervisors)."""
    return case.entity_id is not None and bool(roles_in(user, case.entity_id) & CASE_STAFF)


def access_attachment(user: User | AnonymousUser, token: str, *, contact: str = "") -> CaseAttachment:
    attachment = CaseAttachment.objects.select_related("case").filter(token=token).first()
    if attachment is None:
        raise NotFound()
    access_case(user, attachment.case.reference, contact=contact)
    return attachment


def public_timeline(case: Case) -> list[CaseEvent]:
    """What the beneficiary sees: filing, replies, closure, reopening, linked changes."""
    return list(case.events.filter(Q(public=True) | Q(action="filed")).select_related("actor"))


def staff_timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor"))


def my_cases(user: User) -> QuerySet[Case]:
    return Case.objects.filter(filer=user).select_related("service", "entity").order_by("-created_at")


def rateable_application(user: User, reference: str) -> Application:
    """The applicant's own transaction, to rate it; NotFound for anyone else's."""
    application = Application.objects.select_related("service").filter(reference=normalise_reference(reference)).first()
    if application is None or application.applicant_id != user.pk:
        raise NotFound()
    return application


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""
    kind: str = ""
    assignee: str = ""  # "me", "none", or empty for everyone
    overdue: bool = False


def case_queue(user: User, entity_id: int, filters: CaseFilter, now: datetime | None = None) -> QuerySet[Case]:
    """The entity's cases for its staff, most urgent first; NotFound for anyone else."""
    if not roles_in(user, entity_id) & READ_ROLES:
        raise NotFound()
    rows = Case.objects.filter(entity_id=entity_id)
    return _filtered(rows, user, filters, now)


def routing_queue(user: User, filters: CaseFilter, now: datetime | None = None) -> QuerySet[Case]:
    """Cases waiting to be routed (and, for re-routing, any open case), for the authority's staff."""
    if not is_authority_staff(user):
        raise NotFound()
    rows = Case.objects.filter(status=CaseStatus.TO_ROUTE) if not filters.status else Case.objects.all()
    return _filtered(rows, user, filters, now)


def _filtered(rows: QuerySet[Case], user: User, filters: CaseFilter, now: datetime | None) -> QuerySet[Case]:
    rows = rows.filter(status=filters.status) if filters.status else rows.exclude(status=CaseStatus.CLOSED)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.assignee == "me":
        rows = rows.filter(assignee=user)
    elif filters.assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    if filters.overdue:
        rows = rows.filter(first_response_at__isnull=True, due_at__lt=now or timezone.now())
    return rows.select_related("service", "entity", "assignee", "suggested_service").order_by(
        F("due_at").asc(nulls_last=True), "created_at"
    )


def case_handlers(case: Case) -> QuerySet[User]:
    """Who a supervisor may give the case to: its entity's officers and supervisors (nobody
    while it waits to be routed)."""
    if case.entity_id is None:
        return User.objects.none()
    return (
        User.objects.filter(memberships__entity_id=case.entity_id, memberships__role__in=CASE_STAFF, is_active=True)
        .distinct()
        .order_by("username")
    )


def you_said_we_did(*, entity_code: str = "", limit: int = 100) -> QuerySet[ServiceChange]:
    """The public list of changes made because of what people said, newest first."""
    rows = ServiceChange.objects.select_related("service", "entity", "version").annotate(case_count=Count("cases"))
    if entity_code:
        rows = rows.filter(entity__code=entity_code)
    return rows[:limit]


@dataclass(frozen=True)
class CaseStatistics:
    opened: int
    by_kind: dict[str, int]
    open_now: int
    answered_in_time: int
    answered_late: int
    overdue_unanswered: int
    median_response_hours: float | None
    response_scores: int
    mean_response_score: float | None

    @property
    def sla_compliance(self) -> float | None:
        answered = self.answered_in_time + self.answered_late + self.overdue_unanswered
        return self.answered_in_time / answered if answered else None


def case_statistics(entity_ids: frozenset[int] | None, start: datetime, end: datetime) -> CaseStatistics:
    """Case volumes, response-time compliance and times for cases filed in [start, end)."""
    rows = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    if entity_ids is not None:
        rows = rows.filter(entity_id__in=entity_ids)
    by_kind = dict(rows.values_list("kind").annotate(total=Count("id")).order_by())
    now = timezone.now()
    totals = rows.aggregate(
        opened=Count("id"),
        open_now=Count("id", filter=~Q(status=CaseStatus.CLOSED)),
        in_time=Count("id", filter=Q(first_response_at__isnull=False, first_response_at__lte=F("due_at"))),
        late=Count("id", filter=Q(first_response_at__isnull=False, first_response_at__gt=F("due_at"))),
        overdue=Count("id", filter=Q(first_response_at__isnull=True, due_at__lt=now)),
        scores=Count("response_score"),
    )
    # Response times of at most the latest 5,000 answered cases: enough for a median, bounded in cost.
    answered = (
        rows.filter(first_response_at__isnull=False)
        .order_by("-created_at")
        .values_list("created_at", "first_response_at")[:5000]
    )
    hours = [(responded - filed).total_seconds() / 3600 for filed, responded in answered if responded is not None]
    scores = [
        score
        for score in rows.filter(response_score__isnull=False).values_list("response_score", flat=True)[:5000]
        if score is not None
    ]
    return CaseStatistics(
        opened=totals["opened"],
        by_kind=by_kind,
        open_now=totals["open_now"],
        answered_in_time=totals["in_time"],
        answered_late=totals["late"],
        overdue_unanswered=totals["overdue"],
        median_response_hours=median(hours) if hours else None,
        response_scores=totals["scores"],
        mean_response_score=sum(scores) / len(scores) if scores else None,
    )


def insight_entities(user: User | AnonymousUser) -> frozenset[int] | None:
    """Whose feedback figures ``user`` may see: None for every entity (the analyst and the
    authority's staff), else the entities where they hold a staff role; NotFound for the public."""
    if is_analyst(user) or (user.is_authenticated and is_authority_staff(user)):
        return None
    entities = frozenset(entity for entity, roles in roles_by_entity(user).items() if roles & READ_ROLES)
    if not entities:
        raise NotFound()
    return entities


def cases_by_reference(references: Collection[str]) -> list[Case]:
    """The cases with these references, in one query. Public: for callers that show how each
    stands and nothing else (Open311's lists)."""
    return list(Case.objects.filter(reference__in=references))


def closed_by_reference() -> Q:
    """Keeps the rows (of a model with a ``reference``, like Open311's requests) whose application
    is closed or whose case is: one EXISTS a row, so a page of them stays cheap."""
    return Q(Exists(Application.objects.filter(reference=OuterRef("reference"), closed_at__isnull=False))) | Q(
        Exists(Case.objects.filter(reference=OuterRef("reference"), status=CaseStatus.CLOSED))
    )
