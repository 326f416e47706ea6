"""The people a simulated history needs: a pool of beneficiaries who applied, and for every
entity someone at the counter and someone who owns its plan (the demo's own staff where the
entity has them, generated accounts that cannot sign in where it does not)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password

from tahawul.catalog.models import Entity
from tahawul.identity.models import Membership, Role, User

BENEFICIARY_PREFIX = "sim.beneficiary."
STAFF_PREFIX = "sim.staff."
POOL_BATCH = 2_000
FIRST_NAMES = (
    ("أحمد", "Ahmed"),
    ("محمد", "Mohamed"),
    ("فاطمة", "Fatima"),
    ("مريم", "Maryam"),
    ("علي", "Ali"),
    ("نورة", "Noora"),
    ("حسين", "Hussain"),
    ("زينب", "Zainab"),
    ("خالد", "Khalid"),
    ("سارة", "Sara"),
    ("يوسف", "Yousif"),
    ("ليلى", "Layla"),
    ("رافي", "Ravi"),
    ("ماريا", "Maria"),
)
FAMILY_NAMES = (
    ("الدوسري", "Aldoseri"),
    ("الكعبي", "Alkaabi"),
    ("المناعي", "Almannai"),
    ("الحداد", "Alhaddad"),
    ("الشيخ", "Alshaikh"),
    ("جاسم", "Jasim"),
    ("العلوي", "Alalawi"),
    ("كومار", "Kumar"),
    ("سانتوس", "Santos"),
)


@dataclass(frozen=True)
class Staff:
    """Per entity id: who works its counter and queue, and who owns its plan; and who, at the
    authority, approves plans (None when nobody does)."""

    officers: dict[int, list[int]]
    admins: dict[int, int]
    approver: int | None


def simulated_history_exists() -> bool:
    return User.objects.filter(username__startswith=BENEFICIARY_PREFIX).exists()


def staff_of_entities() -> Staff:
    """The demo's officers and admins, and a generated officer and admin for every entity that
    has none (unusable passwords: they exist so that rows can name someone)."""
    entities = dict(Entity.objects.order_by("code").values_list("pk", "code"))
    officers: dict[int, list[int]] = {pk: [] for pk in entities}
    admins: dict[int, int] = {}
    memberships = Membership.objects.filter(entity__isnull=False).order_by("user__username", "role")
    for user_id, entity_id, role in memberships.values_list("user_id", "entity_id", "role"):
        if role in {Role.OFFICER, Role.SUPERVISOR}:
            officers[entity_id].append(user_id)
        elif role == Role.ENTITY_ADMIN:
            admins.setdefault(entity_id, user_id)
    wanted = [(pk, Role.OFFICER) for pk in entities if not officers[pk]]
    wanted += [(pk, Role.ENTITY_ADMIN) for pk in entities if pk not in admins]
    users = User.objects.bulk_create(
        [
            User(
                username=f"{STAFF_PREFIX}{role}.{entities[pk].lower()}",
                password=make_password(None),
                name_ar="موظف الخدمة" if role == Role.OFFICER else "مسؤول الخطة",
                name_en="Service officer" if role == Role.OFFICER else "Plan owner",
            )
            for pk, role in wanted
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=user, entity_id=pk, role=role) for user, (pk, role) in zip(users, wanted, strict=True)]
    )
    for user, (pk, role) in zip(users, wanted, strict=True):
        if role == Role.OFFICER:
            officers[pk].append(user.pk)
        else:
            admins[pk] = user.pk
    authority = Entity.objects.filter(code=settings.TAHAWUL_AUTHORITY_ENTITY).values_list("pk", flat=True).first()
    approver = (
        Membership.objects.filter(role=Role.ANALYST)
        .order_by("user__username")
        .values_list("user_id", flat=True)
        .first()
    )
    if approver is None and authority is not None:
        approver = admins.get(authority)
    return Staff(officers, admins, approver)


def beneficiary_pool(rng: random.Random, size: int) -> list[int]:
    """``size`` beneficiaries, created in bulk (no password to sign in with); their ids."""
    unusable = make_password(None)  # one hash for all: nobody signs in as them
    ids: list[int] = []
    users: list[User] = []
    for number in range(1, size + 1):
        first, family = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
        users.append(
            User(
                username=f"{BENEFICIARY_PREFIX}{number:06d}",
                password=unusable,
                name_ar=f"{first[0]} {family[0]}",
                name_en=f"{first[1]} {family[1]}",
                mobile=f"+9733{rng.randrange(10**7):07d}",
                preferred_language="ar" if rng.random() < 0.7 else "en",
            )
        )
        if len(users) == POOL_BATCH or number == size:  # a batch at a time: a quarter million users is a lot of objects
            ids += [user.pk for user in User.objects.bulk_create(users)]
            users = []
    return ids
