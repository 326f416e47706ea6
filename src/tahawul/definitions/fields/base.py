"""What every field type shares, and the registry that maps a type name to its class.

A field type is a pydantic model (its settings, as written in a definition) with a ``clean``
method that turns one raw answer into the value kept, or raises :class:`AnswerError`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar, get_args

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from tahawul.core.text import LANGUAGES, LocalizedText
from tahawul.definitions.keys import Key
from tahawul.definitions.problems import Problem


class AnswerError(Exception):
    """One answer is not acceptable; ``message`` is a lazy translation with named placeholders."""

    def __init__(self, message: Promise | LocalizedText, part: str | None = None, **params: object) -> None:
        super().__init__(str(message))
        self.message = message
        self.params = params
        self.part = part  # for composite answers (an address): which part is wrong

    def localized(self) -> LocalizedText:
        if isinstance(self.message, LocalizedText):  # a designer's own wording, already bilingual
            return self.message
        texts = {}
        for language in LANGUAGES:
            with override(language):
                texts[language] = str(self.message % self.params) if self.params else str(self.message)
        return LocalizedText(**texts)


class Clock:
    """What ``today`` means to a field; a parameter so tests and replays are deterministic."""

    def __init__(self, today: date) -> None:
        self.today = today


REQUIRED = _("Answer this question.")


class FieldBase(BaseModel):
    """Settings every field has, whatever its type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Key
    type: str
    label: LocalizedText
    help: LocalizedText | None = None
    required: bool = False
    show_if: str | None = None

    def is_blank(self, raw: object) -> bool:
        """Whether a raw answer means "not answered" (``False`` is an answer, not a blank)."""
        if raw is None:
            return True
        if isinstance(raw, str):
            return raw.strip() == ""
        if isinstance(raw, (list, tuple, dict)):
            return len(raw) == 0
        return False

    def clean(self, raw: object, clock: Clock) -> Any:
        """The value to keep for a non-blank raw answer; raises :class:`AnswerError`."""
        raise NotImplementedError

    def raw_of(self, cleaned: Any) -> object:
        """A kept value as an answer ``clean`` accepts again (checking stored answers once more)."""
        return cleaned

    def condition_value(self, cleaned: Any) -> object:
        """How the kept value looks to conditions (``show_if``, eligibility, fee rules)."""
        return cleaned

    def problems(self) -> list[Problem]:
        """Settings that contradict each other, with paths inside the field."""
        return []


FIELD_TYPES: dict[str, type[FieldBase]] = {}

FieldType = TypeVar("FieldType", bound=type[FieldBase])


def register(cls: FieldType) -> FieldType:
    (name,) = get_args(cls.__pydantic_fields__["type"].annotation)
    FIELD_TYPES[name] = cls
    return cls


def text_of(raw: object) -> str:
    """A raw answer as text, or an error when it is a list, a mapping or a boolean."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise AnswerError(_("Enter a text answer."))
    return str(raw)


def setting_error(message: Promise) -> PydanticCustomError:
    """A schema error in the active language (pydantic's own messages are English only)."""
    return PydanticCustomError("setting", str(message).replace("{", "{{").replace("}", "}}"))
