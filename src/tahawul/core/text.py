"""Bilingual text: every word a person reads exists in Arabic and English."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language, override
from pydantic import BaseModel, ConfigDict, field_validator

LANGUAGES = ("ar", "en")


class LocalizedText(BaseModel):
    """A text in Arabic and English. Either may be blank while drafting; publishing needs both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ar: str = ""
    en: str = ""

    @field_validator("ar", "en", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    def in_language(self, language: str | None = None) -> str:
        """The text in ``language`` (default: the active one), falling back to the other."""
        language = (language or get_language() or "ar")[:2]
        preferred = self.en if language == "en" else self.ar
        return preferred or self.ar or self.en

    def __str__(self) -> str:
        return self.in_language()

    def missing_languages(self) -> list[str]:
        return [language for language in LANGUAGES if not getattr(self, language)]


def localized_attribute(name: str) -> property:
    """A model property reading ``<name>_ar`` or ``<name>_en`` in the active language."""

    def read(instance: object) -> str:
        arabic: str = getattr(instance, f"{name}_ar")
        english: str = getattr(instance, f"{name}_en")
        return (english or arabic) if (get_language() or "ar")[:2] == "en" else (arabic or english)

    return property(read)


def bilingual(text: Promise) -> LocalizedText:
    """A translatable interface string in both languages at once, for what is kept or sent
    before anyone knows the language it will be read in."""
    texts = {}
    for language in LANGUAGES:
        with override(language):
            texts[language] = str(text)
    return LocalizedText(**texts)
