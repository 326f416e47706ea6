"""Registering integrators, and issuing and revoking their API keys. Each is one transaction
that checks permission and writes an IntegrationEvent.

``actor`` None means the platform's operator at the command line (``tahawul integrations``) or
the demo loader: whoever can run commands on the server can do this anyway.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity
from tahawul.core.text import LocalizedText, bilingual
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_by_entity, roles_in
from tahawul.integrations.errors import InvalidIntegration, KeyAlreadyIssued
from tahawul.integrations.models import ApiKey, IntegrationEvent, Integrator

audit = logging.getLogger("tahawul.audit")
KEY_SCHEME = "o311_"
ACCOUNT_PREFIX = "integrator:"
NAME_MAX_CHARS = 150


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw: str  # shown once, never stored


def register_integrator(*, actor: User | None, name: str, contact_email: str) -> Integrator:
    """Register another system that will call the platform. Any entity's admin may (integrators
    are shared: another entity picks the same one). Raises NotFound for anyone else,
    InvalidIntegration (nothing saved) for a blank, long or taken name or a bad email address."""
    if actor is not None and not any(Role.ENTITY_ADMIN in roles for roles in roles_by_entity(actor).values()):
        raise NotFound()
    name, contact_email = " ".join(name.split()), contact_email.strip()
    errors: dict[str, LocalizedText] = {}
    if not name:
        errors["name"] = bilingual(_("Give the integrator's name."))
    elif len(name) > NAME_MAX_CHARS:
        errors["name"] = bilingual(_("Keep the name to 150 characters or fewer."))
    elif Integrator.objects.filter(name__iexact=name).exists():
        errors["name"] = bilingual(_("An integrator with this name is already registered: choose it from the list."))
    try:
        validate_email(contact_email)
    except ValidationError:
        errors["contact_email"] = bilingual(_("Enter an email address like name@example.com."))
    if errors:
        raise InvalidIntegration(errors)
    try:
        with transaction.atomic():
            integrator = Integrator.objects.create(name=name, contact_email=contact_email)
            record_event(actor, "integrator_registered", integrator=integrator)
    except IntegrityError:  # registered by someone else a moment ago
        raise InvalidIntegration(
            {"name": bilingual(_("An integrator with this name is already registered."))}
        ) from None
    return integrator


def issue_api_key(*, actor: User | None, integrator: Integrator, entity: Entity) -> IssuedKey:
    """A new key for ``integrator`` to make requests to ``entity``'s services; the raw key is in
    the result only. The entity's admins only (NotFound for anyone else). Raises KeyAlreadyIssued
    while the integrator has a live key for the entity, InvalidIntegration for a disabled one."""
    check_entity_admin(actor, entity)
    if not integrator.active:
        raise InvalidIntegration({"integrator": bilingual(_("This integrator is disabled."))})
    raw = KEY_SCHEME + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Under the integrator's lock no one else issues it a key: checked here, not guessed from
        # an IntegrityError (which another constraint could raise).
        locked = Integrator.objects.select_for_update().get(pk=integrator.pk)
        if ApiKey.objects.filter(integrator=locked, entity=entity, revoked_at__isnull=True).exists():
            raise KeyAlreadyIssued()
        _ensure_account(locked)
        api_key = ApiKey.objects.create(
            integrator=locked,
            entity=entity,
            digest=key_digest(raw),
            prefix=raw[: len(KEY_SCHEME) + 6],
            created_by=actor,
        )
        record_event(actor, "key_issued", integrator=locked, entity=entity, details={"key": api_key.pk})
    integrator.account = locked.account
    return IssuedKey(api_key=api_key, raw=raw)


def revoke_api_key(*, actor: User | None, api_key: ApiKey) -> ApiKey:
    """Stop a key working at once. The key's entity's admins only (NotFound for anyone else).
    Revoking a revoked key changes nothing."""
    check_entity_admin(actor, api_key.entity)
    with transaction.atomic():
        now = timezone.now()
        if ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor):
            api_key.revoked_at, api_key.revoked_by = now, actor
            record_event(
                actor, "key_revoked", integrator=api_key.integrator, entity=api_key.entity, details={"key": api_key.pk}
            )
    return api_key


def _ensure_account(integrator: Integrator) -> None:
    """The account the integrator's Open311 requests are made under; it can never sign in."""
    if integrator.account_id is not None:
        return
    account = User(
        # A name sign-up refuses (":" is not a username character), so no one can take it first.
        username=f"{ACCOUNT_PREFIX}{integrator.pk}",
        name_ar=integrator.name,
        name_en=integrator.name,
        is_active=False,
    )
    account.set_unusable_password()
    account.save()
    integrator.account = account
    integrator.save(update_fields=["account"])


def check_entity_admin(actor: User | None, entity: Entity) -> None:
    """NotFound (and an audit line) unless ``actor`` is one of the entity's admins or the operator (None)."""
    if actor is not None and Role.ENTITY_ADMIN not in roles_in(actor, entity.pk):
        audit.warning("refused integration change on %s by %s: not its admin", entity.code, actor.pk)
        raise NotFound()


def record_event(
    actor: User | None,
    action: str,
    *,
    integrator: Integrator | None = None,
    entity: Entity | None = None,
    details: dict[str, Any] | None = None,
) -> IntegrationEvent:
    """The audit entry of a change to integrations, written in the change's transaction."""
    return IntegrationEvent.objects.create(
        actor=actor, action=action, integrator=integrator, entity=entity, details=details or {}
    )
