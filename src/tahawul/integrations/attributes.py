"""A service definition's questions as Open311 attributes, and attribute values as answers.

Every question an Open311 client can fill becomes an attribute with one of GeoReport v2's six
datatypes; a file question cannot be filled and is left out (a service that requires one cannot
take applications from Open311, see :mod:`tahawul.integrations.suitability`). An address becomes
one attribute per part (``home.building``, ``home.road``...), the keys the validator reports its
errors under. The values are turned into the raw answers the one validator,
:func:`tahawul.definitions.answers.check_answers`, reads: nothing is checked twice here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.definitions.fields import FieldBase
from tahawul.definitions.fields.choices import BooleanField, ChoiceField, MultiChoiceField
from tahawul.definitions.fields.dates import DateField
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.fields.identity import AddressField, NationalIdField, PhoneField
from tahawul.definitions.fields.numeric import DecimalField, MoneyField, NumberField
from tahawul.definitions.fields.text import EmailField, TextareaField, TextField
from tahawul.definitions.schema import ServiceDefinition
from tahawul.integrations.errors import InvalidServiceRequest
from tahawul.integrations.texts import both, joined

ADDRESS_PARTS = {
    "flat": _("flat number"),
    "building": _("building number"),
    "road": _("road number"),
    "block": _("block number"),
    "area": _("area"),
}
REQUIRED_ADDRESS_PARTS = frozenset({"building", "road", "block"})
_W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


@dataclass(frozen=True)
class Value:
    key: str
    name: LocalizedText


@dataclass(frozen=True)
class Attribute:
    """One attribute of a GeoReport v2 service definition (``variable`` is always true)."""

    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist or multivaluelist
    required: bool
    order: int
    description: LocalizedText
    datatype_description: LocalizedText
    values: tuple[Value, ...] = ()


def attributes_of(definition: ServiceDefinition) -> list[Attribute]:
    """The attributes an Open311 client fills for ``definition``, in the form's order."""
    conditional_sections = {field.key for section in definition.sections if section.show_if for field in section.fields}
    attributes: list[Attribute] = []
    for field in definition.fields():
        always_asked = field.show_if is None and field.key not in conditional_sections
        for code, datatype, description, hint, values, required in _shapes(field):
            if not always_asked:
                hint = joined(hint, both(_("Asked only for some answers to other questions.")))
            attributes.append(
                Attribute(
                    code=code,
                    datatype=datatype,
                    required=required and always_asked,
                    order=len(attributes) + 1,
                    description=description,
                    datatype_description=hint,
                    values=values,
                )
            )
    return attributes


_Shape = tuple[str, str, LocalizedText, LocalizedText, tuple[Value, ...], bool]


def _shapes(field: FieldBase) -> Iterator[_Shape]:
    """(code, datatype, description, datatype description, values, required) for each attribute."""
    label = field.label
    if isinstance(field, FileField):
        return
    if isinstance(field, AddressField):
        for part, name in ADDRESS_PARTS.items():
            yield (
                f"{field.key}.{part}",
                "string",
                both(_("%(label)s: %(part)s"), label=label, part=both(name)),
                _address_hint(part),
                (),
                field.required and part in REQUIRED_ADDRESS_PARTS,
            )
        return
    if isinstance(field, (ChoiceField, MultiChoiceField)):
        datatype = "multivaluelist" if isinstance(field, MultiChoiceField) else "singlevaluelist"
        values = tuple(Value(key=choice.value, name=choice.label) for choice in field.choices)
        yield field.key, datatype, label, _hint(field), values, field.required
        return
    if isinstance(field, BooleanField):
        values = (Value(key="true", name=both(_("Yes"))), Value(key="false", name=both(_("No"))))
        yield field.key, "singlevaluelist", label, _hint(field), values, field.required
        return
    yield field.key, _DATATYPES.get(type(field), "string"), label, _hint(field), (), field.required


_DATATYPES: dict[type[FieldBase], str] = {
    TextField: "string",
    TextareaField: "text",
    NumberField: "number",
    DecimalField: "number",
    MoneyField: "number",
    DateField: "datetime",
    EmailField: "string",
    PhoneField: "string",
    NationalIdField: "string",
}


def _hint(field: FieldBase) -> LocalizedText:
    """How to write the answer, with the question's own help after it."""
    hint = _type_hint(field)
    return joined(hint, field.help) if field.help is not None else hint


def _type_hint(field: FieldBase) -> LocalizedText:
    if isinstance(field, TextField):
        if field.pattern_message is not None:
            return field.pattern_message
        return both(_("One line of text, at most %(count)s characters."), count=field.max_length)
    if isinstance(field, TextareaField):
        return both(_("Text, which may have several lines, at most %(count)s characters."), count=field.max_length)
    if isinstance(field, NumberField):
        return both(_("A whole number, like 3."))
    if isinstance(field, DecimalField):
        return both(_("A number with a point for decimals, like 2.5."))
    if isinstance(field, MoneyField):
        return both(_("An amount in Bahraini dinars, like 12.500."))
    if isinstance(field, DateField):
        return both(_("A date, like 2026-03-31. A date and time is read as the day it is in Bahrain."))
    if isinstance(field, MultiChoiceField):
        return both(_("Choose one or more of the values."))
    if isinstance(field, (ChoiceField, BooleanField)):
        return both(_("Choose one of the values."))
    if isinstance(field, EmailField):
        return both(_("An email address, like name@example.com."))
    if isinstance(field, PhoneField):
        return both(_("A phone number with its country code, like +97333123456; 8 digits are read as Bahraini."))
    if isinstance(field, NationalIdField):
        return both(_("The 9-digit personal number (CPR)."))
    return both(_("One line of text."))


def _address_hint(part: str) -> LocalizedText:
    if part == "area":
        return both(_("The area's name, at most 100 characters."))
    if part == "flat":
        return both(_("Up to 6 letters or digits."))
    return both(_("Digits, like 123."))


def answers_from(definition: ServiceDefinition, given: Mapping[str, list[str]]) -> dict[str, object]:
    """Attribute values (``code → values``, as sent) as the raw answers of ``definition``.

    Blank values count as not sent. Raises InvalidServiceRequest for a code that is not an
    attribute of the service and for several values given to an attribute that takes one; every
    other check is the validator's.
    """
    codes = {attribute.code: attribute for attribute in attributes_of(definition)}
    answers: dict[str, object] = {}
    errors: dict[str, LocalizedText] = {}
    for code, values in given.items():
        present = [value for value in values if value.strip()]
        attribute = codes.get(code)
        if attribute is None:
            errors[f"attribute[{code}]"] = both(_("This service has no attribute '%(code)s'."), code=code)
        elif not present:
            continue
        elif attribute.datatype == "multivaluelist":
            answers[code] = present
        elif len(present) > 1:
            errors[f"attribute[{code}]"] = both(_("Give one value for this attribute."))
        else:
            answers[code] = present[0]
    if errors:
        raise InvalidServiceRequest(errors)
    return _assembled(definition, answers)


def _assembled(definition: ServiceDefinition, answers: dict[str, object]) -> dict[str, object]:
    """Address parts gathered into one answer per address; dates and times read as local dates."""
    for field in definition.fields():
        if isinstance(field, AddressField):
            parts = {
                part: answers.pop(f"{field.key}.{part}") for part in ADDRESS_PARTS if f"{field.key}.{part}" in answers
            }
            if parts:
                answers[field.key] = parts
        elif isinstance(field, DateField) and isinstance(answers.get(field.key), str):
            answers[field.key] = _local_date(str(answers[field.key]))
    return answers


def _local_date(text: str) -> str:
    """``2026-03-30T22:30:00Z`` → ``2026-03-31`` (the day in Bahrain); anything else unchanged,
    for the validator to judge."""
    if not _W3C_DATETIME.match(text.strip()):
        return text
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return text
    if timezone.is_naive(moment):
        return moment.date().isoformat()
    return timezone.localtime(moment).date().isoformat()


def attribute_errors(definition: ServiceDefinition, errors: Mapping[str, LocalizedText]) -> dict[str, LocalizedText]:
    """The validator's errors (keyed by question, ``key.part`` for a part of an address) named by
    the attributes a client sends. An address is not an attribute, its parts are: an error about a
    whole address (one not given at all) falls on each of its required parts."""
    named: dict[str, LocalizedText] = {}
    for key, message in errors.items():
        if isinstance(definition.field(key), AddressField):
            named.update(
                {f"attribute[{key}.{part}]": message for part in ADDRESS_PARTS if part in REQUIRED_ADDRESS_PARTS}
            )
        else:
            named[f"attribute[{key}]"] = message
    return named
