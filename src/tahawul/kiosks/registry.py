"""Every change to the kiosk registry: registering service centres and kiosks, making a kiosk's
enrolment link, deactivating and reactivating a kiosk. Each is one transaction, checks who is
acting (see selectors: the centre's entity admins, or the authority), and records a RegistryEvent.

``actor=None`` is the platform itself (a management command, the demo): it may do everything.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity
from tahawul.core.text import LocalizedText, bilingual
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.kiosks.devices import enrolment_digest
from tahawul.kiosks.errors import InvalidRegistration, KioskInactive
from tahawul.kiosks.models import Kiosk, RegistryEvent, ServiceCentre
from tahawul.kiosks.selectors import is_kiosk_authority, may_manage_centre, may_manage_kiosks, registrable_entities

CENTRE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
KIOSK_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
NAME_MAX_CHARS = 150


@dataclass(frozen=True)
class CentreInput:
    code: str
    name_ar: str
    name_en: str
    entity_code: str = ""  # empty: a centre serving several entities (the authority's to manage)


def _check_manager(actor: User | None, centre: ServiceCentre) -> None:
    if actor is not None and not may_manage_centre(actor, centre):
        raise NotFound()


def _centre_errors(values: CentreInput, actor: User | None) -> tuple[dict[str, LocalizedText], Entity | None]:
    errors: dict[str, LocalizedText] = {}
    if not CENTRE_CODE.match(values.code):
        errors["code"] = bilingual(_("Give a code of 2 to 20 letters, digits and hyphens, like ISA-TOWN."))
    for field, name in (("name_ar", values.name_ar), ("name_en", values.name_en)):
        if not name:
            errors[field] = bilingual(_("Give the centre's name in both languages."))
        elif len(name) > NAME_MAX_CHARS:
            errors[field] = bilingual(_("Keep the name to 150 characters or fewer."))
    entity = None
    if values.entity_code:
        allowed = Entity.objects.all() if actor is None else registrable_entities(actor)
        entity = allowed.filter(code=values.entity_code).first()
        if entity is None:
            errors["entity"] = bilingual(_("Choose an entity whose centres you manage."))
    elif actor is not None and not is_kiosk_authority(actor):
        errors["entity"] = bilingual(_("Choose the entity the centre belongs to."))
    return errors, entity


def register_centre(*, actor: User | None, values: CentreInput) -> ServiceCentre:
    """Register a service centre. An entity admin registers centres of their entity; the
    authority also registers centres without an entity. Raises NotFound (not someone who manages
    centres), InvalidRegistration (bad or taken code, missing name, an entity not theirs)."""
    if actor is not None and not may_manage_kiosks(actor):
        raise NotFound()
    values = CentreInput(
        code=values.code.strip().upper(),
        name_ar=values.name_ar.strip(),
        name_en=values.name_en.strip(),
        entity_code=values.entity_code.strip().upper(),
    )
    errors, entity = _centre_errors(values, actor)
    if errors:
        raise InvalidRegistration(errors)
    try:
        with transaction.atomic():
            centre = ServiceCentre.objects.create(
                code=values.code, name_ar=values.name_ar, name_en=values.name_en, entity=entity
            )
            RegistryEvent.objects.create(centre=centre, actor=actor, action="centre_registered")
    except IntegrityError:
        raise InvalidRegistration({"code": bilingual(_("A centre with this code is registered already."))}) from None
    return centre


def register_kiosk(*, actor: User | None, centre: ServiceCentre, code: str) -> Kiosk:
    """Register a kiosk in ``centre`` under its identifier (recorded on all that is done on it).
    Raises NotFound (not the centre's manager), InvalidRegistration (bad or taken identifier)."""
    _check_manager(actor, centre)
    code = code.strip().upper()
    if not KIOSK_CODE.match(code):
        raise InvalidRegistration(
            {"code": bilingual(_("Give an identifier of up to 40 letters, digits, dots and hyphens, like K-01."))}
        )
    try:
        with transaction.atomic():
            kiosk = Kiosk.objects.create(code=code, centre=centre)
            RegistryEvent.objects.create(centre=centre, kiosk=kiosk, actor=actor, action="kiosk_registered")
    except IntegrityError:
        taken = bilingual(_("A kiosk with this identifier is registered already."))
        raise InvalidRegistration({"code": taken}) from None
    return kiosk


@transaction.atomic
def issue_enrolment(*, actor: User | None, kiosk: Kiosk, now: datetime | None = None) -> str:
    """Make a one-time link for enrolling a browser as ``kiosk``; returns the code it carries.

    The code (192 random bits) is shown once: only its hash is kept. It works once, for
    ``TAHAWUL_KIOSK_ENROLMENT_HOURS``; a new one replaces any earlier link not yet used. The
    browser enrolled before keeps working until the new link is used. Raises NotFound (not the
    centre's manager), KioskInactive.
    """
    now = now or timezone.now()
    locked = Kiosk.objects.select_for_update().select_related("centre").get(pk=kiosk.pk)
    _check_manager(actor, locked.centre)
    if not locked.active or not locked.centre.active:
        raise KioskInactive()
    code = secrets.token_urlsafe(24)
    locked.enrolment_digest = enrolment_digest(code)
    locked.enrolment_expires_at = now + timedelta(hours=settings.TAHAWUL_KIOSK_ENROLMENT_HOURS)
    locked.save(update_fields=["enrolment_digest", "enrolment_expires_at"])
    RegistryEvent.objects.create(centre=locked.centre, kiosk=locked, actor=actor, action="enrolment_issued", at=now)
    return code


@transaction.atomic
def set_kiosk_active(*, actor: User | None, kiosk: Kiosk, active: bool) -> Kiosk:
    """Deactivate a kiosk (its browser stops being a kiosk at once: the next request is refused
    kiosk mode, and any pending enrolment link stops working) or reactivate it (its browser must
    be enrolled again). Raises NotFound (not the centre's manager). Doing it twice changes nothing."""
    locked = Kiosk.objects.select_for_update().select_related("centre").get(pk=kiosk.pk)
    _check_manager(actor, locked.centre)
    if locked.active == active:
        return locked
    locked.active = active
    locked.enrolment_digest, locked.enrolment_expires_at = "", None
    fields = ["active", "enrolment_digest", "enrolment_expires_at"]
    if active:
        locked.device_generation += 1  # whatever browser held the kiosk before must be enrolled again
        fields.append("device_generation")
    locked.save(update_fields=fields)
    action = "kiosk_reactivated" if active else "kiosk_deactivated"
    RegistryEvent.objects.create(centre=locked.centre, kiosk=locked, actor=actor, action=action)
    return locked
