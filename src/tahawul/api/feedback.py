"""Feedback over JSON: rating a service or a transaction, filing and tracking a case, and the
satisfaction index.

Every endpoint works without an account; a token, when sent, must be valid, and makes the
request the token holder's. The rules (who may rate what, flood limits, who sees which figures)
live in tahawul.feedback; this module parses, calls, and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError
from ninja.params.functions import Header, Path
from ninja.params.functions import Query as QueryParam

from tahawul.api.application_schemas import ServiceRef
from tahawul.api.auth import BearerToken
from tahawul.api.feedback_schemas import (
    CaseCreated,
    CaseEventOut,
    CaseIn,
    CaseLinks,
    CaseOut,
    ChangeOut,
    EaseOut,
    PeriodOut,
    RatingIn,
    RatingOut,
    SatisfactionOut,
    SatisfactionQuery,
    SatisfactionRowOut,
)
from tahawul.api.idempotent import run_once
from tahawul.api.problems import problem_response
from tahawul.api.schemas import EntityRef, Problem
from tahawul.applications.models import Application
from tahawul.core.text import LocalizedText, bilingual
from tahawul.feedback import ratings, selectors
from tahawul.feedback.cases import CaseInput, open_case
from tahawul.feedback.errors import AlreadyRatedByAnother, InvalidFeedback, TooManyRequests
from tahawul.feedback.index import MIN_RESPONSES_SHOWN, Reliability, RolledUp
from tahawul.feedback.models import Case, CaseEvent, CaseKind, CaseOutcome, CaseStatus, Rating
from tahawul.feedback.periods import Period, parse_period
from tahawul.feedback.satisfaction import GroupBy, SatisfactionRow, Scope, satisfaction_by
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound

# The flood limits count per hour (tahawul.feedback.ratings.check_flood).
RETRY_AFTER_SECONDS = 3600


class OptionalBearerToken(BearerToken):
    """No Authorization header: an anonymous caller. A header: it must carry a valid token."""

    def __call__(self, request: HttpRequest) -> User | AnonymousUser | None:
        if not request.headers.get(self.header):
            return AnonymousUser()  # truthy, so ninja lets the request through
        user: User | None = super().__call__(request)
        return user


optional_bearer = OptionalBearerToken()
# OpenAPI: ninja lists the token's scheme; the empty requirement added to it means "or nothing".
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}

router = Router(tags=["feedback"], auth=optional_bearer)

REFERENCE = Path(..., max_length=40, description="The case's reference, e.g. CS-7K3M-9QPX-2CFA")
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=100,
    description="With a token: any unique string per case (a UUID); a retry with the same key and body "
    "gets the first answer. Ignored without a token",
)

_EVENT_LABELS = {
    "filed": _("Received"),
    "replied": _("The entity replied"),
    "closed": _("Closed"),
    "reopened": _("Reopened"),
    "service_changed": _("The service was changed after what people told us"),
}
_BENEFICIARY_ACTIONS = frozenset({"filed", "reopened"})


# --- ratings ----------------------------------------------------------------------------------


@router.post(
    "/ratings",
    response={201: RatingOut, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    url_name="ratings",
    summary="Rate a service, or one of your transactions",
    openapi_extra=OPTIONAL_TOKEN,
)
def rate(request: HttpRequest, body: RatingIn) -> Status[RatingOut] | HttpResponse:
    """A face or a 1–5 score (or both), optionally how easy it was (1–7) and a comment. Without a
    token a service can be rated, not a transaction. An unhappy face with a comment opens a
    follow-up case for the entity; its reference is returned. Too many ratings from one sender in
    an hour is a 429 with `Retry-After`."""
    user = _caller(request)
    application = _application_to_rate(user, body.application) if body.application else None
    try:
        rating = ratings.record_rating(
            values=ratings.RatingInput(
                face=body.face or "",
                score=body.score,
                ease=body.ease,
                comment=body.comment,
                wants_contact=body.wants_contact,
            ),
            channel=body.channel,
            language=_language(),
            client=_client(request, user),
            rater=user if isinstance(user, User) else None,
            service_code=body.service or "",
            application=application,
            endpoint=body.endpoint,
            device=body.device,
        )
    except (InvalidFeedback, TooManyRequests) as error:
        return _refusal(request, error, where="body")
    return Status(201, _rating_out(rating))


def _application_to_rate(user: User | AnonymousUser, reference: str) -> Application:
    if not isinstance(user, User):
        # A transaction is rated by its applicant (or at the counter, with its receipt's QR code).
        raise AuthenticationError()
    try:
        return selectors.rateable_application(user, reference)
    except NotFound as error:
        # Someone else's transaction and one that does not exist get the same answer: a
        # reference alone reveals nothing.
        raise AlreadyRatedByAnother() from error


def _rating_out(rating: Rating) -> RatingOut:
    follow_up = Case.objects.filter(rating=rating).values_list("reference", flat=True).first()
    return RatingOut(
        id=rating.pk,
        mood=rating.mood,
        replaced=rating.changes.exists(),
        case=follow_up,
    )


# --- cases ------------------------------------------------------------------------------------


@router.post(
    "/cases",
    response={201: CaseCreated, 401: Problem, 422: Problem, 429: Problem},
    url_name="cases",
    summary="File a complaint, suggestion, inquiry, compliment or technical problem",
    openapi_extra=OPTIONAL_TOKEN,
)
def file_case(
    request: HttpRequest,
    response: HttpResponse,
    body: CaseIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status[dict[str, Any]] | HttpResponse:
    """Anyone may file, with or without a token. Naming a service (or an entity) sends the case
    straight to that entity; otherwise the authority routes it. Attachments cannot be sent over
    JSON: use the portal. A description that is empty or over 5,000 characters is a 422 and
    nothing is kept."""
    user = _caller(request)
    filer = user if isinstance(user, User) else None

    def run() -> tuple[int, dict[str, Any]]:
        case = open_case(
            values=CaseInput(
                kind=body.kind,
                description=body.description,
                service_code=body.service or "",
                entity_code=body.entity or "",
                channel_concerned=body.channel_concerned or "",
                contact_preference=body.contact_preference,
                contact_name=body.contact_name,
                contact_email=body.contact_email,
                contact_mobile=body.contact_mobile,
                doing=body.doing,
                page=body.page,
                client_version=body.client_version,
                error_reference=body.error_reference,
            ),
            filed_on=body.filed_on,
            language=_language(),
            client=_client(request, user),
            filer=filer,
        )
        created = CaseCreated(
            reference=case.reference,
            status=case.status,
            due_at=case.due_at,
            links=CaseLinks(self=reverse("api-v1:case", kwargs={"reference": case.reference})),
        )
        return 201, created.model_dump(mode="json")

    try:
        status, result = run_once(response, filer, idempotency_key, body.model_dump(mode="json"), run)
    except (InvalidFeedback, TooManyRequests) as error:
        return _refusal(request, error, where="body")
    response["Location"] = result["links"]["self"]
    return Status(status, result)


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, 401: Problem, 404: Problem, 422: Problem},
    url_name="case",
    summary="Follow a case you filed: with your token, or with the email or mobile you gave",
    openapi_extra=OPTIONAL_TOKEN,
)
def get_case(
    request: HttpRequest,
    reference: str = REFERENCE,
    contact: str = QueryParam("", max_length=254, description="The email address or mobile number given when filing"),
) -> CaseOut:
    """The case's status, the entity's answers and how it ended. A case that is not yours answers
    404, exactly like one that does not exist; staff follow their entity's cases in the back office."""
    case = _own_case(_caller(request), reference, contact)
    return _case_out(case)


def _own_case(user: User | AnonymousUser, reference: str, contact: str) -> Case:
    if isinstance(user, User):
        try:
            case = selectors.access_case(user, reference)
        except NotFound:
            pass
        else:
            if case.filer_id == user.pk:
                return case
    # Anyone else proves the contact used; staff rights do not apply on the beneficiary's channel.
    return selectors.access_case(AnonymousUser(), reference, contact=contact)


def _case_out(case: Case) -> CaseOut:
    return CaseOut(
        reference=case.reference,
        kind=case.kind,
        kind_label=bilingual(CaseKind(case.kind).label),
        status=case.status,
        status_label=bilingual(CaseStatus(case.status).label),
        description=case.description,
        service=ServiceRef(code=case.service.code, name=LocalizedText(ar=case.service.name_ar, en=case.service.name_en))
        if case.service is not None
        else None,
        entity=EntityRef(code=case.entity.code, name=LocalizedText(ar=case.entity.name_ar, en=case.entity.name_en))
        if case.entity is not None
        else None,
        channel_concerned=case.channel_concerned or None,
        filed_on=case.filed_on,
        created_at=case.created_at,
        due_at=case.due_at,
        closed_at=case.closed_at,
        outcome=case.outcome or None,
        outcome_label=bilingual(CaseOutcome(case.outcome).label) if case.outcome else None,
        response_score=case.response_score,
        timeline=[_event_out(event) for event in selectors.public_timeline(case) if event.action in _EVENT_LABELS],
    )


def _event_out(event: CaseEvent) -> CaseEventOut:
    return CaseEventOut(
        at=event.at,
        action=event.action,
        label=bilingual(_EVENT_LABELS[event.action]),
        by="you" if event.action in _BENEFICIARY_ACTIONS else "entity",
        message=event.message,
    )


# --- the satisfaction index -------------------------------------------------------------------


@router.get(
    "/insights/satisfaction",
    response={200: SatisfactionOut, 401: Problem, 422: Problem},
    url_name="satisfaction",
    summary="The satisfaction index by service, channel or entity, with n and intervals",
    openapi_extra=OPTIONAL_TOKEN,
)
def satisfaction(request: HttpRequest, params: Query[SatisfactionQuery]) -> SatisfactionOut | HttpResponse:
    """Staff get their entities' figures, the analyst and the authority every entity's, anyone
    else the government-wide figures. A row with too few responses to trust (`too_few`, under 30)
    has its n and no figures, whoever asks."""
    try:
        period = parse_period(params.period)
    except InvalidFeedback as error:
        return _refusal(request, error, where="query")
    entity_ids = _insight_scope(_caller(request))
    rows = satisfaction_by(GroupBy(params.group_by), period, Scope(entity_ids=entity_ids))
    return SatisfactionOut(
        group_by=params.group_by,
        period=_period_out(period),
        previous_period=_period_out(period.previous()),
        scope="government" if entity_ids is None else "entities",
        rows=[_row_out(row) for row in rows],
    )


def _insight_scope(user: User | AnonymousUser) -> frozenset[int] | None:
    try:
        return selectors.insight_entities(user)
    except NotFound:
        return None  # the public: government-wide aggregates, small cells withheld like everyone's


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(name=period.name, start=period.start, end=period.end)


def _percent(share: float) -> float:
    return round(share * 100, 1)


def _row_out(row: SatisfactionRow) -> SatisfactionRowOut:
    index: RolledUp = row.index
    shown = index.reliability is not Reliability.TOO_FEW
    ease_shown = row.ease.n >= MIN_RESPONSES_SHOWN
    return SatisfactionRowOut(
        key=row.key,
        label=row.label,
        satisfied=_percent(index.satisfied) if shown else None,
        dissatisfied=_percent(index.dissatisfied) if shown else None,
        n=index.n,
        interval=(_percent(index.interval[0]), _percent(index.interval[1])) if shown else None,
        reliability=index.reliability.value,
        completed=index.completed,
        response_rate=_percent(index.response_rate) if index.response_rate is not None else None,
        ease=EaseOut(
            n=row.ease.n,
            mean=round(row.ease.mean, 1) if ease_shown and row.ease.mean is not None else None,
            agree=_percent(row.ease.agree_share) if ease_shown and row.ease.agree_share is not None else None,
        ),
        change=ChangeOut(
            difference=round(row.change.difference, 1),
            interval=(round(row.change.interval[0], 1), round(row.change.interval[1], 1)),
            significant=row.change.significant,
            direction=row.change.direction.value,
        )
        if shown and row.change is not None
        else None,
    )


# --- helpers ----------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User | AnonymousUser:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User | AnonymousUser)
    return user


def _language() -> str:
    return (translation.get_language() or "ar")[:2]


def _client(request: HttpRequest, user: User | AnonymousUser) -> str:
    """Who is sending, for the flood limits. Without a token, the address: a device identifier in
    the body is the sender's own claim, and a fresh one with every request would escape any limit."""
    if isinstance(user, User):
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def _refusal(request: HttpRequest, error: InvalidFeedback | TooManyRequests, *, where: str) -> HttpResponse:
    """A problem document for refused feedback: each field's message at its place in the request
    (``body.score``), or the flood limit's 429 with when to try again."""
    if isinstance(error, TooManyRequests):
        refused = problem_response(request, status=error.status, code=error.code, detail=str(error.message))
        refused["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return refused
    return problem_response(
        request,
        status=error.status,
        code=error.code,
        detail=str(error.message),
        errors=[
            {"location": f"{where}.{field}", "message": message.in_language()}
            for field, message in error.errors.items()
        ],
    )
