"""What the back-office pages show, worked out from an application and its definition:
answers in the reader's language, the history in words, the services an entity runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tahawul.applications import selectors as applications_selectors
from tahawul.applications.models import DRAFT, Application, Document, DocumentView, Event
from tahawul.catalog.models import Service
from tahawul.core.choices import Channel
from tahawul.definitions import selectors as definitions_selectors
from tahawul.definitions.display import answer_texts
from tahawul.definitions.fields import FieldBase
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.fields.identity import NationalIdField, PhoneField
from tahawul.definitions.fields.numeric import DecimalField, NumberField
from tahawul.definitions.fields.text import EmailField
from tahawul.definitions.schema import ServiceDefinition, Transition
from tahawul.identity.models import User

# Numbers, codes and addresses read left to right even on an Arabic page.
LEFT_TO_RIGHT_TYPES = (PhoneField, NationalIdField, EmailField, NumberField, DecimalField)


# --- the services an entity runs --------------------------------------------------------------


@dataclass(frozen=True)
class EntityService:
    service: Service
    definition: ServiceDefinition

    @property
    def code(self) -> str:
        return self.service.code

    @property
    def name(self) -> str:
        return str(self.service.name)

    @property
    def takes_applications(self) -> bool:
        return self.definition.workflow is not None


def entity_services(entity_id: int) -> list[EntityService]:
    """The current definition of each of the entity's services, by name."""
    found = [
        EntityService(service=version.service, definition=definition)
        for version, definition in definitions_selectors.entity_definitions(entity_id)
    ]
    return sorted(found, key=lambda item: (item.name.casefold(), item.code))


def state_choices(services: Iterable[EntityService]) -> list[tuple[str, str]]:
    """Every workflow state of the services, once per key; differing labels are all shown."""
    labels: dict[str, list[str]] = {}
    for item in services:
        if item.definition.workflow is None:
            continue
        for key, state in item.definition.workflow.states.items():
            label = state.label.in_language()
            if label not in labels.setdefault(key, []):
                labels[key].append(label)
    return sorted(((key, " / ".join(names)) for key, names in labels.items()), key=lambda choice: choice[1])


# --- states and actions in words ----------------------------------------------------------------


def state_label(definition: ServiceDefinition, key: str) -> str:
    if not key:
        return ""
    if key == DRAFT:
        return _("Draft")
    if definition.workflow is not None and key in definition.workflow.states:
        return definition.workflow.states[key].label.in_language()
    return key


def channel_label(channel: str) -> str:
    if not channel:
        return ""
    try:
        return str(Channel(channel).label)
    except ValueError:
        return channel


def is_correction(definition: ServiceDefinition, transition: Transition) -> bool:
    """A transition handing the application back to the applicant to correct something."""
    workflow = definition.workflow
    return workflow is not None and workflow.states[transition.to].actor == "applicant"


def correction_choices(definition: ServiceDefinition) -> list[tuple[str, str]]:
    """The answers and documents an officer may ask the applicant to correct."""
    answers = [(question.key, question.label.in_language()) for question in definition.fields()]
    documents = [(document.key, document.label.in_language()) for document in definition.documents]
    return answers + documents


# --- answers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    values: list[str]
    left_to_right: bool = False
    document: Document | None = None


@dataclass(frozen=True)
class AnswerSection:
    title: str
    answers: list[Answer]


def answer_sections(
    application: Application, definition: ServiceDefinition, documents: Iterable[Document]
) -> list[AnswerSection]:
    by_token = {document.token: document for document in documents}
    sections = []
    for section in definition.sections:
        answers = [
            _answer(question, application.answers[question.key], by_token)
            for question in section.fields
            if question.key in application.answers
        ]
        if answers:
            sections.append(AnswerSection(title=section.title.in_language(), answers=answers))
    return sections


def _answer(question: FieldBase, value: object, documents: dict[str, Document]) -> Answer:
    label = question.label.in_language()
    left_to_right = isinstance(question, LEFT_TO_RIGHT_TYPES)
    if isinstance(question, FileField):
        document = documents.get(str(value))
        name = document.original_name if document else _("A file that was replaced")
        return Answer(question.key, label, [name], document=document)
    return Answer(question.key, label, answer_texts(question, value), left_to_right=left_to_right)


# --- documents -----------------------------------------------------------------------------------


@dataclass
class DocumentRow:
    document: Document
    label: str
    views: list[DocumentView] = field(default_factory=list)


def document_rows(definition: ServiceDefinition, documents: list[Document], *, with_views: bool) -> list[DocumentRow]:
    """The application's current files, named as the definition asks for them.

    ``with_views``: who on the staff opened each (supervisors check access to personal files).
    """
    labels = {spec.key: spec.label.in_language() for spec in definition.documents}
    labels.update({question.key: question.label.in_language() for question in definition.fields()})
    rows = [DocumentRow(document=document, label=labels.get(document.key, document.key)) for document in documents]
    if with_views and rows:
        by_id = {row.document.pk: row for row in rows}
        for view in applications_selectors.document_views(list(by_id)):
            by_id[view.document_id].views.append(view)
    return rows


# --- the history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    event: Event
    what: str
    from_state: str
    to_state: str
    channel: str


def history(definition: ServiceDefinition, events: list[Event], staff: Iterable[User]) -> list[HistoryEntry]:
    names = {person.pk: str(person) for person in staff}
    return [
        HistoryEntry(
            event=event,
            what=_what_happened(definition, event, names),
            from_state=state_label(definition, event.from_state),
            to_state=state_label(definition, event.to_state),
            channel=channel_label(event.channel),
        )
        for event in events
    ]


def _what_happened(definition: ServiceDefinition, event: Event, names: dict[int, str]) -> str:
    if definition.workflow is not None:
        for transition in definition.workflow.transitions:
            if (
                transition.action == event.action
                and transition.to == event.to_state
                and event.from_state in transition.sources
            ):
                return transition.label.in_language()
    if event.action == "assign":
        assignee = event.details.get("assignee")
        name = names.get(assignee) if isinstance(assignee, int) else None
        return _("Assigned to %(name)s") % {"name": name} if name else _("Assigned")
    built_in = {
        "start": _("Application started"),
        "upload": _("Document uploaded"),
        "pay": _("Fee paid"),
        "submit": _("Application submitted"),
        "claim": _("Claimed"),
        "sla_breached": _("Time limit passed"),
    }
    return built_in.get(event.action, event.action)
