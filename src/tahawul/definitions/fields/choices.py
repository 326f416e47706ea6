"""Field types that pick among options: yes/no, one choice, several choices."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pydantic import BaseModel, ConfigDict, Field

from tahawul.core.text import LocalizedText
from tahawul.definitions.fields.base import AnswerError, Clock, FieldBase, register
from tahawul.definitions.keys import Key
from tahawul.definitions.problems import Problem

_TRUE = {"true", "yes", "on", "1", "نعم"}
_FALSE = {"false", "no", "off", "0", "لا"}


@register
class BooleanField(FieldBase):
    type: Literal["boolean"]
    must_be_true: bool = False

    def clean(self, raw: object, clock: Clock) -> bool:
        if isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            value = raw.strip().lower() in _TRUE
        else:
            raise AnswerError(_("Choose yes or no."))
        if self.must_be_true and not value:
            raise AnswerError(_("You must confirm this to continue."))
        return value


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Key
    label: LocalizedText


def _duplicate_values(choices: list[Choice]) -> list[Problem]:
    seen: set[str] = set()
    found = []
    for index, choice in enumerate(choices):
        if choice.value in seen:
            found.append(
                Problem(
                    ("choices", index, "value"), _("the value '%(value)s' is listed twice"), {"value": choice.value}
                )
            )
        seen.add(choice.value)
    return found


@register
class ChoiceField(FieldBase):
    type: Literal["choice"]
    choices: list[Choice] = Field(min_length=1)

    def clean(self, raw: object, clock: Clock) -> str:
        if isinstance(raw, str) and raw.strip() in {choice.value for choice in self.choices}:
            return raw.strip()
        raise AnswerError(_("Choose one of the options."))

    def problems(self) -> list[Problem]:
        return _duplicate_values(self.choices)


@register
class MultiChoiceField(FieldBase):
    type: Literal["multi_choice"]
    choices: list[Choice] = Field(min_length=1)
    min_items: int | None = Field(default=None, ge=0)
    max_items: int | None = Field(default=None, ge=1)

    def clean(self, raw: object, clock: Clock) -> list[str]:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
            raise AnswerError(_("Choose from the options."))
        known = {choice.value for choice in self.choices}
        picked = [item.strip() for item in items]
        if any(item not in known for item in picked):
            raise AnswerError(_("Choose only from the options."))
        # Keep the definition's order, without repeats, so equal answers are stored equally.
        cleaned = [choice.value for choice in self.choices if choice.value in picked]
        if self.min_items is not None and len(cleaned) < self.min_items:
            raise AnswerError(
                ngettext_lazy("Choose at least %(count)d option.", "Choose at least %(count)d options.", "count"),
                count=self.min_items,
            )
        if self.max_items is not None and len(cleaned) > self.max_items:
            raise AnswerError(
                ngettext_lazy("Choose at most %(count)d option.", "Choose at most %(count)d options.", "count"),
                count=self.max_items,
            )
        return cleaned

    def condition_value(self, cleaned: list[str]) -> tuple[str, ...]:
        return tuple(cleaned)

    def problems(self) -> list[Problem]:
        found = _duplicate_values(self.choices)
        if self.min_items is not None and self.max_items is not None and self.min_items > self.max_items:
            found.append(Problem(("min_items",), _("min_items is larger than max_items")))
        if self.min_items is not None and self.min_items > len(self.choices):
            found.append(Problem(("min_items",), _("min_items is larger than the number of choices")))
        return found
