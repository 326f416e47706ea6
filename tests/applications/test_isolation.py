"""Who sees what: every access guard of the applications and identity selectors, for every kind
of person. What one may not see answers exactly like what does not exist (NotFound, 404)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tahawul.applications import selectors
from tahawul.applications.models import Application, Document
from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, access_person
from tests.applications.conftest import Kit, give_role, make_beneficiary, make_user

SERVICE = "MOE-SCHOOL-TRANSFER"  # asks for a document, so there is one to guard
SERVICE_AT_COUNTER = "NPRA-PASSPORT-RENEW"  # also offered at the counter; asks for a photo

ROLES = [
    "owner",
    "other_beneficiary",
    "officer_A",
    "supervisor_A",
    "officer_B",
    "supervisor_B",
    "designer_A",
    "entity_admin_A",
    "analyst",
    "anonymous",
]


@dataclass
class World:
    application: Application
    draft: Application
    document: Document
    entity_a: Entity
    people: dict[str, Any]
    staff_b_member: User


Guard = Callable[[World, Any], object]


def _queue(world: World, user: Any) -> object:
    rows = selectors.queue(user, world.entity_a.pk, selectors.QueueFilter())
    assert world.application in rows  # when the queue opens at all, the application is in it
    assert world.draft not in rows
    return rows


def _load(world: World, user: Any) -> object:
    return selectors.officer_load(user, world.entity_a.pk)


GUARDS: dict[str, Guard] = {
    "access_application": lambda w, u: selectors.access_application(u, w.application.reference),
    "access_application(draft)": lambda w, u: selectors.access_application(u, w.draft.reference),
    "access_staff_application": lambda w, u: selectors.access_staff_application(u, w.application.reference),
    "access_document": lambda w, u: selectors.access_document(u, w.document.token),
    "queue(A)": _queue,
    "officer_load(A)": _load,
    "access_person(beneficiary)": lambda w, u: access_person(u, national_id=w.people["owner"].national_id),
    "access_person(staff of B)": lambda w, u: access_person(u, national_id=w.staff_b_member.national_id),
}

ALL = set(GUARDS)
PERSON = {"access_person(beneficiary)"}
VISIBLE: dict[str, set[str]] = {
    "owner": {"access_application", "access_application(draft)", "access_document"},
    "other_beneficiary": set(),
    "officer_A": {"access_application", "access_staff_application", "access_document", "queue(A)", *PERSON},
    "supervisor_A": ALL - {"access_application(draft)", "access_person(staff of B)"},
    # Staff of B find beneficiaries and their own colleagues, and nothing of A.
    "officer_B": {*PERSON, "access_person(staff of B)"},
    "supervisor_B": {*PERSON, "access_person(staff of B)"},
    "designer_A": set(),
    "entity_admin_A": set(),
    "analyst": set(),
    "anonymous": set(),
}

CASES = [(role, guard) for role in ROLES for guard in GUARDS]


@pytest.fixture
def world(kit: Kit) -> World:
    application = kit.submitted(SERVICE)
    draft = kit.start(SERVICE)
    document = application.documents.first()
    assert document is not None
    entity_a = application.entity
    entity_b = Entity.objects.exclude(pk=entity_a.pk).order_by("code").first()
    assert entity_b is not None
    staff_a, staff_b = kit.staff(entity_a), kit.staff(entity_b)
    staff_b_member = give_role(make_user("b-clerk", national_id="880512345"), entity_b, Role.OFFICER)
    people: dict[str, Any] = {
        "owner": kit.applicant,
        "other_beneficiary": make_beneficiary(),
        "officer_A": staff_a.officer,
        "supervisor_A": staff_a.supervisor,
        "officer_B": staff_b.officer,
        "supervisor_B": staff_b.supervisor,
        "designer_A": give_role(make_user("designer"), entity_a, Role.DESIGNER),
        "entity_admin_A": give_role(make_user("admin"), entity_a, Role.ENTITY_ADMIN),
        "analyst": give_role(make_user("analyst"), None, Role.ANALYST),
        "anonymous": AnonymousUser(),
    }
    return World(application, draft, document, entity_a, people, staff_b_member)


@pytest.mark.parametrize("role,guard", CASES, ids=[f"{role}-{guard}" for role, guard in CASES])
def test_access(world: World, role: str, guard: str) -> None:
    user = world.people[role]
    if guard in VISIBLE[role]:
        assert GUARDS[guard](world, user) is not None
    else:
        with pytest.raises(NotFound) as refused:
            GUARDS[guard](world, user)
        assert refused.value.status == 404


def test_a_refusal_looks_like_a_missing_reference(world: World) -> None:
    """The answer to "not yours" is the same as to "no such thing": nothing to probe with."""
    outsider = world.people["officer_B"]
    with pytest.raises(NotFound) as not_theirs:
        selectors.access_application(outsider, world.application.reference)
    with pytest.raises(NotFound) as missing:
        selectors.access_application(outsider, "TH-0000-0000-0000")
    assert (not_theirs.value.code, not_theirs.value.status, str(not_theirs.value.message)) == (
        missing.value.code,
        missing.value.status,
        str(missing.value.message),
    )


def test_the_officer_load_lists_the_entitys_officers_only(world: World) -> None:
    rows = selectors.officer_load(world.people["supervisor_A"], world.entity_a.pk)
    listed = {row.officer.pk for row in rows}
    assert world.people["officer_A"].pk in listed and world.people["supervisor_A"].pk in listed
    assert world.people["officer_B"].pk not in listed
    assert world.people["designer_A"].pk not in listed


def test_the_counter_officer_reaches_the_draft_they_are_filling_in(kit: Kit) -> None:
    draft = kit.start(SERVICE_AT_COUNTER, channel=Channel.COUNTER)
    officer = draft.assisted_by
    assert officer is not None
    assert selectors.access_application(officer, draft.reference) == draft
    kit.fill(draft)  # the kit fills a counter draft in as its assisting officer
    document = draft.documents.first()
    assert document is not None and document.uploaded_by_id == officer.pk
    assert selectors.access_document(officer, document.token) == document
    assert selectors.access_document(kit.applicant, document.token) == document


def test_other_staff_do_not_see_a_counter_draft(kit: Kit) -> None:
    draft = kit.start(SERVICE_AT_COUNTER, channel=Channel.COUNTER)
    staff = kit.staff(draft.entity_id)
    assert draft.assisted_by_id == staff.officer.pk
    for colleague in (staff.officer2, staff.supervisor):
        with pytest.raises(NotFound):
            selectors.access_application(colleague, draft.reference)
    assert selectors.access_application(kit.applicant, draft.reference) == draft
