"""People and applications for the back-office tests, made through the real actions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.identity.models import Membership, Role, User

TRANSFER = "MOE-SCHOOL-TRANSFER"  # no fee, no document when the reason is not a move; two-level approval
ATTESTATION = "MOE-CERTIFICATE-ATTESTATION"  # another MOE service, with a required document

TRANSFER_ANSWERS = {
    "student_cpr": "150312345",
    "current_school": "Isa Town Primary",
    "grade": "grade_5",
    "reason": "other",
    "reason_details": "Closer to the grandparents who look after her.",
    "requested_school": "Riffa Primary",
    "guardian_phone": "33123456",
}
ATTESTATION_ANSWERS = {
    "certificate_type": "secondary",
    "graduation_year": "2015",
    "school_name": "Hamad Town Secondary",
    "certificates_count": "1",
    "purpose": "employment",
    "delivery": "electronic",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"


def make_person(name: str, *, national_id: str | None = None, **roles: str) -> User:
    """A user; ``roles`` maps a role name to an entity code (``officer="MOE"``)."""
    number = next(_numbers)
    user = User.objects.create_user(
        username=f"{name.lower()}-{number}",
        password="x",
        name_en=name,
        name_ar=f"{name} بالعربية",
        national_id=national_id,
    )
    for role, code in roles.items():
        Membership.objects.create(user=user, entity=Entity.objects.get(code=code), role=Role(role))
    return user


@pytest.fixture
def officer(db: None) -> User:
    return make_person("Officer Amal", officer="MOE")


@pytest.fixture
def officer2(db: None) -> User:
    return make_person("Officer Badr", officer="MOE")


@pytest.fixture
def supervisor(db: None) -> User:
    return make_person("Supervisor Salma", supervisor="MOE")


@pytest.fixture
def outsider(db: None) -> User:
    """An officer and supervisor of another entity."""
    user = make_person("Labour Officer", officer="MOL")
    Membership.objects.create(user=user, entity=Entity.objects.get(code="MOL"), role=Role.SUPERVISOR)
    return user


@pytest.fixture
def beneficiary(db: None) -> User:
    return make_person("Fatima Beneficiary", national_id="850412345")


def submit_transfer(applicant: User, **changes: str) -> Application:
    application = actions.start_application(applicant=applicant, service_code=TRANSFER, channel=Channel.WEB)
    check = actions.save_answers(application=application, actor=applicant, answers={**TRANSFER_ANSWERS, **changes})
    assert check.ok, check.errors
    return actions.submit(application=application, actor=applicant)


def submit_attestation(applicant: User, officer: User) -> Application:
    """Made at the counter (the fee is collected there), with its certificate scan."""
    application = actions.start_application(
        applicant=applicant, service_code=ATTESTATION, channel=Channel.COUNTER, assisted_by=officer
    )
    check = actions.save_answers(application=application, actor=officer, answers=ATTESTATION_ANSWERS)
    assert check.ok, check.errors
    upload = SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")
    actions.attach_document(application=application, actor=officer, key="certificate_scan", upload=upload)
    return actions.submit(application=application, actor=officer)


@pytest.fixture
def submitted(beneficiary: User) -> Application:
    return submit_transfer(beneficiary)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user() -> Callable[[User], Client]:
    return logged_in


def revision_on(html: str) -> int:
    found = re.search(r'name="revision" value="(\d+)"', html)
    assert found is not None, "the page offers no action"
    return int(found.group(1))


def page_url(application: Application, lang: str = "en") -> str:
    return f"/{lang}/office/applications/{application.reference}/"
