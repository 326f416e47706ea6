"""Publishing versions: unchanged files publish nothing, published versions never change."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from tahawul.catalog.models import SearchTerm, Service
from tahawul.catalog.selectors import search_services
from tahawul.definitions.actions import digest_of, load_definitions
from tahawul.definitions.errors import DefinitionsInvalid, PublishedVersionIsImmutable
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.selectors import current_definition
from tahawul.definitions.validation import validate_text
from tests.conftest import DEMO_SERVICES

pytestmark = pytest.mark.django_db

PASSPORT = DEMO_SERVICES / "NPRA" / "npra-passport-renew.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("definitions", *args, stdout=out)
    return out.getvalue()


def test_loading_an_unchanged_definition_publishes_nothing() -> None:
    before = ServiceVersion.objects.filter(service__code="NPRA-PASSPORT-RENEW").count()
    (published,) = load_definitions(paths=[PASSPORT])
    assert (published.changed, published.version) == (False, before)
    assert ServiceVersion.objects.filter(service__code="NPRA-PASSPORT-RENEW").count() == before


def test_formatting_and_comments_do_not_make_a_new_version(tmp_path: Path) -> None:
    text = "# a comment the designer added\n" + PASSPORT.read_text(encoding="utf-8").replace("\n", "\n\n", 3)
    (published,) = load_definitions(paths=[write(tmp_path, "passport.yaml", text)])
    assert published.changed is False


def test_a_changed_definition_becomes_the_next_version_and_the_old_one_stays(tmp_path: Path) -> None:
    old_version, old_definition = current_definition(code="NPRA-PASSPORT-RENEW")
    text = PASSPORT.read_text(encoding="utf-8").replace("Passport renewal", "Renew a passport")
    (published,) = load_definitions(paths=[write(tmp_path, "passport.yaml", text)])

    assert (published.changed, published.version) == (True, old_version.number + 1)
    new_version, new_definition = current_definition(code="NPRA-PASSPORT-RENEW")
    assert new_definition.name.en == "Renew a passport"
    kept = ServiceVersion.objects.get(pk=old_version.pk)
    assert kept.document == old_version.document
    assert kept.digest == digest_of(old_definition)
    listing = Service.objects.get(code="NPRA-PASSPORT-RENEW")
    assert (listing.name_en, listing.current_version) == ("Renew a passport", new_version.number)


def test_the_search_index_follows_the_new_version(tmp_path: Path) -> None:
    text = PASSPORT.read_text(encoding="utf-8")
    start = text.index("keywords:")
    end = text.index("\nchannels:")
    text = text[:start] + "keywords:\n  ar: [زنجبار]\n  en: [zanzibar]" + text[end:]
    load_definitions(paths=[write(tmp_path, "passport.yaml", text)])
    assert search_services(query="zanzibar").items[0].code == "NPRA-PASSPORT-RENEW"
    assert search_services(query="زنجبار").items[0].code == "NPRA-PASSPORT-RENEW"


def test_one_bad_file_publishes_nothing_at_all(tmp_path: Path) -> None:
    good = write(tmp_path, "a.yaml", PASSPORT.read_text(encoding="utf-8").replace("Passport renewal", "Changed"))
    bad = write(tmp_path, "b.yaml", "format: 1\ncode: NPRA-BROKEN\n")
    versions = ServiceVersion.objects.count()
    with pytest.raises(DefinitionsInvalid) as raised:
        load_definitions(paths=[good, bad])
    assert ServiceVersion.objects.count() == versions
    assert Service.objects.get(code="NPRA-PASSPORT-RENEW").name_en == "Passport renewal"
    assert any(problem.file == str(bad) for problem in raised.value.problems)


def test_two_files_with_the_same_code_are_refused(tmp_path: Path) -> None:
    text = PASSPORT.read_text(encoding="utf-8")
    with pytest.raises(DefinitionsInvalid) as raised:
        load_definitions(paths=[write(tmp_path, "a.yaml", text), write(tmp_path, "b.yaml", text)])
    (problem,) = raised.value.problems
    assert "NPRA-PASSPORT-RENEW" in problem.text and "a.yaml" in problem.text


def test_unknown_entity_and_category_are_refused_at_load(tmp_path: Path) -> None:
    text = PASSPORT.read_text(encoding="utf-8").replace("category: identity-travel", "category: astrology")
    with pytest.raises(DefinitionsInvalid) as raised:
        load_definitions(paths=[write(tmp_path, "a.yaml", text)])
    with translation.override("en"):
        assert [problem.text for problem in raised.value.problems] == ["unknown category 'astrology'"]


def test_a_published_version_cannot_be_changed_by_the_model() -> None:
    version = ServiceVersion.objects.filter(service__code="NPRA-PASSPORT-RENEW").first()
    assert version is not None
    version.document = {"tampered": True}
    with pytest.raises(PublishedVersionIsImmutable):
        version.save()
    with pytest.raises(PublishedVersionIsImmutable):
        version.delete()


def test_a_published_version_cannot_be_changed_in_the_database_either() -> None:
    version = ServiceVersion.objects.filter(service__code="NPRA-PASSPORT-RENEW").first()
    assert version is not None
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ServiceVersion.objects.filter(pk=version.pk).update(document={"tampered": True})
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM definitions_serviceversion WHERE id = %s", [version.pk])
        assert cursor.fetchone()[0] == version.digest


def test_export_writes_yaml_that_loads_back_to_the_same_version() -> None:
    version, definition = current_definition(code="NPRA-PASSPORT-RENEW")
    exported = run("export", "NPRA-PASSPORT-RENEW")
    assert "name: {ar: تجديد جواز السفر, en: Passport renewal}" in exported
    again = validate_text(exported)
    assert again.problems == []
    assert again.definition is not None
    assert digest_of(again.definition) == version.digest == digest_of(definition)


def test_export_of_an_unknown_code_or_version_fails_clearly() -> None:
    with pytest.raises(CommandError, match="There is no service with this code"), translation.override("en"):
        call_command("definitions", "export", "NOPE-NOTHING", stdout=StringIO())
    with pytest.raises(CommandError, match="no published version 99"), translation.override("en"):
        call_command("definitions", "export", "NPRA-PASSPORT-RENEW", "--version", "99", stdout=StringIO())


def test_validate_prints_file_line_path_message_and_fails(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", PASSPORT.read_text(encoding="utf-8").replace("type: date", "type: datetime", 1))
    out = StringIO()
    with pytest.raises(CommandError, match=r"1 problem\(s\) in 1 of 1 file\(s\)"), translation.override("en"):
        call_command("definitions", "validate", str(bad), stdout=out)
    (line,) = out.getvalue().splitlines()
    assert line.startswith(f"{bad}:")
    assert ": sections[0].fields[1].type: unknown field type 'datetime'" in line


def test_validate_a_directory_of_good_files() -> None:
    assert run("validate", str(DEMO_SERVICES / "NPRA")).strip().endswith("definition(s) valid")


def test_validate_without_references_ignores_unknown_codes(tmp_path: Path) -> None:
    text = PASSPORT.read_text(encoding="utf-8").replace("category: identity-travel", "category: astrology")
    path = write(tmp_path, "a.yaml", text)
    assert run("validate", "--no-references", str(path)).strip() == "1 definition(s) valid"
    with pytest.raises(CommandError):
        run("validate", str(path))


def test_load_reports_what_it_published(tmp_path: Path) -> None:
    changed = write(tmp_path, "p.yaml", PASSPORT.read_text(encoding="utf-8").replace("Passport renewal", "Renew"))
    output = run("load", str(changed))
    assert "NPRA-PASSPORT-RENEW: published version" in output
    assert "1 new version(s), 0 unchanged" in output
    assert "0 new version(s), 1 unchanged" in run("load", str(changed))


def test_a_search_term_row_per_key() -> None:
    service = Service.objects.get(code="NPRA-PASSPORT-RENEW")
    terms = set(SearchTerm.objects.filter(service=service).values_list("term", flat=True))
    assert {"جواز", "passport", "renew"} <= terms
