"""Free-text field types: one line, several lines, and e-mail."""

from __future__ import annotations

import re
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pydantic import Field

from tahawul.core.digits import ascii_digits
from tahawul.core.text import LocalizedText
from tahawul.definitions.fields.base import AnswerError, Clock, FieldBase, register, text_of
from tahawul.definitions.problems import Problem


def _check_length(text: str, min_length: int | None, max_length: int) -> None:
    if min_length is not None and len(text) < min_length:
        raise AnswerError(
            ngettext_lazy("Enter at least %(count)d character.", "Enter at least %(count)d characters.", "count"),
            count=min_length,
        )
    if len(text) > max_length:
        raise AnswerError(
            ngettext_lazy("Enter at most %(count)d character.", "Enter at most %(count)d characters.", "count"),
            count=max_length,
        )


@register
class TextField(FieldBase):
    type: Literal["text"]
    min_length: int | None = Field(default=None, ge=0)
    max_length: int = Field(default=200, ge=1, le=1000)
    pattern: str | None = None
    pattern_message: LocalizedText | None = None

    def clean(self, raw: object, clock: Clock) -> str:
        text = " ".join(ascii_digits(text_of(raw)).split())
        _check_length(text, self.min_length, self.max_length)
        if self.pattern and re.fullmatch(self.pattern, text) is None:
            raise AnswerError(self.pattern_message or _("The answer is not in the expected form."))
        return text

    def problems(self) -> list[Problem]:
        found = []
        if self.min_length is not None and self.min_length > self.max_length:
            found.append(Problem(("min_length",), _("min_length is larger than max_length")))
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as error:
                found.append(
                    Problem(("pattern",), _("not a valid regular expression: %(error)s"), {"error": str(error)})
                )
            if self.pattern_message is None:
                found.append(
                    Problem(("pattern_message",), _("a pattern needs a pattern_message telling people what to enter"))
                )
        return found


@register
class TextareaField(FieldBase):
    type: Literal["textarea"]
    min_length: int | None = Field(default=None, ge=0)
    max_length: int = Field(default=2000, ge=1, le=10000)

    def clean(self, raw: object, clock: Clock) -> str:
        text = re.sub(r"\r\n?", "\n", text_of(raw)).strip()
        _check_length(text, self.min_length, self.max_length)
        return text

    def problems(self) -> list[Problem]:
        if self.min_length is not None and self.min_length > self.max_length:
            return [Problem(("min_length",), _("min_length is larger than max_length"))]
        return []


_email_validator = EmailValidator()


@register
class EmailField(FieldBase):
    type: Literal["email"]

    def clean(self, raw: object, clock: Clock) -> str:
        text = text_of(raw).strip()
        local, _at, domain = text.rpartition("@")
        text = f"{local}@{domain.lower()}" if local else text
        try:
            _email_validator(text)
        except ValidationError:
            raise AnswerError(_("Enter an e-mail address like name@example.com.")) from None
        return text
