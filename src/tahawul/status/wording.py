"""Sentences the status app keeps in both languages at once: check reasons and automatic notes are
written by the worker, before anyone knows who will read them, in which language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import override

from tahawul.core.text import LANGUAGES, LocalizedText


def in_both_languages(message: Promise, **values: object) -> LocalizedText:
    """``message`` (a lazy translation with named placeholders) filled with ``values`` in Arabic and
    in English; a value that is itself a lazy translation or a LocalizedText is shown in each."""
    texts = {}
    for language in LANGUAGES:
        with override(language):
            shown = {name: _shown(value, language) for name, value in values.items()}
            # ``%`` on the lazy object itself: a lazy ngettext picks its plural form from the values.
            texts[language] = str(message % shown) if shown else str(message)
    return LocalizedText(**texts)


def _shown(value: object, language: str) -> object:
    if isinstance(value, LocalizedText):
        return value.in_language(language)
    if isinstance(value, Promise):
        return str(value)
    return value
