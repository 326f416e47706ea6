"""Checking a beneficiary's answers against a service definition.

The one validator behind every channel: the portal, the API, Open311 and the counter all call
:func:`check_answers`, so an answer accepted on one is accepted on all.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.definitions import expressions
from tahawul.definitions.fields import AnswerError, Clock
from tahawul.definitions.fields.base import REQUIRED
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.visibility import Visibility, compiled


@dataclass(frozen=True)
class AnswerCheck:
    """Cleaned answers of the visible fields, or errors keyed by field key (``key.part`` for a
    part of an address)."""

    cleaned: dict[str, Any]
    errors: dict[str, LocalizedText] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ApplicantFacts:
    """What eligibility and fee rules may know about the applicant."""

    age: int | None = None
    nationality: str | None = None
    is_citizen: bool | None = None
    is_resident: bool | None = None
    kind: str | None = None  # "individual" | "business"

    def as_names(self) -> dict[str, object]:
        return {f"applicant.{name}": value for name, value in vars(self).items() if value is not None}


def check_answers(
    definition: ServiceDefinition,
    answers: Mapping[str, object],
    *,
    today: date,
    sections: Collection[str] | None = None,
) -> AnswerCheck:
    """Clean ``answers``; report every problem at once, in Arabic and English.

    ``sections`` limits the check to those pages (the portal checks a page at a time); whether
    a field is shown still depends on every answer given. Hidden fields are neither checked nor
    kept. A key that is not a question of the service is an error. Never raises for bad input.
    """
    fields = {item.key: item for item in definition.fields()}
    section_of = {item.key: section.key for section in definition.sections for item in section.fields}
    clock = Clock(today)
    errors: dict[str, LocalizedText] = {}
    field_errors: dict[str, tuple[str, LocalizedText]] = {}
    tentative: dict[str, Any] = {}
    for key, raw in answers.items():
        question = fields.get(key)
        if question is None:
            errors[key] = AnswerError(_("This service has no question '%(key)s'."), key=key).localized()
        elif not question.is_blank(raw):
            try:
                tentative[key] = question.clean(raw, clock)
            except AnswerError as error:
                field_errors[key] = (f"{key}.{error.part}" if error.part else key, error.localized())

    visible = Visibility(definition, tentative).field
    cleaned: dict[str, Any] = {}
    for key, question in fields.items():
        if (sections is not None and section_of[key] not in sections) or not visible(key):
            continue
        if key in field_errors:
            error_key, message = field_errors[key]
            errors[error_key] = message
        elif key in tentative:
            cleaned[key] = tentative[key]
        elif question.required:
            errors[key] = AnswerError(REQUIRED).localized()
    return AnswerCheck(cleaned=cleaned, errors=errors)


def as_raw(definition: ServiceDefinition, kept: Mapping[str, Any]) -> dict[str, object]:
    """Kept (cleaned) answers as answers again, to check them once more with :func:`check_answers`."""
    raw: dict[str, object] = {}
    for key, value in kept.items():
        question = definition.field(key)
        raw[key] = question.raw_of(value) if question is not None else value
    return raw


def condition_values(
    definition: ServiceDefinition, cleaned: Mapping[str, Any], facts: ApplicantFacts | None
) -> dict[str, object]:
    values: dict[str, object] = {
        question.key: question.condition_value(cleaned[question.key])
        for question in definition.fields()
        if question.key in cleaned
    }
    if facts is not None:
        values.update(facts.as_names())
    return values


def refusals(
    definition: ServiceDefinition, *, facts: ApplicantFacts | None, cleaned: Mapping[str, Any]
) -> list[LocalizedText]:
    """The refusal messages of eligibility rules that do not hold.

    A rule that needs a fact not known yet (an anonymous visitor's age) is not decided here.
    """
    values = condition_values(definition, cleaned, facts)
    refused = []
    for rule in definition.eligibility:
        condition = compiled(rule.when)
        needed = {name for name in expressions.names(condition) if name.startswith("applicant.")}
        if needed <= values.keys() and not expressions.holds(condition, values):
            refused.append(rule.message)
    return refused


@dataclass(frozen=True)
class FeeQuote:
    fils: int
    label: LocalizedText | None  # the matching rule's label; None for the standard fee


def fee_for(
    definition: ServiceDefinition, *, cleaned: Mapping[str, Any], facts: ApplicantFacts | None = None
) -> FeeQuote:
    """The fee these answers owe: the first fee rule that holds, else the standard amount."""
    if definition.fee is None:
        return FeeQuote(fils=0, label=None)
    values = condition_values(definition, cleaned, facts)
    for rule in definition.fee.rules:
        condition = compiled(rule.when)
        if expressions.holds(condition, values):
            return FeeQuote(fils=rule.amount, label=rule.label)
    return FeeQuote(fils=definition.fee.amount, label=None)
