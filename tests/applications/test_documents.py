"""Uploaded documents: the type is read from the content, not the name; the size limit is the
definition's; files are kept under random names with their SHA-256; a configured virus scanner
that cannot vouch for a file keeps it out."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tahawul.applications import actions, documents
from tahawul.applications.errors import BadDocument, NotInThisState
from tahawul.applications.models import Application, Document, DocumentView, Event
from tahawul.applications.scanning import Infected, configured_scanner
from tahawul.applications.selectors import access_document, definition_of
from tests.applications.conftest import JPEG_BYTES, PDF_BYTES, PNG_BYTES, Kit, upload_for

PDF_ONLY = ("CIVDEF-FIRE-SAFETY-CERTIFICATE", "maintenance_contract")
IMAGES_ONLY = ("NPRA-PASSPORT-RENEW", "photo")


class RefusingScanner:
    def scan(self, content: bytes) -> None:
        raise Infected("EICAR test signature")


class BrokenScanner:
    def scan(self, content: bytes) -> None:
        raise TimeoutError("scanner did not answer")


class PassingScanner:
    seen: ClassVar[list[bytes]] = []

    def scan(self, content: bytes) -> None:
        PassingScanner.seen.append(content)


def stored_files() -> list[Path]:
    root = Path(django_settings.TAHAWUL_DOCUMENT_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def max_mb(application: Application, key: str) -> float:
    return next(spec.max_mb for spec in definition_of(application).documents if spec.key == key)


@pytest.fixture
def draft(kit: Kit) -> Application:
    return kit.start(PDF_ONLY[0])


def attach(kit: Kit, application: Application, key: str, upload: SimpleUploadedFile) -> Document:
    return actions.attach_document(application=application, actor=kit.applicant, key=key, upload=upload)


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # A refusal is written in the language active when it happens (Arabic unless a request said otherwise).
    with translation.override("en"):
        yield


def assert_refused(kit: Kit, application: Application, key: str, upload: SimpleUploadedFile) -> BadDocument:
    events = Event.objects.filter(application=application).count()
    with pytest.raises(BadDocument) as refused:
        attach(kit, application, key, upload)
    assert not Document.objects.filter(application=application).exists()
    assert stored_files() == []
    assert Event.objects.filter(application=application).count() == events
    return refused.value


def test_a_png_named_pdf_is_refused_where_only_pdf_is_accepted(kit: Kit, draft: Application) -> None:
    error = assert_refused(
        kit, draft, PDF_ONLY[1], SimpleUploadedFile("contract.pdf", PNG_BYTES, content_type="application/pdf")
    )
    assert "PDF" in str(error.message)


def test_a_pdf_named_jpg_is_refused_where_only_images_are_accepted(kit: Kit) -> None:
    application = kit.start(IMAGES_ONLY[0])
    assert_refused(kit, application, IMAGES_ONLY[1], SimpleUploadedFile("me.jpg", PDF_BYTES, content_type="image/jpeg"))


def test_a_text_file_is_refused(kit: Kit, draft: Application) -> None:
    text = b"This is my maintenance contract, honestly.\n" * 20
    assert_refused(kit, draft, PDF_ONLY[1], SimpleUploadedFile("contract.pdf", text, content_type="application/pdf"))


def test_an_empty_file_is_refused(kit: Kit, draft: Application) -> None:
    assert_refused(kit, draft, PDF_ONLY[1], SimpleUploadedFile("contract.pdf", b"", content_type="application/pdf"))


def test_a_file_over_the_definitions_limit_is_refused_and_one_at_the_limit_accepted(
    kit: Kit, draft: Application
) -> None:
    limit = int(max_mb(draft, PDF_ONLY[1]) * 1024 * 1024)
    too_big = PDF_BYTES + b"0" * (limit + 1 - len(PDF_BYTES))
    error = assert_refused(
        kit, draft, PDF_ONLY[1], SimpleUploadedFile("big.pdf", too_big, content_type="application/pdf")
    )
    assert "5 MB" in str(error.message)
    just_fits = too_big[:-1]
    document = attach(
        kit, draft, PDF_ONLY[1], SimpleUploadedFile("fits.pdf", just_fits, content_type="application/pdf")
    )
    assert document.size == limit


def test_an_accepted_file_is_kept_under_a_random_name_with_its_hash(kit: Kit, draft: Application) -> None:
    original = "../../Ahmed Contract 2026 (signed).pdf"
    document = attach(
        kit, draft, PDF_ONLY[1], SimpleUploadedFile(original, PDF_BYTES, content_type="application/octet-stream")
    )
    document.refresh_from_db()
    assert document.original_name == "Ahmed Contract 2026 (signed).pdf"  # shown to people, never a path
    assert document.content_type == "application/pdf"  # read from the content
    assert document.size == len(PDF_BYTES)
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert "Ahmed" not in document.storage_name and "contract" not in document.storage_name.lower()
    assert ".." not in document.storage_name

    root = Path(django_settings.TAHAWUL_DOCUMENT_ROOT).resolve()
    path = documents.path_of(document.storage_name).resolve()
    assert path.is_relative_to(root)
    assert stored_files() == [path]
    assert path.read_bytes() == PDF_BYTES
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256

    event = Event.objects.filter(application=draft).last()
    assert (event.action, event.details) == ("upload", {"key": PDF_ONLY[1], "sha256": document.sha256})


def test_two_uploads_of_the_same_file_get_different_names_and_tokens(kit: Kit, draft: Application) -> None:
    first = attach(kit, draft, PDF_ONLY[1], upload_for(["application/pdf"], "same"))
    second = attach(kit, draft, PDF_ONLY[1], upload_for(["application/pdf"], "same"))
    assert first.storage_name != second.storage_name and first.token != second.token
    first.refresh_from_db()
    assert first.superseded and not second.superseded  # the newer one replaces it
    assert list(draft.documents.filter(superseded=False)) == [second]


def test_a_document_the_service_does_not_ask_for_is_refused(kit: Kit, draft: Application) -> None:
    assert_refused(kit, draft, "passport_photo", upload_for(["image/png"]))


def test_images_are_recognised_by_their_content(kit: Kit) -> None:
    application = kit.start(IMAGES_ONLY[0])
    png = attach(kit, application, IMAGES_ONLY[1], SimpleUploadedFile("a.jpeg", PNG_BYTES, content_type="image/jpeg"))
    jpeg = attach(kit, application, IMAGES_ONLY[1], SimpleUploadedFile("b.png", JPEG_BYTES, content_type="image/png"))
    assert (png.content_type, jpeg.content_type) == ("image/png", "image/jpeg")


def test_no_uploads_once_submitted_unless_a_correction_asks_for_it(kit: Kit) -> None:
    application = kit.submitted(PDF_ONLY[0])
    kept = Document.objects.filter(application=application).count()
    with pytest.raises(NotInThisState):
        attach(kit, application, PDF_ONLY[1], upload_for(["application/pdf"]))
    assert Document.objects.filter(application=application).count() == kept


def test_staff_views_of_a_document_are_recorded(kit: Kit) -> None:
    application = kit.submitted(PDF_ONLY[0])
    document = application.documents.first()
    officer = kit.staff(application.entity_id).officer
    seen = access_document(officer, document.token)
    actions.record_document_view(document=seen, viewer=officer)
    actions.record_document_view(document=seen, viewer=kit.applicant)  # one's own file: not audited
    assert list(DocumentView.objects.filter(document=document).values_list("viewer_id", flat=True)) == [officer.pk]


# --- the virus scanner hook -------------------------------------------------------------------


@pytest.mark.parametrize("scanner", ["RefusingScanner", "BrokenScanner"])
def test_a_scanner_that_does_not_pass_the_file_keeps_it_out(
    kit: Kit, draft: Application, settings: Any, scanner: str
) -> None:
    settings.TAHAWUL_VIRUS_SCANNER = f"{__name__}.{scanner}"
    configured_scanner.cache_clear()
    error = assert_refused(kit, draft, PDF_ONLY[1], upload_for(["application/pdf"]))
    assert "virus" in str(error.message)


def test_a_scanner_that_passes_the_file_lets_it_in(kit: Kit, draft: Application, settings: Any) -> None:
    settings.TAHAWUL_VIRUS_SCANNER = f"{__name__}.PassingScanner"
    configured_scanner.cache_clear()
    PassingScanner.seen.clear()
    document = attach(kit, draft, PDF_ONLY[1], upload_for(["application/pdf"]))
    assert PassingScanner.seen == [PDF_BYTES]
    assert documents.path_of(document.storage_name).read_bytes() == PDF_BYTES


# --- file questions ---------------------------------------------------------------------------

FILE_QUESTION = ("TRAFFIC-LICENCE-RENEW", "medical_report")  # required when medical_condition is true


def test_uploading_for_a_file_question_answers_it(kit: Kit) -> None:
    application = kit.start(FILE_QUESTION[0])
    kit.fill(application)
    document = attach(kit, application, FILE_QUESTION[1], upload_for(["application/pdf"]))
    row = Application.objects.get(pk=application.pk)
    assert row.answers[FILE_QUESTION[1]] == document.token
    check = actions.save_answers(application=row, actor=kit.applicant, answers={"medical_condition": True})
    assert check.ok, check.errors
    assert check.cleaned[FILE_QUESTION[1]] == document.token


@pytest.mark.parametrize("whose", ["made up", "another application's"])
def test_a_file_question_is_answered_only_by_a_file_uploaded_to_this_application(kit: Kit, whose: str) -> None:
    if whose == "made up":
        token = "AAAAAAAAAAAAAAAA"
    else:
        other = kit.start(FILE_QUESTION[0])
        token = attach(kit, other, FILE_QUESTION[1], upload_for(["application/pdf"])).token
    application = kit.start(FILE_QUESTION[0])
    kit.fill(application)
    check = actions.save_answers(
        application=Application.objects.get(pk=application.pk),
        actor=kit.applicant,
        answers={"medical_condition": True, FILE_QUESTION[1]: token},
    )
    assert not check.ok and FILE_QUESTION[1] in check.errors
