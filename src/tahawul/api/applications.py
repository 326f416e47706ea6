"""Applications over JSON: the beneficiary's own applications, as the mobile app works with them.

The API is the beneficiary channel. Whoever holds the token sees the applications they made and
nothing else, even when they are an officer: staff work in the back office. Someone else's
application answers exactly like one that does not exist (404).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.files import UploadedFile
from ninja.params.functions import File, Header, Path, Query

from tahawul.api.application_schemas import (
    ActionIn,
    ActionOut,
    AnswersIn,
    AnswersProblem,
    ApplicationOut,
    ApplicationPage,
    ApplicationSummary,
    Correction,
    DocumentNeeded,
    DocumentOut,
    EventOut,
    Links,
    NewApplication,
    PaymentOut,
    ServiceRef,
)
from tahawul.api.auth import bearer, token_user
from tahawul.api.errors import InvalidParameters
from tahawul.api.idempotent import run_once
from tahawul.api.schemas import EntityRef, Problem
from tahawul.applications import actions, selectors
from tahawul.applications.errors import InvalidAnswers, NotAllowed
from tahawul.applications.models import DRAFT, Application, Document, Event
from tahawul.applications.payments import provider
from tahawul.catalog.errors import UnknownService
from tahawul.core.choices import Channel
from tahawul.core.money import format_dinars
from tahawul.core.references import normalise_reference
from tahawul.core.text import LocalizedText, bilingual
from tahawul.definitions.schema import ServiceDefinition, Transition
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound

router = Router(tags=["applications"], auth=bearer)

REFERENCE = Path(..., max_length=40, description="The application's reference, e.g. TH-7K3M-9QPX-2CFA")
KEY = Path(..., max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
UPLOAD = File(..., description="The file, as multipart/form-data; its type is read from its content, not its name")
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=100,
    description="Any unique string per request (a UUID): a retry with the same key and body gets the first answer",
)
LIMIT = Query(20, ge=1, le=100, description="How many applications per page")
OFFSET = Query(0, ge=0, le=1_000_000, description="How many to skip")
ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 409: Problem}

_DRAFT_LABEL = _("Draft")
# Events the applicant sees; staff's internal steps (assignment, SLA alarms) are not theirs.
_BUILT_IN_ACTIONS = {
    "start": _("Application started"),
    "submit": _("Submitted"),
    "upload": _("Document uploaded"),
    "pay": _("Fee paid"),
}


# --- reading ----------------------------------------------------------------------------------


@router.get("/applications", response={200: ApplicationPage, 401: Problem, 422: Problem}, url_name="applications")
def list_applications(
    request: HttpRequest,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> ApplicationPage:
    """Your applications, drafts included, the most recently changed first."""
    user = token_user(request)
    rows = selectors.my_applications(user)
    page = list(rows[offset : offset + limit])
    return ApplicationPage(
        count=rows.count(), limit=limit, offset=offset, items=[_summary(application, user) for application in page]
    )


@router.get(
    "/applications/{reference}",
    response={200: ApplicationOut, **ERRORS},
    url_name="application",
    summary="One of your applications, with its history and what you can do next",
)
def get_application(request: HttpRequest, reference: str = REFERENCE) -> ApplicationOut:
    user = token_user(request)
    return _resource(_mine(user, reference), user)


# --- applying ---------------------------------------------------------------------------------


@router.post(
    "/applications",
    response={201: ApplicationOut, 401: Problem, 403: Problem, 422: AnswersProblem},
    summary="Apply for a service: every answer at once; submitted at once when nothing else is needed",
)
def create_application(
    request: HttpRequest,
    response: HttpResponse,
    body: NewApplication,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status[dict[str, Any]]:
    """The answers are checked together: any error is a 422 listing each field, and nothing is
    kept. When the service needs no documents and no fee, the application is submitted;
    otherwise it is kept as a draft and `missing_documents` and `links.pay` say what is left."""
    user = token_user(request)

    def run() -> tuple[int, dict[str, Any]]:
        try:
            applied = actions.apply(
                applicant=user, service_code=body.service, channel=body.channel, answers=body.answers
            )
        except UnknownService as error:
            raise InvalidParameters({"body.service": error.message}) from error
        # What was just written is known: the response is built without reading it back.
        resource = _resource(applied.application, user, events=applied.events, documents=[])
        return 201, resource.model_dump(mode="json")

    status, result = run_once(response, user, idempotency_key, body.model_dump(mode="json"), run)
    response["Location"] = result["links"]["self"]
    return Status(status, result)


@router.patch(
    "/applications/{reference}/answers",
    response={200: ApplicationOut, **ERRORS, 422: AnswersProblem},
    url_name="application_answers",
    summary="Change answers of a draft, or correct those the entity asked about",
)
def change_answers(request: HttpRequest, body: AnswersIn, reference: str = REFERENCE) -> ApplicationOut:
    user = token_user(request)
    application = _mine(user, reference)
    check = actions.save_answers(application=application, actor=user, answers=body.answers, sections=None)
    if not check.ok:
        raise InvalidAnswers(check.errors)
    return _resource(application, user)


@router.post(
    "/applications/{reference}/documents/{key}",
    response={201: DocumentOut, **ERRORS, 422: Problem},
    url_name="application_document",
    summary="Upload a document the service asks for (replaces an earlier upload of the same key)",
)
def upload_document(
    request: HttpRequest,
    reference: str = REFERENCE,
    key: str = KEY,
    file: UploadedFile = UPLOAD,
) -> Status[DocumentOut]:
    user = token_user(request)
    application = _mine(user, reference)
    document = actions.attach_document(application=application, actor=user, key=key, upload=file)
    return Status(201, _document(document))


@router.post(
    "/applications/{reference}/payment",
    response={201: PaymentOut, **ERRORS},
    url_name="application_payment",
    summary="Start paying the fee: a checkout page to open in a browser",
)
def start_payment(request: HttpRequest, reference: str = REFERENCE) -> Status[PaymentOut]:
    user = token_user(request)
    application = _mine(user, reference)
    chosen = provider()
    with transaction.atomic():
        actions.prepare_payment(application=application, actor=user)
        payment = actions.start_payment(application=application, actor=user)
    assert chosen is not None  # start_payment refuses when no provider is configured
    checkout_url = request.build_absolute_uri(chosen.checkout_url(payment.token))
    return Status(201, PaymentOut.of(payment.amount_fils, checkout_url))


@router.post(
    "/applications/{reference}/submit",
    response={200: ApplicationOut, **ERRORS, 402: Problem, 422: AnswersProblem},
    url_name="application_submit",
    summary="Submit a draft once its documents are uploaded and its fee paid",
)
def submit_application(
    request: HttpRequest,
    response: HttpResponse,
    reference: str = REFERENCE,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status[dict[str, Any]]:
    user = token_user(request)
    application = _mine(user, reference)

    def run() -> tuple[int, dict[str, Any]]:
        actions.submit(application=application, actor=user)
        return 200, _resource(application, user).model_dump(mode="json")

    return Status(*run_once(response, user, idempotency_key, {"submit": application.reference}, run))


@router.post(
    "/applications/{reference}/actions/{action}",
    response={200: ApplicationOut, **ERRORS, 422: AnswersProblem},
    url_name="application_action",
    summary="Take one of the applicant's steps of the workflow (resubmit after a correction, withdraw...)",
)
def take_action(
    request: HttpRequest,
    body: ActionIn,
    reference: str = REFERENCE,
    action: str = KEY,
) -> ApplicationOut:
    """The steps on offer are the application's `actions`. A `revision` other than the current
    one is a 409: someone changed the application since you read it."""
    user = token_user(request)
    application = _mine(user, reference)
    definition = selectors.definition_of(application)
    transitions = definition.workflow.transitions if definition.workflow is not None else []
    roles = {transition.role for transition in transitions if transition.action == action}
    if not roles:
        raise NotFound()
    if "applicant" not in roles:
        raise NotAllowed(_("This step is taken by the entity's staff."))
    actions.perform(
        application=application, actor=user, action=action, comment=body.comment, expected_revision=body.revision
    )
    return _resource(application, user)


# --- helpers ----------------------------------------------------------------------------------


def _mine(user: User, reference: str) -> Application:
    """The token holder's own application; staff reach their entity's applications in the back
    office only, so here another person's application is a 404 like a missing one."""
    application = selectors.access_application(user, normalise_reference(reference))
    if application.applicant_id != user.pk:
        raise NotFound()
    return application


def _applicant_actions(application: Application, user: User, definition: ServiceDefinition) -> list[Transition]:
    transitions = definition.workflow.transitions if definition.workflow is not None else []
    if not any(t.role == "applicant" and application.state in t.sources for t in transitions):
        return []  # nothing for the applicant here: no need to ask about staff roles
    return [t for t in selectors.allowed_transitions(application, user, definition) if t.role == "applicant"]


def _fee_due(application: Application, user: User) -> bool:
    return actions.fee_owed_online(application=application, actor=user) > 0


def _path(name: str, **kwargs: str) -> str:
    return reverse(f"api-v1:{name}", kwargs=kwargs)


def _state_label(definition: ServiceDefinition, state: str) -> LocalizedText:
    if state == DRAFT or definition.workflow is None or state not in definition.workflow.states:
        return bilingual(_DRAFT_LABEL) if state == DRAFT else LocalizedText(ar=state, en=state)
    return definition.workflow.states[state].label


def _links(application: Application, fee_due: bool) -> Links:
    reference = application.reference
    draft = application.state == DRAFT
    return Links(
        self=_path("application", reference=reference),
        submit=_path("application_submit", reference=reference) if draft else None,
        pay=_path("application_payment", reference=reference) if draft and fee_due else None,
        answers=_path("application_answers", reference=reference),
    )


def _summary(application: Application, user: User) -> ApplicationSummary:
    definition = selectors.definition_of(application)
    fee_due = application.state == DRAFT and _fee_due(application, user)
    return ApplicationSummary(**_summary_fields(application, definition, fee_due))


def _summary_fields(application: Application, definition: ServiceDefinition, fee_due: bool) -> dict[str, Any]:
    entity = application.entity
    return {
        "reference": application.reference,
        "service": ServiceRef(code=application.service.code, name=definition.name),
        "entity": EntityRef(code=entity.code, name=LocalizedText(ar=entity.name_ar, en=entity.name_en)),
        "state": application.state,
        "state_label": _state_label(definition, application.state),
        "channel": Channel(application.channel),
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "expected_by": application.expected_by,
        "closed_at": application.closed_at,
        "outcome": application.outcome or None,
        "links": _links(application, fee_due),
    }


def _resource(
    application: Application,
    user: User,
    *,
    events: list[Event] | None = None,
    documents: list[Document] | None = None,
) -> ApplicationOut:
    definition = selectors.definition_of(application)
    fee_due = application.state == DRAFT and _fee_due(application, user)
    fee = application.fee_fils if application.state != DRAFT else actions.quote_fee(application=application)
    state = selectors.current_state(application, definition)
    waiting_for_applicant = state is not None and state.actor == "applicant" and application.closed_at is None
    editable = application.state == DRAFT or waiting_for_applicant
    return ApplicationOut(
        **_summary_fields(application, definition, fee_due),
        revision=application.revision,
        answers=application.answers,
        fee_fils=fee,
        fee=format_dinars(fee),
        paid=application.paid_at is not None,
        missing_documents=[
            DocumentNeeded(
                key=spec.key,
                label=spec.label,
                help=spec.help,
                types=list(spec.types),
                max_mb=spec.max_mb,
                max_bytes=int(spec.max_mb * 1024 * 1024),
                upload=_path("application_document", reference=application.reference, key=spec.key),
            )
            for spec in (actions.missing_documents(application, definition) if editable else [])
        ],
        documents=[
            _document(document)
            for document in (selectors.documents_of(application) if documents is None else documents)
        ],
        correction=Correction(fields=application.correction_fields, comment=application.correction_comment)
        if waiting_for_applicant
        else None,
        actions=[
            ActionOut(
                action=transition.action,
                label=transition.label,
                to_state=transition.to,
                to_label=_state_label(definition, transition.to),
                requires_comment=transition.requires_comment,
                href=_path("application_action", reference=application.reference, action=transition.action),
            )
            for transition in _applicant_actions(application, user, definition)
        ],
        timeline=_timeline(application, definition, selectors.timeline(application) if events is None else events),
    )


def _timeline(application: Application, definition: ServiceDefinition, events: list[Event]) -> list[EventOut]:
    labels = {t.action: t.label for t in definition.workflow.transitions} if definition.workflow else {}
    shown = []
    for event in events:
        if event.to_state and event.action in labels and event.action not in {"start", "submit"}:
            label = labels[event.action]
        elif event.action in _BUILT_IN_ACTIONS:
            label = bilingual(_BUILT_IN_ACTIONS[event.action])
        else:
            continue
        shown.append(
            EventOut(
                at=event.at,
                action=event.action,
                label=label,
                by=_by(event, application),
                from_state=event.from_state or None,
                from_label=_state_label(definition, event.from_state) if event.from_state else None,
                to_state=event.to_state or None,
                to_label=_state_label(definition, event.to_state) if event.to_state else None,
                # Workflow comments are the entity's words to the applicant (they are also in the
                # notification the applicant receives).
                comment=event.comment if event.to_state else "",
            )
        )
    return shown


def _by(event: Event, application: Application) -> Literal["applicant", "staff", "system"]:
    if event.actor_id is None:
        return "system"
    return "applicant" if event.actor_id == application.applicant_id else "staff"


def _document(document: Document) -> DocumentOut:
    return DocumentOut(
        token=document.token,
        key=document.key,
        name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        uploaded_at=document.uploaded_at,
    )
