"""Every change to a case: filing, routing, assigning, replying, closing, reopening, rating the
response, and the response-time sweep. Each is one transaction and writes a CaseEvent; the portal,
the API and the back office call these."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.applications import documents as files
from tahawul.applications.models import Application, ServiceMonth
from tahawul.catalog.models import Entity, Service
from tahawul.core.calendar import deadline_after
from tahawul.core.choices import Channel
from tahawul.core.counters import add_to_counter
from tahawul.core.references import new_reference, normalise_reference
from tahawul.core.revisions import write_revision
from tahawul.core.text import LANGUAGES, LocalizedText, bilingual
from tahawul.feedback.errors import (
    InvalidFeedback,
    NotAllowed,
    NotInThisState,
    ReopenWindowClosed,
    StaleCase,
)
from tahawul.feedback.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseKind,
    CaseOutcome,
    CaseStatus,
    ContactPreference,
    Rating,
    ResponseSla,
    ServiceChange,
)
from tahawul.feedback.notifying import notify_filer, notify_overdue
from tahawul.feedback.ratings import check_flood, client_digest
from tahawul.feedback.webhook_events import emit_case_closed, emit_case_opened, emit_case_routed_away
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_by_entity, roles_in

if TYPE_CHECKING:
    from tahawul.applications.documents import StoredFile
    from tahawul.feedback.text.classifier import Reading

audit = logging.getLogger("tahawul.audit")

DESCRIPTION_MAX_CHARS = 5000
MESSAGE_MAX_CHARS = 5000
MAX_ATTACHMENTS = 3
ATTACHMENT_TYPES = ["image/png", "image/jpeg", "image/webp", "application/pdf"]
ATTACHMENT_MAX_MB = 5.0
_MOBILE = re.compile(r"^\+[0-9]{8,15}$")
CASE_STAFF = frozenset({Role.OFFICER, Role.SUPERVISOR})


@dataclass(frozen=True)
class CaseInput:
    kind: str
    description: str
    service_code: str = ""
    entity_code: str = ""
    channel_concerned: str = ""
    contact_preference: str = ContactPreference.NONE
    contact_name: str = ""
    contact_email: str = ""
    contact_mobile: str = ""
    doing: str = ""
    page: str = ""
    client_version: str = ""
    error_reference: str = ""
    attachments: list[UploadedFile[bytes]] = field(default_factory=list)


def is_authority_staff(user: User) -> bool:
    """Whether ``user`` is an officer or supervisor of the authority (remembered on the user for
    the request, as roles are: every back-office page asks)."""
    cached: bool | None = getattr(user, "_is_authority_staff", None)
    if cached is None:
        roles = roles_by_entity(user)
        cached = (
            bool(roles)
            and Entity.objects.filter(
                pk__in=[entity for entity, held in roles.items() if held & CASE_STAFF],
                code=settings.TAHAWUL_AUTHORITY_ENTITY,
            ).exists()
        )
        user._is_authority_staff = cached  # type: ignore[attr-defined]
    return cached


def response_days(entity: Entity | None, kind: str) -> int:
    """The entity's response SLA for ``kind`` in working days, else the platform's default."""
    if entity is not None:
        own = ResponseSla.objects.filter(entity=entity, kind=kind).values_list("working_days", flat=True).first()
        if own:
            return own
    days: int = settings.TAHAWUL_CASE_SLA_DAYS[kind]
    return days


# --- filing -----------------------------------------------------------------------------------


def _check_case(
    values: CaseInput, filer: User | None
) -> tuple[dict[str, LocalizedText], Service | None, Entity | None]:
    errors: dict[str, LocalizedText] = {}
    if values.kind not in CaseKind.values:
        errors["kind"] = bilingual(_("Choose what kind of message this is."))
    description = values.description.strip()
    if not description:
        errors["description"] = bilingual(_("Tell us what it is about."))
    elif len(description) > DESCRIPTION_MAX_CHARS:
        errors["description"] = bilingual(_("Keep the description to 5,000 characters or fewer."))
    if values.channel_concerned and values.channel_concerned not in Channel.values:
        errors["channel_concerned"] = bilingual(_("This channel is not one we know."))
    service = (
        Service.objects.select_related("entity").filter(code=values.service_code).first()
        if values.service_code
        else None
    )
    if values.service_code and service is None:
        errors["service"] = bilingual(_("There is no service with this code."))
    entity = service.entity if service else None
    if values.entity_code and service is None:
        entity = Entity.objects.filter(code=values.entity_code).first()
        if entity is None:
            errors["entity"] = bilingual(_("There is no government entity with this code."))
    errors.update(_check_contact(values, filer))
    if len(values.attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = bilingual(_("Attach at most 3 files."))
    for name, text, limit in (
        ("doing", values.doing, 2000),
        ("page", values.page, 500),
        ("client_version", values.client_version, 200),
        ("error_reference", values.error_reference, 40),
        ("contact_name", values.contact_name, 150),
    ):
        if len(text) > limit:
            errors[name] = bilingual(_("This is too long."))
    return errors, service, entity


def _check_contact(values: CaseInput, filer: User | None) -> dict[str, LocalizedText]:
    preference = values.contact_preference
    if preference not in ContactPreference.values:
        return {"contact_preference": bilingual(_("Choose how we may contact you."))}
    errors: dict[str, LocalizedText] = {}
    email = values.contact_email.strip() or (filer.email if filer else "")
    mobile = values.contact_mobile.strip() or (filer.mobile if filer else "")
    if values.contact_email.strip():
        try:
            validate_email(values.contact_email.strip())
        except ValidationError:
            errors["contact_email"] = bilingual(_("Enter an email address like name@example.com."))
    if values.contact_mobile.strip() and not _MOBILE.match(values.contact_mobile.strip()):
        errors["contact_mobile"] = bilingual(_("Give the mobile number with its country code, e.g. +97333123456."))
    if preference == ContactPreference.EMAIL and not email and "contact_email" not in errors:
        errors["contact_email"] = bilingual(_("Give an email address so that we can reply."))
    if preference in {ContactPreference.SMS, ContactPreference.PHONE} and not mobile and "contact_mobile" not in errors:
        errors["contact_mobile"] = bilingual(_("Give a mobile number so that we can reply."))
    return errors


def open_case(
    *,
    values: CaseInput,
    filed_on: str,
    language: str,
    client: str,
    filer: User | None = None,
    filed_by: User | None = None,
    application: Application | None = None,
    rating: Rating | None = None,
) -> Case:
    """File a suggestion, complaint, inquiry, compliment or technical problem.

    Anyone may file, signed in or not; staff filing for a caller pass ``filed_by``. A case naming
    a service (or an entity) goes straight to that entity; otherwise the text classifier suggests
    a service and the authority's staff confirm the routing. Raises InvalidFeedback, BadDocument,
    TooManyRequests. Attachments are typed by content and stored like application documents.
    """
    errors, service, entity = _check_case(values, filer)
    if filed_on not in Channel.values:
        errors["filed_on"] = bilingual(_("This channel is not one we know."))
    if errors:
        raise InvalidFeedback(errors)
    digest = client_digest(client)
    if filed_by is None and rating is None:
        check_flood(Case, digest, settings.TAHAWUL_CASES_PER_HOUR)
    description = values.description.strip()
    reading = _read(description)
    suggested = _suggest(description) if service is None and entity is None else None
    now = timezone.now()
    fields: dict[str, Any] = {
        "kind": values.kind,
        "status": CaseStatus.OPEN if entity is not None else CaseStatus.TO_ROUTE,
        "entity": entity,
        "service": service,
        "suggested_service": suggested,
        "routing_confirmed": entity is not None,
        "channel_concerned": values.channel_concerned,
        "filed_on": filed_on,
        "description": description,
        "filer": filer,
        "filed_by": filed_by,
        "contact_name": values.contact_name.strip(),
        "contact_email": values.contact_email.strip(),
        "contact_mobile": values.contact_mobile.strip(),
        "contact_preference": values.contact_preference,
        "language": language if language in LANGUAGES else settings.LANGUAGE_CODE,
        "doing": values.doing.strip(),
        "page": values.page.strip(),
        "client_version": values.client_version.strip(),
        "error_reference": values.error_reference.strip(),
        "application": application,
        "rating": rating,
        "sentiment": reading.sentiment if reading else "",
        "topics": list(reading.topics) if reading else [],
        "client_digest": digest,
        "created_at": now,
        "updated_at": now,
        "due_at": deadline_after(now, response_days(entity, values.kind)),
    }
    # Stored last, and removed again should the case not be saved: a refused case leaves no file.
    stored = _store_attachments(values.attachments)
    with _forgetting_files_on_failure(stored), transaction.atomic():
        case = _create_with_reference(fields)
        CaseAttachment.objects.bulk_create(
            CaseAttachment(
                case=case,
                original_name=(upload.name or "attachment")[:255],
                content_type=kept.content_type,
                size=kept.size,
                sha256=kept.sha256,
                storage_name=kept.storage_name,
                token=secrets.token_urlsafe(18),
            )
            for upload, kept in stored
        )
        details = {"suggested_service": suggested.code} if suggested else {}
        _record(case, actor=filed_by or filer, action="filed", details=details)
        _count_complaint(case, case.service_id, 1)
        notify_filer(case, "case_received")
        emit_case_opened(case)
    return case


def _store_attachments(uploads: list[UploadedFile[bytes]]) -> list[tuple[UploadedFile[bytes], StoredFile]]:
    """Check each upload by its content and store it; when one is refused, the ones stored
    before it are removed, so a refused case leaves no file behind. Raises BadDocument."""
    stored: list[tuple[UploadedFile[bytes], StoredFile]] = []
    with _forgetting_files_on_failure(stored):
        for upload in uploads:
            stored.append(
                (upload, files.check_and_store(upload, allowed_types=ATTACHMENT_TYPES, max_mb=ATTACHMENT_MAX_MB))
            )
    return stored


@contextmanager
def _forgetting_files_on_failure(stored: list[tuple[UploadedFile[bytes], StoredFile]]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for _upload, kept in stored:
            files.path_of(kept.storage_name).unlink(missing_ok=True)
        raise


def _count_complaint(case: Case, service_id: int | None, amount: int) -> None:
    """Complaints per 1,000 transactions (docs/kpis.md) counts complaints naming a service, in
    the month they were filed, on the channel they are about (else the one they came through)."""
    if case.kind != CaseKind.COMPLAINT or service_id is None:
        return
    entity_id = Service.objects.filter(pk=service_id).values_list("entity_id", flat=True).get()
    add_to_counter(
        ServiceMonth,
        {
            "service_id": service_id,
            "channel": case.channel_concerned or case.filed_on,
            "month": timezone.localdate(case.created_at).replace(day=1),
        },
        {"complaints": amount},
        entity_id=entity_id,
    )


def _create_with_reference(fields: dict[str, Any]) -> Case:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(reference=new_reference("CS"), **fields)
        except IntegrityError:
            continue  # a reference already taken (60 random bits: practically never)
    raise RuntimeError("could not find a free case reference")


# --- handling ---------------------------------------------------------------------------------


def route_case(
    *, case: Case, actor: User, service_code: str = "", entity_code: str = "", expected_revision: int | None = None
) -> Case:
    """Send a case to the entity that owns it: the authority's staff confirm a suggestion or
    re-route any case. The response clock keeps running from filing, at the new entity's SLA.
    Raises StaleCase, NotAllowed (not the authority's staff), NotInThisState (closed),
    InvalidFeedback (no such service or entity)."""
    _check_not_stale(case, expected_revision)
    if not is_authority_staff(actor):
        _refuse(case, actor, "route", "not authority staff")
        raise NotAllowed(_("Only the eGovernment authority's staff can route cases."))
    if case.is_closed:
        raise NotInThisState()
    service = Service.objects.select_related("entity").filter(code=service_code).first() if service_code else None
    if service_code and service is None:
        raise InvalidFeedback({"service": bilingual(_("There is no service with this code."))})
    entity = service.entity if service else Entity.objects.filter(code=entity_code).first() if entity_code else None
    if entity is None:
        raise InvalidFeedback({"service": bilingual(_("Choose the service or the entity this case belongs to."))})
    changes: dict[str, Any] = {
        "entity": entity,
        "service": service,
        "routing_confirmed": True,
        "status": CaseStatus.OPEN if case.status == CaseStatus.TO_ROUTE else case.status,
        "due_at": deadline_after(case.created_at, response_days(entity, case.kind)),
    }
    if entity.pk != case.entity_id:
        # A new owner: nobody there has it yet, and its own supervisors hear first if it is late.
        changes["assignee"] = None
        changes["escalation"] = 0
    with transaction.atomic():
        before = case.entity.code if case.entity else ""
        if case.service_id != (service.pk if service else None):  # the complaint counts for its new service
            _count_complaint(case, case.service_id, -1)
            _count_complaint(case, service.pk if service else None, 1)
        if before and before != entity.code:  # before the write: as the entity it leaves knew it
            emit_case_routed_away(case)
        _write(case, expected_revision or case.revision, **changes)
        _record(
            case, actor=actor, action="routed", details={"from": before, "to": entity.code, "service": service_code}
        )
        if before != entity.code:  # it reaches this entity only now
            emit_case_opened(case)
    return case


def assign_case(*, case: Case, actor: User, assignee: User, expected_revision: int | None = None) -> Case:
    """Give a case to an officer of its entity: oneself when it is free, anyone when a supervisor."""
    _check_not_stale(case, expected_revision)
    actor_roles = _staff_roles(case, actor)
    if not roles_in(assignee, case.entity_id or 0) & CASE_STAFF:
        raise NotAllowed(_("Cases can only be given to the entity's officers."))
    taking_free_one = assignee.pk == actor.pk and case.assignee_id in {None, actor.pk}
    if not taking_free_one and Role.SUPERVISOR not in actor_roles:
        raise NotAllowed(_("Only a supervisor can reassign a case."))
    if case.is_closed:
        raise NotInThisState()
    with transaction.atomic():
        _write(case, expected_revision or case.revision, assignee=assignee)
        _record(case, actor=actor, action="assigned", details={"assignee": assignee.pk})
    return case


def reply_to_case(*, case: Case, actor: User, message: str, expected_revision: int | None = None) -> Case:
    """Answer the beneficiary, who is told in their language. The first reply stops the response clock."""
    _check_not_stale(case, expected_revision)
    _staff_roles(case, actor)
    message = message.strip()
    if not message:
        raise InvalidFeedback({"message": bilingual(_("Write the reply."))})
    if len(message) > MESSAGE_MAX_CHARS:
        raise InvalidFeedback({"message": bilingual(_("Keep the reply to 5,000 characters or fewer."))})
    if case.is_closed:
        raise NotInThisState()
    now = timezone.now()
    changes: dict[str, Any] = {"status": CaseStatus.ANSWERED}
    if case.first_response_at is None:
        changes["first_response_at"] = now
    if case.assignee_id is None:
        changes["assignee"] = actor
    with transaction.atomic():
        _write(case, expected_revision or case.revision, **changes)
        _record(case, actor=actor, action="replied", message=message, public=True)
        notify_filer(case, "case_replied", message=message)
    return case


def close_case(
    *,
    case: Case,
    actor: User,
    outcome: str,
    reason: str = "",
    duplicate_of: str = "",
    expected_revision: int | None = None,
) -> Case:
    """Close with an outcome: resolved; not resolved, forwarded (each needing a reason); or a
    duplicate of another case of the same entity."""
    _check_not_stale(case, expected_revision)
    _staff_roles(case, actor)
    reason = reason.strip()
    errors: dict[str, LocalizedText] = {}
    if outcome not in CaseOutcome.values:
        errors["outcome"] = bilingual(_("Choose how the case ends."))
    if outcome in {CaseOutcome.NOT_RESOLVED, CaseOutcome.FORWARDED} and not reason:
        errors["reason"] = bilingual(_("Say why, for the person who raised it."))
    if len(reason) > MESSAGE_MAX_CHARS:
        errors["reason"] = bilingual(_("Keep the reason to 5,000 characters or fewer."))
    original = None
    if outcome == CaseOutcome.DUPLICATE:
        original = (
            Case.objects.filter(reference=normalise_reference(duplicate_of), entity=case.entity)
            .exclude(pk=case.pk)
            .first()
        )
        if original is None:
            errors["duplicate_of"] = bilingual(_("Give the reference of the case this one repeats."))
    if errors:
        raise InvalidFeedback(errors)
    if case.is_closed:
        raise NotInThisState()
    now = timezone.now()
    with transaction.atomic():
        _write(
            case,
            expected_revision or case.revision,
            status=CaseStatus.CLOSED,
            outcome=outcome,
            outcome_reason=reason,
            duplicate_of=original,
            closed_at=now,
            first_response_at=case.first_response_at or now,
        )
        _record(case, actor=actor, action="closed", message=reason, public=True, details={"outcome": outcome})
        notify_filer(case, "case_closed", message=reason)
        emit_case_closed(case)
    return case


def reopen_case(*, case: Case, actor: User | None, reason: str, expected_revision: int | None = None) -> Case:
    """The beneficiary reopens a closed case within TAHAWUL_CASE_REOPEN_DAYS; the response clock
    starts again. ``actor`` is None for someone without an account who proved the contact used."""
    _check_not_stale(case, expected_revision)
    if actor is not None and case.filer_id is not None and actor.pk != case.filer_id:
        raise NotFound()
    if not case.is_closed or case.closed_at is None:
        raise NotInThisState()
    if timezone.now() > case.closed_at + timedelta(days=settings.TAHAWUL_CASE_REOPEN_DAYS):
        raise ReopenWindowClosed()
    reason = reason.strip()
    if not reason:
        raise InvalidFeedback({"reason": bilingual(_("Tell us why the case is not settled."))})
    if len(reason) > MESSAGE_MAX_CHARS:
        raise InvalidFeedback({"reason": bilingual(_("Keep the reason to 5,000 characters or fewer."))})
    now = timezone.now()
    with transaction.atomic():
        _write(
            case,
            expected_revision or case.revision,
            status=CaseStatus.OPEN,
            closed_at=None,
            outcome="",
            outcome_reason="",
            first_response_at=None,
            escalation=0,
            due_at=deadline_after(now, response_days(case.entity, case.kind)),
        )
        _record(case, actor=actor, action="reopened", message=reason, public=True)
        emit_case_opened(case)
    return case


def rate_response(*, case: Case, actor: User | None, score: int) -> Case:
    """How the beneficiary found the answer, 1 to 5, once the case has been answered or closed."""
    if actor is not None and case.filer_id is not None and actor.pk != case.filer_id:
        raise NotFound()
    if not 1 <= score <= 5:
        raise InvalidFeedback({"score": bilingual(_("Give a score from 1 to 5."))})
    if case.first_response_at is None:
        raise NotInThisState(_("You can rate the answer once you have had one."))
    with transaction.atomic():
        now = timezone.now()
        Case.objects.filter(pk=case.pk).update(response_score=score, revision=F("revision") + 1, updated_at=now)
        case.response_score = score
        case.revision += 1
        case.updated_at = now
        _record(case, actor=actor, action="response_rated", details={"score": score})
    return case


def publish_service_change(
    *,
    actor: User,
    service_code: str,
    you_said: LocalizedText,
    we_did: LocalizedText,
    case_references: list[str],
    version_number: int | None = None,
) -> ServiceChange:
    """Tell the public what changed in a service because of what people said ("you said, we did").
    Entity admins and supervisors of the service's entity only; every linked case must be theirs."""
    service = Service.objects.filter(code=service_code).first()
    if service is None:
        raise InvalidFeedback({"service": bilingual(_("There is no service with this code."))})
    if not roles_in(actor, service.entity_id) & {Role.ENTITY_ADMIN, Role.SUPERVISOR}:
        raise NotFound()
    errors: dict[str, LocalizedText] = {}
    if not you_said.ar.strip() or not you_said.en.strip():
        errors["you_said"] = bilingual(_("Say what people told you, in Arabic and in English."))
    if not we_did.ar.strip() or not we_did.en.strip():
        errors["we_did"] = bilingual(_("Say what you changed, in Arabic and in English."))
    references = [normalise_reference(reference) for reference in case_references if reference.strip()]
    cases = list(Case.objects.filter(reference__in=references, entity_id=service.entity_id))
    if len(cases) != len(set(references)):
        errors["cases"] = bilingual(_("Some of these case references are not cases of your entity."))
    version = None
    if version_number is not None:
        version = service.versions.filter(number=version_number).first()
        if version is None:
            errors["version"] = bilingual(_("This service has no such version."))
    if errors:
        raise InvalidFeedback(errors)
    with transaction.atomic():
        change = ServiceChange.objects.create(
            entity_id=service.entity_id,
            service=service,
            version=version,
            you_said_ar=you_said.ar.strip(),
            you_said_en=you_said.en.strip(),
            we_did_ar=we_did.ar.strip(),
            we_did_en=we_did.en.strip(),
            made_by=actor,
        )
        change.cases.set(cases)
        for case in cases:
            _record(case, actor=actor, action="service_changed", public=True, details={"change": change.pk})
    return change


# --- response times ---------------------------------------------------------------------------

MAX_RESPONSE_DAYS = 60


def set_response_days(*, actor: User, entity: Entity, days: Mapping[str, int | None]) -> None:
    """An entity admin sets the entity's response time per case kind, in working days (1 to 60);
    None puts a kind back on the platform's default. Applies to cases filed from now on. Raises
    NotFound for anyone but the entity's admins, InvalidFeedback (nothing changed) for bad values."""
    if Role.ENTITY_ADMIN not in roles_in(actor, entity.pk):
        raise NotFound()
    errors = {
        kind: bilingual(_("Give a whole number of working days from 1 to 60."))
        for kind, value in days.items()
        if kind not in CaseKind.values
        or (value is not None and (isinstance(value, bool) or not 1 <= value <= MAX_RESPONSE_DAYS))
    }
    if errors:
        raise InvalidFeedback(errors)
    with transaction.atomic():
        for kind, value in days.items():
            if value is None or value == settings.TAHAWUL_CASE_SLA_DAYS[kind]:
                ResponseSla.objects.filter(entity=entity, kind=kind).delete()
            else:
                ResponseSla.objects.update_or_create(entity=entity, kind=kind, defaults={"working_days": value})
        audit.info("response times of %s set by %s: %s", entity.code, actor.pk, dict(days))


def sweep_case_sla(*, now: datetime | None = None) -> int:
    """Escalate unanswered cases past their response time: first to the entity's supervisors
    (the authority's, for a case still waiting to be routed), then, one more SLA later, to the
    authority. Each level is reached once. Returns how many escalations were made."""
    now = now or timezone.now()
    overdue = Case.objects.filter(
        status__in=[CaseStatus.TO_ROUTE, CaseStatus.OPEN],
        first_response_at__isnull=True,
        escalation__lt=2,
        due_at__lt=now,
    ).select_related("entity", "service")
    escalated = 0
    for case in overdue:
        level = case.escalation + 1
        missed = case.due_at
        assert missed is not None
        next_due = deadline_after(missed, response_days(case.entity, case.kind))
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, escalation=case.escalation).update(
                escalation=level, due_at=next_due
            ):
                continue  # another sweep got there first
            case.escalation, case.due_at = level, next_due
            _record(case, actor=None, action="escalated", details={"level": level})
            notify_overdue(case, level, missed=missed)
            escalated += 1
    return escalated


# --- internals --------------------------------------------------------------------------------


def _staff_roles(case: Case, actor: User) -> set[str]:
    roles = roles_in(actor, case.entity_id) if case.entity_id else set()
    if not roles & CASE_STAFF:
        _refuse(case, actor, "handle", "not staff of this entity")
        raise NotFound()
    return roles


def _check_not_stale(case: Case, expected_revision: int | None) -> None:
    if expected_revision is not None and expected_revision != case.revision:
        raise StaleCase()


def _write(case: Case, expected_revision: int, **changes: Any) -> None:
    """Change the row only if nobody else has since ``expected_revision``: of two officers, one wins."""
    write_revision(case, expected_revision, StaleCase, **changes)


def _record(
    case: Case,
    *,
    actor: User | None,
    action: str,
    message: str = "",
    public: bool = False,
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, action=action, message=message, public=public, details=details or {}
    )


def _refuse(case: Case, actor: User | None, action: str, why: str) -> None:
    audit.warning("refused %s on %s by %s: %s", action, case.reference, getattr(actor, "pk", "system"), why)


def _read(text: str) -> Reading | None:
    # Imported here: the classifier pulls in scikit-learn, which most requests never need.
    from tahawul.feedback.text.classifier import read_comment

    return read_comment(text)


def _suggest(text: str) -> Service | None:
    from tahawul.feedback.text.routing import suggest_services

    suggestions = suggest_services(text, limit=1)
    if not suggestions:
        return None
    return Service.objects.filter(code=suggestions[0].service_code).first()
