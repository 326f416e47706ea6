"""Rules that span a whole definition, beyond what the schema's types can say.

Each check returns :class:`Problem` objects with the path they concern; all checks run, so a
designer sees every problem at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from tahawul.core.choices import Maturity
from tahawul.core.text import LocalizedText
from tahawul.definitions import expressions
from tahawul.definitions.fields.base import FieldBase
from tahawul.definitions.fields.choices import BooleanField, ChoiceField, MultiChoiceField
from tahawul.definitions.problems import Path, Problem, format_path
from tahawul.definitions.schema import ServiceDefinition, Workflow
from tahawul.definitions.workflow import reachable_states

APPLICANT_FACTS = frozenset(
    {"applicant.age", "applicant.nationality", "applicant.is_citizen", "applicant.is_resident", "applicant.kind"}
)


@dataclass(frozen=True)
class KnownCodes:
    """What the platform knows; a definition may only refer to these."""

    entities: frozenset[str]
    categories: frozenset[str]
    life_events: frozenset[str]


def check_definition(definition: ServiceDefinition, known: KnownCodes | None = None) -> list[Problem]:
    problems = [
        *_missing_languages(definition, ()),
        *_code_and_references(definition, known),
        *_duplicates(definition),
        *_shape_for_maturity(definition),
        *_field_settings(definition),
        *_conditions(definition),
        *_show_if_cycles(definition),
    ]
    if definition.workflow is not None:
        problems.extend(problem.under(("workflow",)) for problem in check_workflow(definition.workflow))
    return problems


def _missing_languages(value: object, path: Path) -> Iterator[Problem]:
    if isinstance(value, LocalizedText):
        for language in value.missing_languages():
            message = _("Arabic text is missing") if language == "ar" else _("English text is missing")
            yield Problem((*path, language), message)
    elif isinstance(value, BaseModel):
        for name, field_info in type(value).model_fields.items():
            yield from _missing_languages(getattr(value, name), (*path, field_info.alias or name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _missing_languages(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _missing_languages(item, (*path, key))


def _code_and_references(definition: ServiceDefinition, known: KnownCodes | None) -> Iterator[Problem]:
    if not definition.code.startswith(definition.entity + "-"):
        yield Problem(
            ("code",),
            _("the code must begin with the entity code and a hyphen (%(prefix)s)"),
            {"prefix": definition.entity + "-"},
        )
    if known is None:
        return
    if definition.entity not in known.entities:
        yield Problem(("entity",), _("unknown entity '%(code)s'"), {"code": definition.entity})
    if definition.category not in known.categories:
        yield Problem(("category",), _("unknown category '%(code)s'"), {"code": definition.category})
    for index, slug in enumerate(definition.life_events):
        if slug not in known.life_events:
            yield Problem(("life_events", index), _("unknown life event '%(code)s'"), {"code": slug})


def _repeated(values: Iterable[tuple[Path, str]], message: Promise) -> Iterator[Problem]:
    first: dict[str, Path] = {}
    for path, value in values:
        if value in first:
            yield Problem(path, message, {"value": value, "first": format_path(first[value])})
        else:
            first[value] = path


def _duplicates(definition: ServiceDefinition) -> Iterator[Problem]:
    repeated = _("'%(value)s' is already used at %(first)s")
    keys: list[tuple[Path, str]] = []
    for section_index, section in enumerate(definition.sections):
        for field_index, field in enumerate(section.fields):
            keys.append((("sections", section_index, "fields", field_index, "key"), field.key))
    for index, document in enumerate(definition.documents):
        keys.append((("documents", index, "key"), document.key))
    yield from _repeated(keys, repeated)
    yield from _repeated(((("sections", i, "key"), s.key) for i, s in enumerate(definition.sections)), repeated)
    for list_name in ("channels", "beneficiaries", "life_events"):
        items = getattr(definition, list_name)
        yield from _repeated((((list_name, i), str(item)) for i, item in enumerate(items)), repeated)


def _shape_for_maturity(definition: ServiceDefinition) -> Iterator[Problem]:
    if definition.maturity == Maturity.INFORMATIONAL:
        for part in ("sections", "documents", "workflow"):
            if getattr(definition, part):
                yield Problem(
                    (part,),
                    _("an informational service has no form, documents or workflow; remove this or change maturity"),
                )
        return
    if not definition.sections:
        yield Problem(("sections",), _("a service that takes applications needs at least one section with fields"))
    if definition.workflow is None:
        yield Problem(("workflow",), _("a service that takes applications needs a workflow"))


def _field_settings(definition: ServiceDefinition) -> Iterator[Problem]:
    for section_index, section in enumerate(definition.sections):
        for field_index, field in enumerate(section.fields):
            for problem in field.problems():
                yield problem.under(("sections", section_index, "fields", field_index))


def _conditions(definition: ServiceDefinition) -> Iterator[Problem]:
    fields = {field.key: field for field in definition.fields()}
    for path, source, allow_applicant, own_key in _all_conditions(definition):
        try:
            tree = expressions.parse(source)
        except expressions.ExpressionError as error:
            yield Problem(
                path,
                _("cannot read the condition at character %(position)d: %(error)s"),
                {"position": error.position + 1, "error": error.message},
            )
            continue
        for name in expressions.names(tree):
            if name in fields:
                if name == own_key:
                    yield Problem(path, _("a field's show_if cannot depend on the field itself"))
            elif not (allow_applicant and name in APPLICANT_FACTS):
                yield Problem(path, _("'%(name)s' is not a field of this service"), {"name": name})
        for name, literal in expressions.compared_literals(tree):
            field = fields.get(name)
            if field is not None:
                yield from _literal_fits(field, literal, path)


def _literal_fits(field: FieldBase, literal: object, path: Path) -> Iterator[Problem]:
    if isinstance(field, (ChoiceField, MultiChoiceField)) and literal is not None:
        values = [choice.value for choice in field.choices]
        if literal not in values:
            yield Problem(
                path,
                _("'%(value)s' is not one of the choices of '%(field)s': %(choices)s"),
                {"value": literal, "field": field.key, "choices": ", ".join(values)},
            )
    elif isinstance(field, BooleanField) and not isinstance(literal, bool) and literal is not None:
        yield Problem(path, _("'%(field)s' is a yes/no question: compare it with true or false"), {"field": field.key})


def _all_conditions(definition: ServiceDefinition) -> Iterator[tuple[Path, str, bool, str | None]]:
    """``(path, condition, applicant facts allowed, key of the field it belongs to)``."""
    for index, rule in enumerate(definition.eligibility):
        yield ("eligibility", index, "when"), rule.when, True, None
    if definition.fee is not None:
        for index, fee_rule in enumerate(definition.fee.rules):
            yield ("fee", "rules", index, "when"), fee_rule.when, True, None
    for section_index, section in enumerate(definition.sections):
        if section.show_if is not None:
            yield ("sections", section_index, "show_if"), section.show_if, False, None
        for field_index, field in enumerate(section.fields):
            if field.show_if is not None:
                yield ("sections", section_index, "fields", field_index, "show_if"), field.show_if, False, field.key
    for index, document in enumerate(definition.documents):
        if document.show_if is not None:
            yield ("documents", index, "show_if"), document.show_if, False, None


def show_if_dependencies(definition: ServiceDefinition) -> dict[str, set[str]]:
    """For each field, the fields its visibility depends on (its own and its section's show_if)."""
    dependencies: dict[str, set[str]] = {}
    for section in definition.sections:
        section_names = _safe_names(section.show_if)
        for field in section.fields:
            dependencies[field.key] = section_names | _safe_names(field.show_if)
    return dependencies


def _safe_names(source: str | None) -> set[str]:
    if source is None:
        return set()
    try:
        return set(expressions.names(expressions.parse(source)))
    except expressions.ExpressionError:
        return set()


def _show_if_cycles(definition: ServiceDefinition) -> Iterator[Problem]:
    dependencies = show_if_dependencies(definition)
    paths = {
        field.key: ("sections", s, "fields", f, "show_if")
        for s, section in enumerate(definition.sections)
        for f, field in enumerate(section.fields)
    }
    reported: set[frozenset[str]] = set()
    for start in dependencies:
        cycle = _find_cycle(start, dependencies)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            yield Problem(
                paths[start],
                _("show_if conditions depend on each other in a circle: %(cycle)s"),
                {"cycle": " → ".join([*cycle, cycle[0]])},
            )


def _find_cycle(start: str, dependencies: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, trail = stack.pop()
        for following in sorted(dependencies.get(node, ())):
            if following == start:
                return trail
            if following not in trail:
                stack.append((following, [*trail, following]))
    return None


def check_workflow(workflow: Workflow) -> Iterator[Problem]:
    states = workflow.states
    known = ", ".join(states)
    if workflow.initial not in states:
        yield Problem(
            ("initial",),
            _("unknown state '%(state)s'; the states are: %(states)s"),
            {"state": workflow.initial, "states": known},
        )
    leaving: Counter[tuple[str, str]] = Counter()
    has_way_out: set[str] = set()
    for index, transition in enumerate(workflow.transitions):
        for source in transition.sources:
            if source not in states:
                yield Problem(
                    ("transitions", index, "from"),
                    _("unknown state '%(state)s'; the states are: %(states)s"),
                    {"state": source, "states": known},
                )
            elif states[source].final:
                yield Problem(
                    ("transitions", index, "from"),
                    _("'%(state)s' is a final state: nothing can leave it"),
                    {"state": source},
                )
            has_way_out.add(source)
            leaving[(source, transition.action)] += 1
            if leaving[(source, transition.action)] == 2:
                yield Problem(
                    ("transitions", index, "action"),
                    _("two transitions leave '%(state)s' with the action '%(action)s'"),
                    {"state": source, "action": transition.action},
                )
        if transition.to not in states:
            yield Problem(
                ("transitions", index, "to"),
                _("unknown state '%(state)s'; the states are: %(states)s"),
                {"state": transition.to, "states": known},
            )
    reachable = reachable_states(workflow) if workflow.initial in states else set(states)
    for key, state in states.items():
        if key not in reachable:
            yield Problem(
                ("states", key),
                _("the state '%(state)s' cannot be reached from '%(initial)s'"),
                {"state": key, "initial": workflow.initial},
            )
        if state.final and state.outcome is None:
            yield Problem(
                ("states", key), _("a final state needs an outcome (approved, rejected, withdrawn or closed)")
            )
        if not state.final and key not in has_way_out:
            yield Problem(
                ("states", key),
                _("the state '%(state)s' has no way out: add a transition or make it final"),
                {"state": key},
            )
        if not state.final and (state.outcome or state.issues):
            yield Problem(("states", key), _("only final states can have an outcome or issue a document"))
        if state.issues and state.outcome != "approved":
            yield Problem(
                ("states", key, "issues"), _("only a final state with the outcome 'approved' can issue a document")
            )
    if not any(state.final and state.outcome == "approved" for state in states.values()):
        yield Problem(("states",), _("no final state has the outcome 'approved'"))
