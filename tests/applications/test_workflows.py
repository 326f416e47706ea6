"""Every distinct workflow of the demo government, walked end to end through the real actions.

The 121 demo services share far fewer workflow shapes (a shape: the set of (role, action)
transitions). For one service of each shape, an application is started, answered, documented,
paid, submitted and then taken along a path to each of its final states, by whoever the
transitions name: officers, a second person for supervisor steps, the applicant (a correction
and resubmission where the workflow has one) and the system.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import holidays
import pytest
import yaml
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application, Certificate, Document, Event
from tahawul.catalog.models import Service
from tahawul.core.history import HistoryIsAppendOnly
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.schema import ServiceDefinition, Transition, Workflow
from tahawul.definitions.selectors import current_definition
from tahawul.identity.models import User
from tests.applications.conftest import Kit, Staff, usable_candidates

SERVICES_DIR = Path(__file__).resolve().parents[2] / "src" / "tahawul" / "demo" / "services"

Shape = frozenset[tuple[str, str]]
Step = tuple[str, Transition]  # (the state it is taken from, the transition)


def shape_of(workflow: Workflow) -> Shape:
    return frozenset((transition.role, transition.action) for transition in workflow.transitions)


def shortest_path(workflow: Workflow, start: str, goal: str) -> list[Step] | None:
    """Fewest transitions from ``start`` to ``goal`` (breadth first, in the definition's order)."""
    came_from: dict[str, Step | None] = {start: None}
    frontier = deque([start])
    while frontier:
        state = frontier.popleft()
        if state == goal:
            path: list[Step] = []
            while (step := came_from[state]) is not None:
                path.append(step)
                state = step[0]
            return path[::-1]
        if workflow.states[state].final:
            continue
        for transition in workflow.transitions:
            if state in transition.sources and transition.to not in came_from:
                came_from[transition.to] = (state, transition)
                frontier.append(transition.to)
    return None


def final_states(workflow: Workflow) -> list[str]:
    return [
        key
        for key, state in workflow.states.items()
        if state.final and shortest_path(workflow, workflow.initial, key) is not None
    ]


def correction_path(workflow: Workflow) -> list[Step] | None:
    """To the first state where the applicant acts, back into the staff's hands, then to the
    nearest end (an approving one if there is one)."""
    for key, state in workflow.states.items():
        if state.actor != "applicant" or state.final:
            continue
        back = next(
            (
                t
                for t in workflow.transitions
                if key in t.sources and t.role == "applicant" and not workflow.states[t.to].final
            ),
            None,
        )
        to_it = shortest_path(workflow, workflow.initial, key)
        if back is None or to_it is None:
            continue
        ends = sorted(
            (k for k, s in workflow.states.items() if s.final),
            key=lambda k: workflow.states[k].outcome != "approved",
        )
        for end in ends:
            rest = shortest_path(workflow, back.to, end)
            if rest is not None:
                return [*to_it, (key, back), *rest]
    return None


@cache
def _demo_definitions() -> list[ServiceDefinition]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: collection stays quick
    return [
        ServiceDefinition.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))
        for path in sorted(SERVICES_DIR.glob("*/*.yaml"))
    ]


def _representatives(definitions: list[ServiceDefinition]) -> dict[Shape, str]:
    """One service code per workflow shape: the first by code."""
    ranked = sorted(definitions, key=lambda d: d.code)
    chosen: dict[Shape, str] = {}
    for definition in ranked:
        if definition.workflow is not None:
            chosen.setdefault(shape_of(definition.workflow), definition.code)
    return chosen


@dataclass(frozen=True)
class Walk:
    code: str
    end: str
    via_correction: bool

    @property
    def id(self) -> str:
        return f"{self.code}{'+correction' if self.via_correction else ''}->{self.end}"


def _walks() -> list[Walk]:
    definitions = {d.code: d for d in _demo_definitions()}
    walks = []
    for code in sorted(_representatives(list(definitions.values())).values()):
        workflow = definitions[code].workflow
        assert workflow is not None
        walks += [Walk(code, end, False) for end in final_states(workflow)]
        corrected = correction_path(workflow)
        if corrected is not None:
            walks.append(Walk(code, corrected[-1][1].to, True))
    return walks


def _params(walks: list[Walk]) -> list[object]:
    return [pytest.param(walk, id=walk.id) for walk in walks]


DEMO_REPRESENTATIVES = _representatives(_demo_definitions())
WALKS = _walks()


def _working_day(day: date) -> bool:
    """Checked against the holidays package directly, not through core.calendar."""
    return day.weekday() not in (4, 5) and day not in holidays.country_holidays("BH", years=day.year)


@pytest.mark.django_db
def test_the_database_holds_the_same_shapes_as_the_demo_files() -> None:
    """The walks below are chosen from the YAML files; they must be the shapes the DB serves."""
    codes = Service.objects.values_list("code", flat=True)
    assert len(codes) == 121
    shapes_in_db: dict[str, Shape] = {}
    for code in sorted(codes):
        _version, definition = current_definition(code=code)
        if definition.workflow is not None:
            shapes_in_db[code] = shape_of(definition.workflow)
    assert set(shapes_in_db.values()) == set(DEMO_REPRESENTATIVES)
    for shape, code in DEMO_REPRESENTATIVES.items():
        assert shapes_in_db[code] == shape, code
    # Every shape is walked.
    assert {walk.code for walk in WALKS} == set(DEMO_REPRESENTATIVES.values())


class Walker:
    """Takes one application along a path, choosing the actor each transition's role names."""

    def __init__(self, kit: Kit, application: Application, definition: ServiceDefinition) -> None:
        self.kit = kit
        self.application = application
        self.definition = definition
        self.staff: Staff = kit.staff(application.entity_id)
        self.expected: list[tuple[str, int | None]] = []  # (action, actor id) per event
        self.correction_key = ""
        self.corrected = False

    def actor_for(self, role: str) -> User | None:
        application = self.application
        if role == "system":
            return None
        if role == "applicant":
            return self.kit.applicant
        if role == "officer":
            return application.assignee or self.staff.officer
        # Four eyes: never the person whose step brought the application here.
        last = Event.objects.filter(application=application).exclude(actor=None).last()
        last_actor = last.actor_id if last is not None else None
        return self.staff.supervisor2 if last_actor == self.staff.supervisor.pk else self.staff.supervisor

    def take(self, source: str, transition: Transition) -> None:
        application = self.application
        workflow = self.definition.workflow
        assert workflow is not None
        assert application.state == source
        actor = self.actor_for(transition.role)
        correction_fields = None
        if workflow.states[transition.to].actor == "applicant":
            correction_fields = [self.correction_key]
        resubmitting = transition.role == "applicant" and workflow.states[source].actor == "applicant"
        if resubmitting and not workflow.states[transition.to].final and application.correction_fields:
            self.correct()
        revision = application.revision
        actions.perform(
            application=application,
            actor=actor,
            action=transition.action,
            comment=f"Step {transition.action}" if transition.role != "system" else "",
            expected_revision=revision,
            correction_fields=correction_fields,
        )
        assert application.state == transition.to
        assert application.revision > revision
        self.expected.append((transition.action, actor.pk if actor is not None else None))
        if correction_fields:
            assert application.correction_fields == correction_fields

    def correct(self) -> None:
        """The applicant answers the one question the officer asked about again (its second
        acceptable value when it has one) and nothing else."""
        key = self.correction_key
        question = self.definition.field(key)
        assert question is not None
        assert self.application.correction_fields == [key]
        options = usable_candidates(question, timezone.localdate())
        new_value = options[1] if len(options) > 1 else options[0]
        check = actions.save_answers(application=self.application, actor=self.kit.applicant, answers={key: new_value})
        if not check.ok:  # the second value hides or breaks something else: give the first again
            check = actions.save_answers(
                application=self.application, actor=self.kit.applicant, answers={key: options[0]}
            )
        assert check.ok, {k: str(v) for k, v in check.errors.items()}
        self.corrected = True


def _correction_key(definition: ServiceDefinition, answers: dict[str, object]) -> str:
    """A question the applicant answered that can be asked about again: prefer free text."""
    keys = [
        q.key for q in definition.fields() if q.key in answers and not isinstance(q, FileField) and q.show_if is None
    ]
    texts = [key for key in keys if getattr(definition.field(key), "type", "") in {"text", "textarea"}]
    return (texts or keys)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("walk", _params(WALKS))
def test_walk_to_each_end(kit: Kit, walk: Walk) -> None:
    _version, definition = current_definition(code=walk.code)
    workflow = definition.workflow
    assert workflow is not None
    path = correction_path(workflow) if walk.via_correction else shortest_path(workflow, workflow.initial, walk.end)
    assert path is not None and path[-1][1].to == walk.end

    application = kit.start(walk.code)
    walker = Walker(kit, application, definition)
    editor = kit.editor(application)
    walker.expected.append(("start", editor.pk))
    assert application.state == "draft" and application.closed_at is None

    answers = kit.fill(application)
    uploads = Document.objects.filter(application=application).count()
    walker.expected += [("upload", editor.pk)] * uploads
    assert not actions.missing_documents(application, definition)
    if kit.pay(application):
        walker.expected.append(("pay", None))
        assert application.paid_at is not None
    walker.correction_key = _correction_key(definition, answers)

    actions.submit(application=application, actor=editor, expected_revision=application.revision)
    walker.expected.append(("submit", editor.pk))
    assert application.state == workflow.initial
    assert application.submitted_at is not None
    # What the officer reads is what the applicant answered.
    application.refresh_from_db()
    assert application.answers == answers

    for source, transition in path:
        walker.take(source, transition)

    application = Application.objects.get(pk=application.pk)
    end = workflow.states[walk.end]
    assert application.state == walk.end
    assert application.closed_at is not None
    assert application.outcome == (end.outcome or "")
    assert application.state_due_at is None
    if walk.via_correction:
        assert walker.corrected
        assert application.correction_fields == [] or end.final

    events = list(Event.objects.filter(application=application).order_by("at", "id"))
    assert [(event.action, event.actor_id) for event in events] == walker.expected
    moves = [event for event in events if event.to_state and event.action != "start"]
    assert [(e.from_state, e.to_state) for e in moves] == [("draft", workflow.initial)] + [
        (source, transition.to) for source, transition in path
    ]
    submit_event = next(event for event in events if event.action == "submit")
    assert submit_event.channel == application.channel

    # The history cannot be rewritten through the model.
    last = events[-1]
    last.comment = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        last.save()
    with pytest.raises(HistoryIsAppendOnly):
        last.delete()
    assert Event.objects.get(pk=last.pk).comment != "rewritten"

    issues = end.issues is not None and end.outcome == "approved"
    certificate = Certificate.objects.filter(application=application).first()
    assert (certificate is not None) == issues
    if certificate is not None:
        assert certificate.kind == end.issues
        assert certificate.holder_name_en == kit.applicant.name_en

    if application.expected_by is not None:
        assert _working_day(application.expected_by), application.expected_by
    else:
        assert not any(s.final and s.outcome == "approved" for s in workflow.states.values())
