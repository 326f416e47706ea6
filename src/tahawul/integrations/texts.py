"""Messages in both languages with named values that are themselves bilingual (a field's label)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import override

from tahawul.core.text import LANGUAGES, LocalizedText


def both(message: Promise, **values: str | int | LocalizedText) -> LocalizedText:
    """``message`` in Arabic and English, each with ``values`` read in that language."""
    texts = {}
    for language in LANGUAGES:
        with override(language):
            shown = {
                name: value.in_language(language) if isinstance(value, LocalizedText) else value
                for name, value in values.items()
            }
            texts[language] = str(message) % shown if shown else str(message)
    return LocalizedText(**texts)


def joined(*sentences: LocalizedText) -> LocalizedText:
    """Whole sentences one after the other, in each language."""
    return LocalizedText(**{language: " ".join(s.in_language(language) for s in sentences) for language in LANGUAGES})
