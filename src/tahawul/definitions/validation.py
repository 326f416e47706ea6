"""From YAML text to a checked :class:`ServiceDefinition`, or every problem with its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FilePath

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tahawul.definitions.checks import KnownCodes, check_definition
from tahawul.definitions.fields import FIELD_TYPES
from tahawul.definitions.problems import Path, Problem
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.source import SourceDocument, read_yaml


@dataclass
class ValidatedSource:
    """One file's outcome: the definition when it has no problem."""

    file: str
    definition: ServiceDefinition | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.definition is not None and not self.problems


def validate_text(text: str, *, file: str = "<document>", known: KnownCodes | None = None) -> ValidatedSource:
    source = read_yaml(text)
    problems = list(source.problems)
    definition = None
    if source.data is not None:  # also after a repeated key, to report everything at once
        definition, found = validate_data(source.data, known=known)
        problems.extend(found)
    located = sorted((_locate(problem, source, file) for problem in problems), key=lambda problem: problem.line or 0)
    return ValidatedSource(file=file, definition=None if located else definition, problems=located)


def validate_file(path: FilePath, *, known: KnownCodes | None = None, label: str | None = None) -> ValidatedSource:
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ValidatedSource(name, None, [Problem((), _("the file is not UTF-8 text"), file=name, line=1)])
    except OSError as error:
        return ValidatedSource(
            name,
            None,
            [Problem((), _("cannot read the file: %(error)s"), {"error": error.strerror or str(error)}, file=name)],
        )
    return validate_text(text, file=name, known=known)


def validate_data(data: object, *, known: KnownCodes | None = None) -> tuple[ServiceDefinition | None, list[Problem]]:
    """Check a document already parsed from YAML or JSON."""
    if not isinstance(data, dict):
        return None, [Problem((), _("a service definition is a mapping of keys to values"))]
    try:
        definition = ServiceDefinition.model_validate(data)
    except ValidationError as error:
        return None, [_from_pydantic(detail, data) for detail in error.errors(include_url=False)]
    return definition, check_definition(definition, known)


def _locate(problem: Problem, source: SourceDocument, file: str) -> Problem:
    line = problem.line if problem.line is not None else source.line_of(problem.path)
    return Problem(problem.path, problem.message, problem.params, file=file, line=line)


def _document_path(location: tuple[str | int, ...], data: object) -> Path:
    """pydantic's error location, without the type tags it inserts for tagged unions."""
    path: list[str | int] = []
    current = data
    for part in location:
        if isinstance(current, dict) and part not in current and current.get("type") == part:
            continue  # the union tag (a field's type), not a key of the document
        path.append(part)
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(path)


_KIND_MESSAGES: dict[str, Promise] = {
    "string_type": _("expected text"),
    "int_type": _("expected a whole number"),
    "int_parsing": _("expected a whole number"),
    "int_from_float": _("expected a whole number"),
    "float_type": _("expected a number"),
    "float_parsing": _("expected a number"),
    "bool_type": _("expected true or false"),
    "bool_parsing": _("expected true or false"),
    "list_type": _("expected a list"),
    "dict_type": _("expected a mapping of keys to values"),
    "model_type": _("expected a mapping of keys to values"),
    "model_attributes_type": _("expected a mapping of keys to values"),
    "missing": _("this key is required"),
}


def _from_pydantic(detail: ErrorDetails, data: object) -> Problem:
    path = _document_path(tuple(detail["loc"]), data)
    kind = detail["type"]
    context = detail.get("ctx", {})
    given = detail.get("input")
    if kind in _KIND_MESSAGES:
        return Problem(path, _KIND_MESSAGES[kind])
    if kind == "extra_forbidden":
        return Problem(path, _("unknown key '%(key)s'"), {"key": path[-1] if path else ""})
    if kind == "union_tag_invalid":
        return Problem(
            (*path, "type"),
            _("unknown field type '%(type)s'; the types are: %(types)s"),
            {"type": context.get("tag", ""), "types": ", ".join(sorted(FIELD_TYPES))},
        )
    if kind == "union_tag_not_found":
        return Problem(
            (*path, "type"),
            _("a field needs a type; the types are: %(types)s"),
            {"types": ", ".join(sorted(FIELD_TYPES))},
        )
    if kind in {"literal_error", "enum"}:
        return Problem(
            path,
            _("'%(value)s' is not allowed here; use one of: %(expected)s"),
            {"value": given, "expected": context.get("expected", "")},
        )
    if kind == "string_pattern_mismatch":
        return Problem(
            path,
            _("'%(value)s' does not have the required form %(pattern)s"),
            {"value": given, "pattern": context.get("pattern", "")},
        )
    if kind in {"too_short", "too_long", "string_too_long", "string_too_short"}:
        return Problem(path, _("wrong length: %(detail)s"), {"detail": detail["msg"]})
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return Problem(path, _("out of range: %(detail)s"), {"detail": detail["msg"]})
    return Problem(path, detail["msg"])
