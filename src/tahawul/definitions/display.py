"""A kept answer as a person reads it, in the active language: the portal's "check your answers"
and the back office's application page both show answers this way."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from tahawul.core.money import format_dinars
from tahawul.definitions.fields import FieldBase
from tahawul.definitions.fields.choices import BooleanField, ChoiceField, MultiChoiceField
from tahawul.definitions.fields.dates import DateField
from tahawul.definitions.fields.identity import AddressField
from tahawul.definitions.fields.numeric import MoneyField


def answer_texts(question: FieldBase, value: object) -> list[str]:
    """One text per value (a multiple choice gives several). Files are the interfaces' to show:
    they link to the upload."""
    if isinstance(question, BooleanField):
        return [_("Yes") if value else _("No")]
    if isinstance(question, ChoiceField):
        return [_choice_label(question, value)]
    if isinstance(question, MultiChoiceField) and isinstance(value, list):
        return [_choice_label(question, item) for item in value]
    if isinstance(question, DateField) and isinstance(value, str):
        try:
            return [formats.date_format(date.fromisoformat(value), "DATE_FORMAT")]
        except ValueError:
            return [value]
    if isinstance(question, MoneyField) and isinstance(value, int):
        return [_("%(amount)s BHD") % {"amount": format_dinars(value)}]
    if isinstance(question, AddressField) and isinstance(value, dict):
        return [_address(value)]
    return [str(value)]


def list_separator() -> str:
    return "، " if (get_language() or "ar")[:2] == "ar" else ", "


def _choice_label(question: ChoiceField | MultiChoiceField, value: object) -> str:
    return next((choice.label.in_language() for choice in question.choices if choice.value == value), str(value))


def _address(parts: dict[str, str]) -> str:
    words = {
        "flat": _("Flat %(number)s"),
        "building": _("Building %(number)s"),
        "road": _("Road %(number)s"),
        "block": _("Block %(number)s"),
    }
    shown = [words[part] % {"number": parts[part]} for part in words if parts.get(part)]
    if parts.get("area"):
        shown.append(parts["area"])
    return pgettext("between the parts of an address", ", ").join(shown)
