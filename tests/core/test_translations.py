"""The Arabic catalogue is complete, keeps every placeholder, and is compiled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "tahawul"
PO_FILE = PACKAGE / "locale" / "ar" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(PO_FILE))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


# Arabic says "none", "one hour" and "two hours" in words: its zero, one and two forms may leave
# out the counted number, and only that one placeholder.
FORMS_SAID_IN_WORDS = frozenset({0, 1, 2})


def test_translations_keep_the_placeholders_of_the_source() -> None:
    broken = []
    for entry in polib.pofile(str(PO_FILE)):
        if entry.msgid_plural:
            for form, text in entry.msgstr_plural.items():
                source = entry.msgid if form == 0 and "%" not in entry.msgid_plural else entry.msgid_plural
                if not _keeps_placeholders(text, source, number_in_words=form in FORMS_SAID_IN_WORDS):
                    broken.append((entry.msgid, form, text))
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            broken.append((entry.msgid, None, entry.msgstr))
    assert broken == []


def _keeps_placeholders(text: str, source: str, *, number_in_words: bool) -> bool:
    kept, wanted = _placeholders(text), _placeholders(source)
    if kept == wanted:
        return True
    left_out = list(wanted)
    for placeholder in kept:
        if placeholder not in left_out:
            return False  # one the source does not have, or one used twice
        left_out.remove(placeholder)
    return number_in_words and len(left_out) == 1


def test_a_plural_form_may_say_only_its_number_in_words() -> None:
    source = "%(silent)s of %(registered)s kiosks"
    assert _keeps_placeholders("%(silent)s من أصل جهازين", source, number_in_words=True)
    assert not _keeps_placeholders("%(silent)s من أصل جهازين", source, number_in_words=False)
    assert not _keeps_placeholders("من أصل جهازين", source, number_in_words=True)  # two left out
    assert not _keeps_placeholders("%(silent)s %(other)s", source, number_in_words=True)


def test_arabic_plurals_have_all_six_forms() -> None:
    catalogue = polib.pofile(str(PO_FILE))
    assert "nplurals=6" in catalogue.metadata["Plural-Forms"]
    assert all(len(entry.msgstr_plural) == 6 for entry in catalogue if entry.msgid_plural)


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = {
        (entry.msgid, entry.msgid_plural): entry.msgstr or entry.msgstr_plural for entry in polib.pofile(str(PO_FILE))
    }
    compiled = {
        (entry.msgid, entry.msgid_plural): entry.msgstr or entry.msgstr_plural for entry in polib.mofile(str(MO_FILE))
    }
    source = {key: value for key, value in source.items() if key[0]}
    compiled = {key: value for key, value in compiled.items() if key[0]}
    assert compiled == source, "run `make messages` and commit the .mo"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extract the strings again from a copy of the code: nothing new may be untranslated."""
    copy = tmp_path / "tahawul"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["ar"], no_obsolete=True, add_location="file", verbosity=0)
    extracted = polib.pofile(str(copy / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in extracted.untranslated_entries()] == [], "run `make messages` and translate"
    assert [entry.msgid for entry in extracted.fuzzy_entries()] == [], "run `make messages` and translate"
    committed = {entry.msgid for entry in polib.pofile(str(PO_FILE))}
    assert {entry.msgid for entry in extracted} == committed, "run `make messages`: the catalogue has stale entries"


def test_the_interface_speaks_arabic() -> None:
    with translation.override("ar"):
        assert translation.gettext("Search") == "بحث"
        assert translation.ngettext("%(count)d working day", "%(count)d working days", 5) % {"count": 5} == (
            "5 أيام عمل"
        )
