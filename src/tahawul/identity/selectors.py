"""Who may do what where. Every non-public read elsewhere asks these first."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.identity.models import Membership, Role, User

STAFF_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


class NotFound(DomainError):
    """Also what a person gets for something that exists but is not theirs to see."""

    code = "not_found"
    message = _("There is nothing here, or you may not see it.")
    status = 404


def roles_by_entity(user: User | AnonymousUser) -> dict[int, set[str]]:
    """Entity id → the roles ``user`` holds there (cached on the user for the request)."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, set[str]] | None = getattr(user, "_roles_by_entity", None)
    if cached is None:
        cached = defaultdict(set)
        for entity_id, role in Membership.objects.filter(user=user, entity__isnull=False).values_list(
            "entity_id", "role"
        ):
            cached[entity_id].add(role)
        cached = dict(cached)
        user._roles_by_entity = cached  # type: ignore[attr-defined]
    return cached


def roles_in(user: User | AnonymousUser, entity_id: int) -> set[str]:
    return roles_by_entity(user).get(entity_id, set())


def work_entities(user: User | AnonymousUser) -> list[int]:
    """The entities whose applications ``user`` works as officer or supervisor."""
    return sorted(entity for entity, roles in roles_by_entity(user).items() if roles & STAFF_ROLES)


def is_staff_member(user: User | AnonymousUser) -> bool:
    return bool(roles_by_entity(user))


def access_person(actor: User, *, national_id: str) -> User:
    """A beneficiary found by national ID, for staff submitting on their behalf.

    Staff of other entities are people of those entities: an officer of A gets 404 for them.
    """
    if not work_entities(actor):
        raise NotFound()
    person = User.objects.filter(national_id=national_id, is_active=True).first()
    if person is None:
        raise NotFound(_("No one is registered with this national ID number."))
    their_entities = set(roles_by_entity(person))
    if their_entities - set(work_entities(actor)):
        raise NotFound(_("No one is registered with this national ID number."))
    return person
