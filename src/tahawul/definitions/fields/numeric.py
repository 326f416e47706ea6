"""Numeric field types: whole numbers, decimals and money (kept as integer fils)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pydantic import BeforeValidator, Field, PlainSerializer

from tahawul.core.digits import ascii_digits
from tahawul.core.money import InvalidAmount, fils_to_decimal, format_dinars, parse_dinars
from tahawul.definitions.fields.base import AnswerError, Clock, FieldBase, register, setting_error
from tahawul.definitions.problems import Problem

_GROUPED = re.compile(r"[-+]?[0-9]{1,3}([, ][0-9]{3})+(\.[0-9]+)?")


def _numeric_text(raw: object) -> str:
    """Digits as typed: Arabic-Indic digits, the Arabic decimal point, thousands separators."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise AnswerError(_("Enter a number."))
    text = ascii_digits(str(raw)).strip().replace("٫", ".").replace("٬", ",")
    if "," in text or " " in text:
        # Only as thousands separators (1,250.500 or 1 250); a decimal comma (12,5) must not become 125.
        if not _GROUPED.fullmatch(text):
            raise AnswerError(_("Write the number with a point for decimals and no other commas, like 1250.5."))
        text = text.replace(",", "").replace(" ", "")
    return text


def _decimal_from_setting(value: object) -> object:
    if isinstance(value, float):
        raise setting_error(_('write decimal limits as quoted strings, like "2.5"'))
    if isinstance(value, (int, str)):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise setting_error(_("not a decimal number")) from None
    return value


def _fils_from_setting(value: object) -> object:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return parse_dinars(str(value))
        except InvalidAmount:
            pass
    raise setting_error(_('write amounts as quoted strings in dinars with up to 3 decimals, like "12.500"'))


DecimalSetting = Annotated[Decimal, BeforeValidator(_decimal_from_setting), PlainSerializer(str, return_type=str)]
# Written in definitions as a string of dinars ("12.500"), held as integer fils.
Fils = Annotated[int, BeforeValidator(_fils_from_setting), PlainSerializer(format_dinars, return_type=str)]


@register
class NumberField(FieldBase):
    type: Literal["number"]
    min: int | None = None
    max: int | None = None

    def clean(self, raw: object, clock: Clock) -> int:
        text = _numeric_text(raw)
        if re.fullmatch(r"[-+]?[0-9]{1,15}", text) is None:
            raise AnswerError(_("Enter a whole number, like 3."))
        number = int(text)
        _check_range(number, self.min, self.max)
        return number

    def problems(self) -> list[Problem]:
        return _range_problems(self.min, self.max)


@register
class DecimalField(FieldBase):
    type: Literal["decimal"]
    min: DecimalSetting | None = None
    max: DecimalSetting | None = None
    decimal_places: int = Field(default=2, ge=0, le=6)

    def clean(self, raw: object, clock: Clock) -> str:
        text = _numeric_text(raw)
        if re.fullmatch(r"[-+]?[0-9]{1,15}(\.[0-9]+)?", text) is None:
            raise AnswerError(_("Enter a number, like 2.5."))
        number = Decimal(text)
        step = Decimal(1).scaleb(-self.decimal_places)
        if number != number.quantize(step):  # "1.50" is fine with one decimal place, "1.55" is not
            raise AnswerError(
                ngettext_lazy(
                    "Use at most %(places)d decimal place.", "Use at most %(places)d decimal places.", "places"
                ),
                places=self.decimal_places,
            )
        _check_range(number, self.min, self.max)
        return str(number.quantize(step))

    def condition_value(self, cleaned: str) -> Decimal:
        return Decimal(cleaned)

    def problems(self) -> list[Problem]:
        return _range_problems(self.min, self.max)


@register
class MoneyField(FieldBase):
    type: Literal["money"]
    min: Fils | None = None
    max: Fils | None = None

    def clean(self, raw: object, clock: Clock) -> int:
        try:
            fils = parse_dinars(_numeric_text(raw))
        except InvalidAmount:
            raise AnswerError(_("Enter an amount in dinars, like 12.500.")) from None
        if self.min is not None and fils < self.min:
            raise AnswerError(_("Enter an amount of at least %(amount)s BHD."), amount=format_dinars(self.min))
        if self.max is not None and fils > self.max:
            raise AnswerError(_("Enter an amount of at most %(amount)s BHD."), amount=format_dinars(self.max))
        return fils

    def raw_of(self, cleaned: int) -> str:
        return format_dinars(cleaned)  # kept as fils; typed as dinars

    def condition_value(self, cleaned: int) -> Decimal:
        return fils_to_decimal(cleaned)

    def problems(self) -> list[Problem]:
        return _range_problems(self.min, self.max)


def _check_range(number: int | Decimal, minimum: int | Decimal | None, maximum: int | Decimal | None) -> None:
    if minimum is not None and number < minimum:
        raise AnswerError(_("Enter a number of at least %(limit)s."), limit=str(minimum))
    if maximum is not None and number > maximum:
        raise AnswerError(_("Enter a number of at most %(limit)s."), limit=str(maximum))


def _range_problems(minimum: int | Decimal | None, maximum: int | Decimal | None) -> list[Problem]:
    if minimum is not None and maximum is not None and minimum > maximum:
        return [Problem(("min",), _("min is larger than max"))]
    return []
