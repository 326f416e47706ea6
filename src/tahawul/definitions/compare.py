"""Two versions of a service definition side by side: what re-engineering changed for the applicant.

Pure (no database): the re-engineering report gives it two parsed versions. Every measure says
which way is better, so the report can say "better" or "worse" in words, never by colour alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel, Maturity
from tahawul.core.text import LocalizedText, bilingual
from tahawul.definitions.schema import ServiceDefinition, Workflow
from tahawul.definitions.workflow import expected_working_days, successors


class Unit(StrEnum):
    COUNT = "count"
    WORKING_DAYS = "working_days"
    FILS = "fils"
    PAYMENT = "payment"  # ranked: paid online is best, then on collection, then at a counter
    MATURITY = "maturity"  # ranked: the UN stages, lowest first


class Verdict(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    CHANGED = "changed"  # as many as before, but not the same ones (a document swapped for another)
    UNKNOWN = "unknown"  # one side has no value (no workflow, no approved end)


VERDICT_LABELS: Mapping[Verdict, Promise] = {
    Verdict.BETTER: _("better"),
    Verdict.WORSE: _("worse"),
    Verdict.SAME: _("no change"),
    Verdict.CHANGED: _("changed"),
    Verdict.UNKNOWN: _("cannot compare"),
}

# How far from the applicant's screen the fee is paid: the lower, the better.
PAYMENT_RANK = {"online": 0, "on_collection": 1, "counter": 2}
PAYMENT_LABELS: Mapping[str, Promise] = {
    "none": _("No fee"),
    "online": _("Paid online"),
    "on_collection": _("Paid on collection"),
    "counter": _("Paid at a counter"),
}
MATURITY_RANK = {stage.value: index for index, stage in enumerate(Maturity)}


@dataclass(frozen=True)
class Item:
    """Something added or removed (a field, a document, a state, a channel), by key and name."""

    key: str
    label: LocalizedText


@dataclass(frozen=True)
class Measure:
    """One measure of both versions. ``before``/``after`` are numbers (a rank for the ranked
    units, whose ``*_text`` names the value); ``None`` where the version has no such thing."""

    key: str
    label: LocalizedText
    unit: Unit
    lower_is_better: bool
    before: int | None
    after: int | None
    before_text: LocalizedText | None = None
    after_text: LocalizedText | None = None
    added: tuple[Item, ...] = ()
    removed: tuple[Item, ...] = ()

    @property
    def change(self) -> int | None:
        """``after - before`` (for the ranked units, steps up or down the ranking)."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> Verdict:
        change = self.change
        if change is None:
            return Verdict.SAME if self.before is None and self.after is None else Verdict.UNKNOWN
        if change == 0:
            return Verdict.CHANGED if self.added or self.removed else Verdict.SAME
        return Verdict.BETTER if (change < 0) == self.lower_is_better else Verdict.WORSE

    @property
    def verdict_label(self) -> LocalizedText:
        return bilingual(VERDICT_LABELS[self.verdict])


@dataclass(frozen=True)
class MeasureGroup:
    key: str
    label: LocalizedText
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class VersionComparison:
    code: str
    groups: tuple[MeasureGroup, ...]

    def measure(self, key: str) -> Measure:
        for group in self.groups:
            for measure in group.measures:
                if measure.key == key:
                    return measure
        raise KeyError(key)

    def measures(self) -> list[Measure]:
        return [measure for group in self.groups for measure in group.measures]

    @property
    def better(self) -> int:
        return sum(1 for measure in self.measures() if measure.verdict == Verdict.BETTER)

    @property
    def worse(self) -> int:
        return sum(1 for measure in self.measures() if measure.verdict == Verdict.WORSE)


def compare_versions(before: ServiceDefinition, after: ServiceDefinition) -> VersionComparison:
    """Every measure of ``before`` and ``after``, grouped as the report shows them."""
    return VersionComparison(
        code=after.code,
        groups=(
            MeasureGroup("process", bilingual(_("The way through the service")), _process(before, after)),
            MeasureGroup("asked", bilingual(_("What the applicant is asked for")), _asked(before, after)),
            MeasureGroup("access", bilingual(_("Fee, channels and maturity")), _access(before, after)),
        ),
    )


# --- the measures -----------------------------------------------------------------------------


def normal_path(workflow: Workflow) -> list[str] | None:
    """The states of the shortest way (fewest steps) from the initial state to an approved end,
    both included; ``None`` when no approved end can be reached."""
    graph = successors(workflow)
    came_from: dict[str, str | None] = {workflow.initial: None}
    queue = deque([workflow.initial])
    while queue:
        key = queue.popleft()
        state = workflow.states.get(key)
        if state is not None and state.final and state.outcome == "approved":
            path: list[str] = []
            cursor: str | None = key
            while cursor is not None:
                path.append(cursor)
                cursor = came_from[cursor]
            return path[::-1]
        for following in sorted(graph.get(key, ())):  # sorted: the same path on every run
            if following not in came_from:
                came_from[following] = key
                queue.append(following)
    return None


def _process(before: ServiceDefinition, after: ServiceDefinition) -> tuple[Measure, ...]:
    def path_length(definition: ServiceDefinition) -> int | None:
        path = normal_path(definition.workflow) if definition.workflow else None
        return len(path) if path is not None else None

    def states(definition: ServiceDefinition) -> dict[str, LocalizedText]:
        workflow = definition.workflow
        return {key: state.label for key, state in workflow.states.items()} if workflow else {}

    def visits(definition: ServiceDefinition) -> dict[str, LocalizedText]:
        workflow = definition.workflow
        if workflow is None:
            return {}
        return {key: state.label for key, state in workflow.states.items() if state.visit is not None}

    def days(definition: ServiceDefinition) -> int | None:
        return expected_working_days(definition.workflow) if definition.workflow else None

    return (
        _counted(
            "path_states",
            _("States a case passes on the normal path"),
            path_length(before),
            path_length(after),
        ),
        _counted("steps", _("Steps explained to the applicant"), len(before.steps), len(after.steps)),
        _listed("states", _("States in the workflow"), states(before), states(after)),
        _listed("visits", _("In-person visits"), visits(before), visits(after)),
        Measure(
            "sla_days",
            bilingual(_("Expected working days")),
            Unit.WORKING_DAYS,
            lower_is_better=True,
            before=days(before),
            after=days(after),
        ),
    )


def _asked(before: ServiceDefinition, after: ServiceDefinition) -> tuple[Measure, ...]:
    def fields(definition: ServiceDefinition, *, required_only: bool) -> dict[str, LocalizedText]:
        return {field.key: field.label for field in definition.fields() if field.required or not required_only}

    def documents(definition: ServiceDefinition, *, required_only: bool) -> dict[str, LocalizedText]:
        return {
            document.key: document.label for document in definition.documents if document.required or not required_only
        }

    return (
        _listed(
            "required_fields",
            _("Required questions"),
            fields(before, required_only=True),
            fields(after, required_only=True),
        ),
        _listed(
            "fields", _("Questions in all"), fields(before, required_only=False), fields(after, required_only=False)
        ),
        _listed(
            "required_documents",
            _("Required documents"),
            documents(before, required_only=True),
            documents(after, required_only=True),
        ),
        _listed(
            "documents",
            _("Documents in all, optional ones included"),
            documents(before, required_only=False),
            documents(after, required_only=False),
        ),
    )


def _access(before: ServiceDefinition, after: ServiceDefinition) -> tuple[Measure, ...]:
    def fee(definition: ServiceDefinition) -> int:
        return definition.fee.amount if definition.fee is not None else 0

    def payment(definition: ServiceDefinition) -> tuple[int | None, LocalizedText]:
        if definition.fee is None or (definition.fee.amount == 0 and not definition.fee.rules):
            return None, bilingual(PAYMENT_LABELS["none"])
        method = definition.fee.payment
        return PAYMENT_RANK[method], bilingual(PAYMENT_LABELS[method])

    def channels(definition: ServiceDefinition) -> dict[str, LocalizedText]:
        return {str(channel): bilingual(Channel(channel).label) for channel in definition.channels}

    def maturity(definition: ServiceDefinition) -> tuple[int, LocalizedText]:
        stage = Maturity(definition.maturity)
        return MATURITY_RANK[stage.value], bilingual(stage.label)

    paid_before, paid_before_text = payment(before)
    paid_after, paid_after_text = payment(after)
    stage_before, stage_before_text = maturity(before)
    stage_after, stage_after_text = maturity(after)
    return (
        Measure("fee", bilingual(_("Fee")), Unit.FILS, lower_is_better=True, before=fee(before), after=fee(after)),
        Measure(
            "payment",
            bilingual(_("Where the fee is paid")),
            Unit.PAYMENT,
            lower_is_better=True,
            before=paid_before,
            after=paid_after,
            before_text=paid_before_text,
            after_text=paid_after_text,
        ),
        _listed("channels", _("Channels"), channels(before), channels(after), lower_is_better=False),
        Measure(
            "maturity",
            bilingual(_("Maturity stage")),
            Unit.MATURITY,
            lower_is_better=False,
            before=stage_before,
            after=stage_after,
            before_text=stage_before_text,
            after_text=stage_after_text,
        ),
    )


def _counted(key: str, label: Promise, before: int | None, after: int | None) -> Measure:
    return Measure(key, bilingual(label), Unit.COUNT, lower_is_better=True, before=before, after=after)


def _listed(
    key: str,
    label: Promise,
    before: Mapping[str, LocalizedText],
    after: Mapping[str, LocalizedText],
    *,
    lower_is_better: bool = True,
) -> Measure:
    """A count of named things, with the names that came and went."""
    return Measure(
        key,
        bilingual(label),
        Unit.COUNT,
        lower_is_better=lower_is_better,
        before=len(before),
        after=len(after),
        added=_items(after, exclude=before),
        removed=_items(before, exclude=after),
    )


def _items(named: Mapping[str, LocalizedText], *, exclude: Iterable[str]) -> tuple[Item, ...]:
    gone = set(exclude)
    return tuple(Item(key, label) for key, label in named.items() if key not in gone)
