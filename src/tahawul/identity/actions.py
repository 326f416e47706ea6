"""Writes to people and their roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction

from tahawul.identity.models import Membership, User


@dataclass(frozen=True)
class Person:
    username: str
    name_ar: str
    name_en: str
    language: str = "ar"
    national_id: str | None = None
    mobile: str = ""
    email: str = ""
    roles: dict[str, list[str]] = field(default_factory=dict)  # entity code ("*": every entity) → roles


def save_people(people: list[Person], *, password: str, entity_ids: Mapping[str, int]) -> list[User]:
    """Create or update accounts and make their memberships exactly the ones given.

    ``entity_ids`` maps the entity codes used in ``roles`` to entity ids.
    """
    saved = []
    with transaction.atomic():
        for person in people:
            user, _ = User.objects.get_or_create(username=person.username)
            user.national_id = person.national_id
            user.name_ar, user.name_en = person.name_ar, person.name_en
            user.first_name = person.name_en.split(" ")[0]
            user.preferred_language = person.language
            user.mobile, user.email = person.mobile, person.email
            user.set_password(password)
            user.save()
            Membership.objects.filter(user=user).delete()
            Membership.objects.bulk_create(
                Membership(user=user, entity_id=None if code == "*" else entity_ids[code], role=role)
                for code, roles in person.roles.items()
                for role in roles
            )
            saved.append(user)
    return saved
