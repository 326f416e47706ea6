"""Reads of the kiosk registry, the guards of who may manage it, and the fleet's health.

A service centre is managed by the entity admins of its entity, and by the authority (the entity
admins and supervisors of ``TAHAWUL_AUTHORITY_ENTITY``), who alone manage centres that serve
several entities (no entity). Anyone else gets NotFound, the same answer as for a centre that does
not exist: an entity admin of A never learns about B's centres.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_by_entity
from tahawul.kiosks.devices import enrolment_digest, read_device_credential
from tahawul.kiosks.errors import EnrolmentLinkInvalid
from tahawul.kiosks.models import Kiosk, ServiceCentre

AUTHORITY_ROLES = frozenset({Role.ENTITY_ADMIN, Role.SUPERVISOR})


def is_kiosk_authority(user: User | AnonymousUser) -> bool:
    """Whether ``user`` manages every centre: an entity admin or supervisor of the authority."""
    if not user.is_authenticated:
        return False
    cached: bool | None = getattr(user, "_is_kiosk_authority", None)
    if cached is None:
        held = [entity for entity, roles in roles_by_entity(user).items() if roles & AUTHORITY_ROLES]
        cached = bool(held) and Entity.objects.filter(pk__in=held, code=settings.TAHAWUL_AUTHORITY_ENTITY).exists()
        user._is_kiosk_authority = cached  # type: ignore[attr-defined]
    return cached


def administered_entities(user: User | AnonymousUser) -> list[int]:
    """The entities whose centres ``user`` manages as their entity admin."""
    return sorted(entity for entity, roles in roles_by_entity(user).items() if Role.ENTITY_ADMIN in roles)


def may_manage_kiosks(user: User | AnonymousUser) -> bool:
    """Whether the back office offers ``user`` the kiosk registry at all."""
    return is_kiosk_authority(user) or bool(administered_entities(user))


def may_manage_centre(user: User | AnonymousUser, centre: ServiceCentre) -> bool:
    if is_kiosk_authority(user):
        return True
    return centre.entity_id is not None and centre.entity_id in administered_entities(user)


def manageable_centres(user: User | AnonymousUser) -> QuerySet[ServiceCentre]:
    """The centres ``user`` may manage, with their entity; none for anyone else."""
    centres = ServiceCentre.objects.select_related("entity").order_by("code")
    if is_kiosk_authority(user):
        return centres
    return centres.filter(entity_id__in=administered_entities(user))


def registrable_entities(user: User | AnonymousUser) -> QuerySet[Entity]:
    """The entities a new centre of ``user``'s may belong to (the authority: any)."""
    if is_kiosk_authority(user):
        return Entity.objects.order_by("code")
    return Entity.objects.filter(pk__in=administered_entities(user)).order_by("code")


def access_centre(user: User | AnonymousUser, code: str) -> ServiceCentre:
    """The centre ``code`` for someone who may manage it. NotFound otherwise."""
    centre = ServiceCentre.objects.select_related("entity").filter(code=code.strip().upper()).first()
    if centre is None or not may_manage_centre(user, centre):
        raise NotFound()
    return centre


def access_kiosk(user: User | AnonymousUser, code: str) -> Kiosk:
    """The kiosk ``code`` for someone who may manage its centre. NotFound otherwise."""
    kiosk = Kiosk.objects.select_related("centre", "centre__entity").filter(code=code.strip().upper()).first()
    if kiosk is None or not may_manage_centre(user, kiosk.centre):
        raise NotFound()
    return kiosk


def kiosk_for_device(credential: str) -> Kiosk | None:
    """The active kiosk (in an active centre) whose enrolled browser holds ``credential``, the
    signed device cookie; None for anything else: forged, from an earlier enrolment, deactivated."""
    parsed = read_device_credential(credential)
    if parsed is None:
        return None
    kiosk_id, generation = parsed
    return (
        Kiosk.objects.select_related("centre", "centre__entity")
        .filter(pk=kiosk_id, device_generation=generation, active=True, centre__active=True)
        .first()
    )


def kiosk_for_enrolment(code: str, *, now: datetime | None = None) -> Kiosk:
    """The kiosk a one-time enrolment link is for, without using the link. Raises
    EnrolmentLinkInvalid when it was used, has expired, or its kiosk is inactive."""
    now = now or timezone.now()
    digest = enrolment_digest(code)
    kiosk = (
        Kiosk.objects.select_related("centre")
        .filter(enrolment_digest=digest, enrolment_expires_at__gt=now, active=True, centre__active=True)
        .first()
        if code
        else None
    )
    if kiosk is None:
        raise EnrolmentLinkInvalid()
    return kiosk


@dataclass(frozen=True)
class FleetHealth:
    """The kiosk fleet at ``checked_at``: the kiosks in service (active, in an active centre, and
    enrolled in a browser: one registered but not yet set up is not expected to be heard from),
    how many sent a heartbeat in the last ``window_minutes``, and the codes of those that did not."""

    registered: int
    seen: int
    not_seen: tuple[str, ...]
    window_minutes: int
    checked_at: datetime


def fleet_health(*, now: datetime) -> FleetHealth:
    """Public to the platform's own checks (the channel status page); two queries whatever the
    fleet's size. The window is ``TAHAWUL_KIOSK_SEEN_MINUTES``."""
    minutes: int = settings.TAHAWUL_KIOSK_SEEN_MINUTES
    since = now - timedelta(minutes=minutes)
    fleet = Kiosk.objects.filter(active=True, centre__active=True, enrolled_at__isnull=False)
    registered = fleet.count()
    silent = fleet.filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=since))
    not_seen = tuple(silent.order_by("code").values_list("code", flat=True))
    return FleetHealth(
        registered=registered,
        seen=registered - len(not_seen),
        not_seen=not_seen,
        window_minutes=minutes,
        checked_at=now,
    )
