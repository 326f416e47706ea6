"""Which sections, questions and documents apply, given the answers so far."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from tahawul.definitions.expressions import Node, holds, names, parse
from tahawul.definitions.schema import Document, Section, ServiceDefinition


@cache
def compiled(source: str) -> Node:
    """A condition, parsed once per process (definitions are immutable once published)."""
    return parse(source)


class Visibility:
    """Which sections, questions and documents the answers so far make apply.

    The definition's ``show_if`` rules on cleaned answers: a question that is hidden counts as
    unanswered in every condition that names it. The one implementation: the validator, the
    submission checks and the pages all ask this.
    """

    def __init__(self, definition: ServiceDefinition, answers: Mapping[str, Any]) -> None:
        self.definition = definition
        self.answers = answers
        self._fields = {question.key: question for question in definition.fields()}
        self._section_of = {question.key: section for section in definition.sections for question in section.fields}
        self._known: dict[str, bool] = {}

    def section(self, section: Section) -> bool:
        return self._holds(section.show_if)

    def field(self, key: str) -> bool:
        if key in self._known:
            return self._known[key]
        question, section = self._fields.get(key), self._section_of.get(key)
        if question is None or section is None:
            return False
        self._known[key] = False  # a cycle (refused when publishing) counts as hidden
        shown = self._holds(section.show_if) and self._holds(question.show_if)
        self._known[key] = shown
        return shown

    def document(self, spec: Document) -> bool:
        return self._holds(spec.show_if)

    def sections(self) -> list[Section]:
        return [section for section in self.definition.sections if self.section(section)]

    def documents(self) -> list[Document]:
        return [spec for spec in self.definition.documents if self.document(spec)]

    def _holds(self, source: str | None) -> bool:
        if source is None:
            return True
        condition = compiled(source)
        return holds(condition, {name: self._value(name) for name in names(condition)})

    def _value(self, name: str) -> object:
        question = self._fields.get(name)
        if question is None or name not in self.answers or not self.field(name):
            return None
        return question.condition_value(self.answers[name])
