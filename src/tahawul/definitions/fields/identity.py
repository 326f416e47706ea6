"""Field types about people and places: phone numbers, the personal number (CPR), addresses."""

from __future__ import annotations

import re
from typing import Literal

from django.utils.translation import gettext_lazy as _

from tahawul.core.digits import ascii_digits
from tahawul.definitions.fields.base import AnswerError, Clock, FieldBase, register, text_of

BAHRAIN_CODE = "973"
# Bahraini numbers are eight digits; landlines begin with 1, mobiles with 3 or 6, service
# numbers with 7 or 8.
_BAHRAIN_NUMBER = re.compile(r"^[13678][0-9]{7}$")
_INTERNATIONAL = re.compile(r"^[1-9][0-9]{6,14}$")  # E.164: at most 15 digits after the "+"


@register
class PhoneField(FieldBase):
    type: Literal["phone"]
    international: bool = True

    def clean(self, raw: object, clock: Clock) -> str:
        digits = re.sub(r"[\s\-().]", "", ascii_digits(text_of(raw)))
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        if not digits.startswith("+"):
            if _BAHRAIN_NUMBER.match(digits):
                return f"+{BAHRAIN_CODE}{digits}"
            raise AnswerError(_("Enter a phone number like 3312 3456 or +44 20 7946 0000."))
        digits = digits[1:]
        if digits.startswith(BAHRAIN_CODE):
            if _BAHRAIN_NUMBER.match(digits[len(BAHRAIN_CODE) :]):
                return f"+{digits}"
            raise AnswerError(_("A Bahraini number has 8 digits after +973."))
        if not self.international:
            raise AnswerError(_("Enter a Bahraini phone number (+973 and 8 digits)."))
        if _INTERNATIONAL.match(digits):
            return f"+{digits}"
        raise AnswerError(_("Enter a phone number like 3312 3456 or +44 20 7946 0000."))


@register
class NationalIdField(FieldBase):
    type: Literal["national_id"]

    def clean(self, raw: object, clock: Clock) -> str:
        digits = re.sub(r"[\s\-]", "", ascii_digits(text_of(raw)))
        if not re.fullmatch(r"[0-9]{9}", digits):
            raise AnswerError(_("Enter the 9-digit personal number (CPR)."))
        if not 1 <= int(digits[2:4]) <= 12:  # YYMM of birth come first
            raise AnswerError(_("This is not a valid personal number (CPR)."))
        return digits


_ADDRESS_PARTS: dict[str, tuple[re.Pattern[str], bool]] = {
    # part: (pattern, required)
    "flat": (re.compile(r"^[0-9A-Za-z]{1,6}$"), False),
    "building": (re.compile(r"^[0-9]{1,4}[A-Za-z]?$"), True),
    "road": (re.compile(r"^[0-9]{1,4}$"), True),
    "block": (re.compile(r"^[0-9]{3,4}$"), True),
}
_ADDRESS_MESSAGES = {
    "flat": _("Enter the flat number, up to 6 letters or digits."),
    "building": _("Enter the building number: up to 4 digits, maybe followed by a letter."),
    "road": _("Enter the road number: up to 4 digits."),
    "block": _("Enter the block number: 3 or 4 digits."),
}


@register
class AddressField(FieldBase):
    """A Bahraini address: flat, building, road, block (numbers) and, optionally, the area name."""

    type: Literal["address"]

    def is_blank(self, raw: object) -> bool:
        if isinstance(raw, dict):
            return all(super(AddressField, self).is_blank(value) for value in raw.values())
        return super().is_blank(raw)

    def clean(self, raw: object, clock: Clock) -> dict[str, str]:
        if not isinstance(raw, dict) or not set(raw) <= {*_ADDRESS_PARTS, "area"}:
            raise AnswerError(_("Enter the address as flat, building, road, block and area."))
        cleaned: dict[str, str] = {}
        for part, (pattern, required) in _ADDRESS_PARTS.items():
            value = raw.get(part)
            text = "" if value is None else ascii_digits(str(value)).strip().upper()
            if not text:
                if required:
                    raise AnswerError(_ADDRESS_MESSAGES[part], part=part)
                continue
            if not pattern.match(text):
                raise AnswerError(_ADDRESS_MESSAGES[part], part=part)
            cleaned[part] = text
        area = " ".join(str(raw.get("area") or "").split())
        if len(area) > 100:
            raise AnswerError(_("Enter an area name of at most 100 characters."), part="area")
        if area:
            cleaned["area"] = area
        return cleaned
