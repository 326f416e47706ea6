"""Every change to an application. One keyword-only function per use case; each is one
transaction, checks permission, writes the history event and queues notifications on commit.
The portal, the API and the back office all call these."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.applications import documents as files
from tahawul.applications.engine import may_perform
from tahawul.applications.errors import (
    BadDocument,
    CommentRequired,
    InvalidAnswers,
    NotAllowed,
    NotEligible,
    NotInThisState,
    PaymentRequired,
    ServiceNotOnline,
    StaleApplication,
)
from tahawul.applications.models import (
    DRAFT,
    Application,
    Certificate,
    CompletedDay,
    Document,
    DocumentView,
    Event,
    Payment,
    ProcessingMonth,
    ServiceMonth,
)
from tahawul.applications.notifying import notify_applicant, notify_assignee, notify_supervisors
from tahawul.applications.payments import provider
from tahawul.applications.selectors import current_state, definition_of
from tahawul.applications.webhook_events import emit_certificate_issued, emit_state_changed, emit_submitted
from tahawul.core.calendar import add_working_days, deadline_after, working_days_between
from tahawul.core.choices import Channel
from tahawul.core.counters import add_to_counter
from tahawul.core.references import new_reference
from tahawul.core.revisions import write_revision
from tahawul.core.text import LocalizedText, bilingual
from tahawul.definitions.answers import AnswerCheck, as_raw, check_answers, fee_for, refusals
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.schema import Document as DocumentSpec
from tahawul.definitions.schema import ServiceDefinition, Transition
from tahawul.definitions.selectors import current_definition
from tahawul.definitions.visibility import Visibility
from tahawul.definitions.workflow import expected_working_days
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_in
from tahawul.integrations.selectors import takes_open311_applications

audit = logging.getLogger("tahawul.audit")
ASSISTED_CHANNELS = frozenset({Channel.COUNTER, Channel.CALL_CENTRE})


# --- starting and filling in ------------------------------------------------------------------


def start_application(
    *, applicant: User, service_code: str, channel: str, assisted_by: User | None = None, device: str = ""
) -> Application:
    """A draft of the service's current version, kept on the server until it is submitted.
    On a kiosk, ``device`` is the kiosk's registered identifier (and only there)."""
    version, definition = current_definition(code=service_code)
    if definition.workflow is None or channel not in definition.channels:
        raise ServiceNotOnline()
    if (channel == Channel.KIOSK) != bool(device):
        raise NotAllowed(_("An application made on a kiosk names the kiosk, and only such an application does."))
    entity_id = version.service.entity_id
    if channel in ASSISTED_CHANNELS:
        if assisted_by is None or not roles_in(assisted_by, entity_id) & {Role.OFFICER, Role.SUPERVISOR}:
            raise NotAllowed(_("Only the entity's staff can apply on someone's behalf."))
    elif assisted_by is not None:
        raise NotAllowed(_("An assisted application is made at the counter or by the call centre."))
    now = timezone.now()
    with transaction.atomic():
        application = Application.objects.create(
            reference=new_reference(),
            service=version.service,
            version=version,
            entity_id=entity_id,
            applicant=applicant,
            channel=channel,
            assisted_by=assisted_by,
            device=device,
            created_at=now,
            updated_at=now,
        )
        _record(application, actor=assisted_by or applicant, action="start", to_state=DRAFT)
        _count_month(application, started=1)
    return application


def save_answers(
    *,
    application: Application,
    actor: User,
    answers: Mapping[str, object],
    sections: list[str] | None = None,
    expected_revision: int | None = None,
    today: date | None = None,
) -> AnswerCheck:
    """Check and keep the answers of some pages of a draft (or the fields a correction asked for).

    Nothing is kept when anything is wrong: the page comes back with every error. A file
    question is answered by uploading (attach_document), so its absence is not an error here;
    submitting asks for it (missing_documents).
    """
    definition = definition_of(application)
    _check_editor(application, actor)
    _check_not_stale(application, expected_revision)
    merged = {**as_raw(definition, application.answers), **answers}
    check = check_answers(definition, merged, today=today or timezone.localdate(), sections=sections)
    uploads = _unanswered_file_questions(definition, merged, check)
    errors = {key: message for key, message in check.errors.items() if key not in uploads}
    errors.update(_foreign_files(application, definition, answers))
    if application.state != DRAFT:
        errors.update(_outside_correction(application, answers))
    if errors:
        return AnswerCheck(cleaned=check.cleaned, errors=errors)
    kept = {**application.answers, **check.cleaned}
    for key in answers:
        if key not in check.cleaned:
            kept.pop(key, None)  # a blank optional answer, or a question now hidden
    if application.paid_at is not None and _online_fee(definition, kept) != application.fee_fils:
        message = bilingual(
            _("The fee was paid for your earlier answers and this change would alter it. Contact the entity.")
        )
        return AnswerCheck(cleaned=check.cleaned, errors=dict.fromkeys(answers, message))
    _write(application, application.revision, answers=kept)
    return AnswerCheck(cleaned=kept)


def _unanswered_file_questions(
    definition: ServiceDefinition, answers: Mapping[str, object], check: AnswerCheck
) -> set[str]:
    return {
        key for key in check.errors if isinstance(definition.field(key), FileField) and answers.get(key) in (None, "")
    }


def _foreign_files(
    application: Application, definition: ServiceDefinition, answers: Mapping[str, object]
) -> dict[str, LocalizedText]:
    """A file answer must name a file uploaded to this application for that question."""
    keys = [key for key, value in answers.items() if isinstance(definition.field(key), FileField) and value]
    if not keys:
        return {}
    uploaded = set(application.documents.filter(key__in=keys, superseded=False).values_list("key", "token"))
    message = bilingual(_("Upload the file through the upload form."))
    return {key: message for key in keys if (key, answers[key]) not in uploaded}


def _check_editor(application: Application, actor: User) -> None:
    if actor.pk != application.applicant_id and (
        application.assisted_by_id is None or actor.pk != application.assisted_by_id
    ):
        raise NotFound()
    if application.state == DRAFT:
        return
    state = current_state(application, definition_of(application))
    if state is None or state.actor != "applicant" or application.closed_at is not None:
        raise NotInThisState(_("This application can no longer be changed."))


def _outside_correction(application: Application, answers: Mapping[str, object]) -> dict[str, LocalizedText]:
    allowed = set(application.correction_fields)
    if not allowed:
        return {}
    message = bilingual(_("This answer was not among those you were asked to correct."))
    return {key: message for key in answers if key not in allowed}


def attach_document(*, application: Application, actor: User, key: str, upload: UploadedFile[bytes]) -> Document:
    """Keep an uploaded file for a document the definition asks for (or a file question)."""
    definition = definition_of(application)
    _check_editor(application, actor)
    spec = _file_spec(definition, key)
    if spec is None:
        raise BadDocument(_("This service does not ask for a document called '%(key)s'.") % {"key": key})
    if application.state != DRAFT and application.correction_fields and key not in application.correction_fields:
        raise BadDocument(_("This document was not among those you were asked to correct."))
    types, max_mb = spec
    stored = files.check_and_store(upload, allowed_types=types, max_mb=max_mb)
    with transaction.atomic():
        application.documents.filter(key=key, superseded=False).update(superseded=True)
        document = Document.objects.create(
            application=application,
            key=key,
            original_name=(upload.name or key)[:255],
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_name=stored.storage_name,
            token=secrets.token_urlsafe(18),
            uploaded_by=actor,
        )
        if definition.field(key) is not None:
            answers = {**application.answers, key: document.token}
            _write(application, application.revision, answers=answers)
        else:
            _write(application, application.revision)
        _record(application, actor=actor, action="upload", details={"key": key, "sha256": stored.sha256})
    return document


def _file_spec(definition: ServiceDefinition, key: str) -> tuple[list[str], float] | None:
    for spec in definition.documents:
        if spec.key == key:
            return list(spec.types), spec.max_mb
    question = definition.field(key)
    if isinstance(question, FileField):
        return list(question.types), question.max_mb
    return None


def record_document_view(*, document: Document, viewer: User) -> None:
    if viewer.pk != document.application.applicant_id:
        DocumentView.objects.create(document=document, viewer=viewer)


# --- paying -----------------------------------------------------------------------------------


def start_payment(*, application: Application, actor: User) -> Payment:
    _check_editor(application, actor)
    if application.paid_at is not None or application.fee_fils == 0:
        raise NotInThisState(_("Nothing is owed for this application."))
    chosen = provider()
    if chosen is None:
        raise NotInThisState(_("Online payment is not available."))
    return Payment.objects.create(
        application=application,
        provider=chosen.name,
        amount_fils=application.fee_fils,
        token=secrets.token_urlsafe(24),
    )


def settle_payment(*, token: str, succeeded: bool, provider_reference: str = "") -> Payment:
    """The provider's report. Reporting the same outcome twice changes nothing."""
    with transaction.atomic():
        payment = Payment.objects.select_related("application").filter(token=token).first()
        if payment is None:
            raise NotFound()
        if payment.status != Payment.Status.PENDING:
            return payment
        now = timezone.now()
        payment.status = Payment.Status.PAID if succeeded else Payment.Status.FAILED
        payment.settled_at = now
        payment.provider_reference = provider_reference
        payment.save(update_fields=["status", "settled_at", "provider_reference"])
        application = payment.application
        if succeeded and payment.amount_fils == application.fee_fils:
            _write(application, application.revision, paid_at=now)
            _record(application, actor=None, action="pay", details={"fils": payment.amount_fils})
    return payment


def quote_fee(*, application: Application) -> int:
    return _online_fee(definition_of(application), application.answers)


def fee_owed_online(*, application: Application, actor: User) -> int:
    """What ``actor`` must still pay online before submitting (0 when paid, free, or when the
    assisting officer collects it at the counter or by phone)."""
    if application.paid_at is not None or _staff_collects_fee(application, actor):
        return 0
    return quote_fee(application=application)


def _staff_collects_fee(application: Application, actor: User) -> bool:
    return application.channel in ASSISTED_CHANNELS and actor.pk == application.assisted_by_id


def _online_fee(definition: ServiceDefinition, kept: Mapping[str, Any]) -> int:
    """What these answers owe online (a fee paid at the counter or on collection is not)."""
    if definition.fee is None or definition.fee.payment != "online":
        return 0
    return fee_for(definition, cleaned=kept).fils


def prepare_payment(*, application: Application, actor: User) -> int:
    """Fix the fee the answers owe before paying (it changes only if the answers do)."""
    _check_editor(application, actor)
    fee = quote_fee(application=application)
    if application.paid_at is None and fee != application.fee_fils:
        _write(application, application.revision, fee_fils=fee)
    return fee


# --- submitting -------------------------------------------------------------------------------


def missing_documents(
    application: Application, definition: ServiceDefinition | None = None
) -> list[DocumentSpec | FileField]:
    """Required uploads not made yet: the definition's documents and its file questions that
    are shown for these answers."""
    definition = definition or definition_of(application)
    needed: list[DocumentSpec | FileField] = []
    if any(isinstance(question, FileField) for question in definition.fields()):
        check = check_answers(definition, as_raw(definition, application.answers), today=timezone.localdate())
        for key in sorted(_unanswered_file_questions(definition, application.answers, check)):
            question = definition.field(key)
            assert isinstance(question, FileField)
            needed.append(question)
    if not definition.documents:
        return needed  # most services ask for none; this is on the submission path
    have = set(application.documents.filter(superseded=False).values_list("key", flat=True))
    visibility = Visibility(definition, application.answers)
    for spec in definition.documents:
        if not spec.required or spec.key in have or not visibility.document(spec):
            continue
        needed.append(spec)
    return needed


def submit(*, application: Application, actor: User, expected_revision: int | None = None) -> Application:
    """Check everything once more and hand the application to the entity."""
    definition = definition_of(application)
    if application.state != DRAFT:
        raise NotInThisState(_("This application has already been submitted."))
    _check_editor(application, actor)
    _check_not_stale(application, expected_revision)
    missing = missing_documents(application, definition)
    if missing:
        upload = bilingual(_("Upload this document."))
        raise InvalidAnswers({spec.key: upload for spec in missing})
    check = check_answers(definition, as_raw(definition, application.answers), today=timezone.localdate())
    if not check.ok:
        raise InvalidAnswers(check.errors)
    refused = refusals(definition, facts=None, cleaned=check.cleaned)
    if refused:
        raise NotEligible(refused)
    fee = quote_fee(application=application)
    collected_by_staff = _staff_collects_fee(application, actor)
    if fee_owed_online(application=application, actor=actor):
        raise PaymentRequired()
    assert definition.workflow is not None
    now = timezone.now()
    days = expected_working_days(definition.workflow)
    changes: dict[str, Any] = {
        "answers": check.cleaned,
        "submitted_at": now,
        "expected_by": add_working_days(timezone.localdate(now), days) if days is not None else None,
        "fee_fils": fee,
    }
    if collected_by_staff and fee and application.paid_at is None:
        changes["paid_at"] = now  # collected at the counter or by phone, recorded by the officer
    with transaction.atomic():
        _enter(application, definition, definition.workflow.initial, expected_revision, now, **changes)
        _record(
            application,
            actor=actor,
            action="submit",
            from_state=DRAFT,
            to_state=definition.workflow.initial,
            on_behalf_of=application.applicant if actor.pk != application.applicant_id else None,
        )
        notify_applicant(application, "application_submitted")
        emit_submitted(application)
        _count_month(application, submitted=1)
    return application


@dataclass(frozen=True)
class Applied:
    application: Application
    events: list[Event]
    submitted: bool


def apply(*, applicant: User, service_code: str, channel: str, answers: Mapping[str, object]) -> Applied:
    """Every answer at once (the API, and later channels that send a whole form): checked
    before anything is written; submitted at once when no upload and no fee is still needed,
    else kept as a draft. One insert of the application, whatever the outcome."""
    version, definition = current_definition(code=service_code)
    if definition.workflow is None or not _offered_on(definition, channel) or channel in ASSISTED_CHANNELS:
        raise ServiceNotOnline()
    today = timezone.localdate()
    check = check_answers(definition, answers, today=today)
    uploads = _unanswered_file_questions(definition, answers, check)
    errors = {key: message for key, message in check.errors.items() if key not in uploads}
    errors.update(_foreign_files_without_application(definition, answers))
    if errors:
        raise InvalidAnswers(errors)
    refused = refusals(definition, facts=None, cleaned=check.cleaned)
    if refused:
        raise NotEligible(refused)
    fee = _online_fee(definition, check.cleaned)
    visibility = Visibility(definition, check.cleaned)
    needs_documents = bool(uploads) or any(spec.required and visibility.document(spec) for spec in definition.documents)
    now = timezone.now()
    fields: dict[str, Any] = {"answers": check.cleaned, "fee_fils": fee}
    submit_now = not needs_documents and not fee
    if submit_now:
        days = expected_working_days(definition.workflow)
        fields.update(
            submitted_at=now,
            expected_by=add_working_days(timezone.localdate(now), days) if days is not None else None,
            **_state_fields(definition, definition.workflow.initial, now),
        )
    with transaction.atomic(savepoint=False):  # no savepoint inside a caller's transaction: nothing to undo apart
        application = Application.objects.create(
            reference=new_reference(),
            service=version.service,
            version=version,
            entity=version.service.entity,
            applicant=applicant,
            channel=channel,
            created_at=now,
            updated_at=now,
            **fields,
        )
        events = [
            Event(application=application, actor=applicant, channel=channel, action="start", to_state=DRAFT, at=now)
        ]
        if submit_now:
            events.append(
                Event(
                    application=application,
                    actor=applicant,
                    channel=channel,
                    action="submit",
                    from_state=DRAFT,
                    to_state=definition.workflow.initial,
                    at=now,
                )
            )
        events = Event.objects.bulk_create(events)
        _count_month(application, started=1, submitted=int(submit_now))
        if submit_now:
            notify_applicant(application, "application_submitted")
            emit_submitted(application)
    return Applied(application=application, events=events, submitted=submit_now)


def _offered_on(definition: ServiceDefinition, channel: str) -> bool:
    # Open311 is not a channel of the definition: the entity's admin switches it on per service,
    # and only a version with nothing left for the applicant to do can take it.
    if channel == Channel.OPEN311:
        return takes_open311_applications(definition)
    return channel in definition.channels


def _foreign_files_without_application(
    definition: ServiceDefinition, answers: Mapping[str, object]
) -> dict[str, LocalizedText]:
    # Nothing can have been uploaded to an application that does not exist yet.
    return {
        key: bilingual(_("Upload the file once the application exists."))
        for key, value in answers.items()
        if isinstance(definition.field(key), FileField) and value
    }


# --- the workflow -----------------------------------------------------------------------------


def perform(
    *,
    application: Application,
    actor: User | None,
    action: str,
    comment: str = "",
    expected_revision: int | None = None,
    correction_fields: list[str] | None = None,
    channel: str = "",
) -> Application:
    """Take the workflow transition ``action`` from the application's current state.

    Refused (and logged, nothing changed) when the state, the role, the entity or the comment is
    wrong; :class:`StaleApplication` when someone else changed the application since
    ``expected_revision``.
    """
    definition = definition_of(application)
    workflow = definition.workflow
    if workflow is None or application.state == DRAFT:
        _refuse(application, actor, action, "not submitted")
        raise NotInThisState()
    _check_not_stale(application, expected_revision)
    transition = _transition(workflow.transitions, application.state, action)
    if transition is None:
        _refuse(application, actor, action, "no such transition from this state")
        raise NotInThisState()
    reason = may_perform(application, actor, transition)
    if reason is not None:
        _refuse(application, actor, action, str(reason))
        raise NotAllowed(reason)
    comment = comment.strip()
    if transition.requires_comment and not comment:
        raise CommentRequired()
    changes: dict[str, Any] = {}
    if transition.role == "applicant" and workflow.states[application.state].actor == "applicant":
        check = check_answers(definition, as_raw(definition, application.answers), today=timezone.localdate())
        if not check.ok and transition.to in workflow.states and not workflow.states[transition.to].final:
            raise InvalidAnswers(check.errors)
        changes.update(correction_fields=[], correction_comment="")
    if workflow.states[transition.to].actor == "applicant":
        known = {q.key for q in definition.fields()} | {d.key for d in definition.documents}
        asked = [key for key in correction_fields or [] if key in known]
        changes.update(correction_fields=asked, correction_comment=comment)
    if transition.role in {"officer", "supervisor"} and application.assignee_id is None and actor is not None:
        changes["assignee"] = actor
    now = timezone.now()
    with transaction.atomic():
        before = application.state
        _enter(application, definition, transition.to, application.revision, now, **changes)
        _record(
            application,
            actor=actor,
            action=action,
            from_state=before,
            to_state=transition.to,
            comment=comment,
            channel=channel or _staff_channel(application, actor),
        )
        target = workflow.states[transition.to]
        if target.final:
            _count_completion(application, now=now)
        if target.issues is not None and target.outcome == "approved":
            emit_certificate_issued(application, _issue_certificate(application, target.issues))
        if target.actor == "applicant":
            notify_applicant(application, "correction_requested", comment=comment)
        else:
            notify_applicant(application, "state_changed", comment=comment)
        emit_state_changed(application, from_state=before, action=action)
    return application


def _transition(transitions: list[Transition], state: str, action: str) -> Transition | None:
    return next((t for t in transitions if t.action == action and state in t.sources), None)


def _staff_channel(application: Application, actor: User | None) -> str:
    if actor is not None and actor.pk == application.applicant_id:
        return application.channel
    return ""


def claim(*, application: Application, actor: User, expected_revision: int | None = None) -> Application:
    """Take the application into one's own work: the workflow's claim step where it has one."""
    definition = definition_of(application)
    _check_not_stale(application, expected_revision)
    if application.state == DRAFT or application.closed_at is not None:
        raise NotInThisState()
    if not roles_in(actor, application.entity_id) & {Role.OFFICER, Role.SUPERVISOR}:
        _refuse(application, actor, "claim", "not staff of this entity")
        raise NotFound()
    if definition.workflow is not None and _transition(definition.workflow.transitions, application.state, "claim"):
        return perform(application=application, actor=actor, action="claim", expected_revision=expected_revision)
    return assign(application=application, actor=actor, assignee=actor, expected_revision=expected_revision)


def assign(
    *, application: Application, actor: User, assignee: User, expected_revision: int | None = None
) -> Application:
    """Give the application to an officer: oneself when free, anyone when a supervisor."""
    _check_not_stale(application, expected_revision)
    actor_roles = roles_in(actor, application.entity_id)
    if not actor_roles & {Role.OFFICER, Role.SUPERVISOR}:
        _refuse(application, actor, "assign", "not staff of this entity")
        raise NotFound()
    if not roles_in(assignee, application.entity_id) & {Role.OFFICER, Role.SUPERVISOR}:
        raise NotAllowed(_("Applications can only be given to the entity's officers."))
    if assignee.pk == application.applicant_id:
        raise NotAllowed(_("Nobody decides their own application: another officer must take it."))
    taking_free_one = assignee.pk == actor.pk and application.assignee_id in {None, actor.pk}
    if not taking_free_one and Role.SUPERVISOR not in actor_roles:
        _refuse(application, actor, "assign", "reassignment needs a supervisor")
        raise NotAllowed(_("Only a supervisor can reassign an application."))
    if application.closed_at is not None:
        raise NotInThisState()
    with transaction.atomic():
        _write(application, expected_revision or application.revision, assignee=assignee)
        _record(application, actor=actor, action="assign", details={"assignee": assignee.pk})
    return application


# --- SLAs -------------------------------------------------------------------------------------


def sweep_sla(*, now: datetime | None = None) -> tuple[int, int]:
    """Warn assignees of what is due within a day; mark breaches and tell supervisors.

    Each application is warned and marked once per state (the flags reset on entering a state).
    Returns (warned, breached).
    """
    from tahawul.applications.selectors import DUE_SOON

    now = now or timezone.now()
    open_rows = Application.objects.filter(closed_at__isnull=True, state_due_at__isnull=False)
    warned = breached = 0
    for application in open_rows.filter(sla_breached=False, state_due_at__lt=now).select_related("service"):
        with transaction.atomic():
            if Application.objects.filter(pk=application.pk, sla_breached=False).update(
                sla_breached=True, sla_missed=True
            ):
                _record(
                    application,
                    actor=None,
                    action="sla_breached",
                    details={"due": str(application.state_due_at)},
                )
                notify_supervisors(application, "sla_breached")
                breached += 1
    due_soon = open_rows.filter(sla_warned=False, state_due_at__gte=now, state_due_at__lte=now + DUE_SOON)
    for application in due_soon.exclude(assignee__isnull=True).select_related("service", "assignee"):
        with transaction.atomic():
            if Application.objects.filter(pk=application.pk, sla_warned=False).update(sla_warned=True):
                notify_assignee(application, "sla_approaching")
                warned += 1
    return warned, breached


# --- internals --------------------------------------------------------------------------------


def _count_month(application: Application, **amounts: int) -> None:
    """The KPI counters of the month the draft was begun in: a draft counts once, however
    often it is resumed, and its submission counts in the same month, so a month's completion
    rate is that of its own drafts."""
    add_to_counter(
        ServiceMonth,
        {
            "service_id": application.service_id,
            "channel": application.channel,
            "month": timezone.localdate(application.created_at).replace(day=1),
        },
        amounts,
        entity_id=application.entity_id,
    )


def _count_completion(application: Application, *, now: datetime) -> None:
    """A final state reached: counted for the day (satisfaction weights, take-up) and the month
    (KPIs), with the working days it took since submission and whether every SLA was kept."""
    today = timezone.localdate(now)
    key = {"service_id": application.service_id, "channel": application.channel}
    add_to_counter(CompletedDay, {**key, "day": today}, {"completed": 1}, entity_id=application.entity_id)
    if application.submitted_at is None:
        return
    month = today.replace(day=1)
    add_to_counter(
        ServiceMonth,
        {**key, "month": month},
        {"completed": 1, "within_sla": int(not application.sla_missed)},
        entity_id=application.entity_id,
    )
    days = min(working_days_between(timezone.localdate(application.submitted_at), today), 32_000)
    add_to_counter(
        ProcessingMonth,
        {**key, "month": month, "working_days": days},
        {"completed": 1},
        entity_id=application.entity_id,
    )


def _enter(
    application: Application,
    definition: ServiceDefinition,
    state_key: str,
    expected_revision: int | None,
    now: datetime,
    **changes: Any,
) -> None:
    changes.update(_state_fields(definition, state_key, now))
    # Leaving a state after its deadline misses its SLA, whether or not the sweep came by first.
    late = application.state_due_at is not None and now > application.state_due_at
    if late and not application.sla_missed:
        changes["sla_missed"] = True
    _write(application, expected_revision or application.revision, **changes)


def _state_fields(definition: ServiceDefinition, state_key: str, now: datetime) -> dict[str, Any]:
    """What entering ``state_key`` at ``now`` sets: the SLA clock, and the outcome of a final state."""
    assert definition.workflow is not None
    state = definition.workflow.states[state_key]
    due = deadline_after(now, state.sla_days) if state.actor == "staff" and state.sla_days else None
    fields: dict[str, Any] = {
        "state": state_key,
        "state_entered_at": now,
        "state_due_at": None if state.final else due,
        "sla_warned": False,
        "sla_breached": False,
    }
    if state.final:
        fields.update(closed_at=now, outcome=state.outcome or "")
    return fields


def _check_not_stale(application: Application, expected_revision: int | None) -> None:
    """A page that is out of date gets that answer first, whatever it asked: a late "claim"
    must not read as "not allowed" because a colleague claimed it meanwhile."""
    if expected_revision is not None and expected_revision != application.revision:
        raise StaleApplication()


def _write(application: Application, expected_revision: int, **changes: Any) -> None:
    """Change the row only if nobody else has since ``expected_revision``; one wins, always."""
    write_revision(application, expected_revision, StaleApplication, **changes)


def _record(
    application: Application,
    *,
    actor: User | None,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    channel: str = "",
    on_behalf_of: User | None = None,
    details: dict[str, Any] | None = None,
) -> Event:
    if on_behalf_of is None and actor is not None and application.assisted_by_id == actor.pk:
        on_behalf_of = application.applicant
    return Event.objects.create(
        application=application,
        actor=actor,
        on_behalf_of=on_behalf_of,
        channel=channel or (application.channel if actor is not None and action in {"start", "submit"} else ""),
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        details=details or {},
    )


def _refuse(application: Application, actor: User | None, action: str, why: str) -> None:
    audit.warning("refused %s on %s by %s: %s", action, application.reference, getattr(actor, "pk", "system"), why)


def _issue_certificate(application: Application, kind: str) -> Certificate:
    applicant = application.applicant
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    application=application,
                    number=new_reference("CE"),
                    kind=kind,
                    holder_name_ar=applicant.name_ar or applicant.get_full_name() or applicant.username,
                    holder_name_en=applicant.name_en or applicant.get_full_name() or applicant.username,
                )
        except IntegrityError:
            continue  # a number already taken (60 random bits: practically never)
    raise RuntimeError("could not find a free certificate number")
