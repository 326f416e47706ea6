"""Questions of a service definition as HTML inputs, and posted inputs back as raw answers.

This module only translates between the browser and the answer shapes the field types accept
(a list for several choices, a dict of parts for an address, ISO text for a date...). Whether an
answer is acceptable is decided by :func:`tahawul.definitions.answers.check_answers`, reached
through :func:`tahawul.applications.actions.save_answers`; nothing here validates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tahawul.applications.models import Document
from tahawul.core.money import format_dinars
from tahawul.definitions.display import answer_texts, list_separator
from tahawul.definitions.expressions import names, parse
from tahawul.definitions.fields import FieldBase
from tahawul.definitions.fields.choices import BooleanField, ChoiceField, MultiChoiceField
from tahawul.definitions.fields.dates import DateField
from tahawul.definitions.fields.files import FileField, media_type_names
from tahawul.definitions.fields.identity import AddressField, NationalIdField, PhoneField
from tahawul.definitions.fields.numeric import DecimalField, MoneyField, NumberField
from tahawul.definitions.fields.text import EmailField, TextareaField
from tahawul.definitions.schema import Document as DocumentSpec
from tahawul.definitions.schema import Section
from tahawul.definitions.visibility import Visibility

# More options than this read better as a drop-down than as a column of radio buttons.
MAX_RADIOS = 8
ADDRESS_PARTS: tuple[tuple[str, Any], ...] = (
    ("flat", gettext_lazy("Flat")),
    ("building", gettext_lazy("Building")),
    ("road", gettext_lazy("Road")),
    ("block", gettext_lazy("Block")),
    ("area", gettext_lazy("Area")),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg,.jpeg", "image/png": ".png"}


def field_id(key: str, part: str | None = None) -> str:
    """The HTML id of a question's input (of one part of it, for an address or an option)."""
    return f"field-{key}" if part is None else f"field-{key}-{part}"


def document_id(key: str) -> str:
    return f"document-{key}"


def anchor_for(question: FieldBase | None, error_key: str) -> str:
    """The id an error summary links to for ``error_key`` (``key`` or ``key.part``)."""
    key, _dot, part = error_key.partition(".")
    if isinstance(question, AddressField):
        return field_id(key, part or ADDRESS_PARTS[0][0])
    return field_id(key)


# --- which questions are shown ------------------------------------------------------------------


def depends_on(question: FieldBase, keys: Iterable[str]) -> list[str]:
    """Which of ``keys`` the question's own condition names."""
    if question.show_if is None:
        return []
    named = set(names(parse(question.show_if)))
    return [key for key in keys if key in named]


def shown_questions(section: Section, visibility: Visibility) -> list[FieldBase]:
    """The questions a section page shows.

    A question whose condition depends on another answer on the same page is shown even while
    its condition is false: without script the page cannot reveal it when that answer changes,
    and hiding it would turn a simple answer into an error on the next page load. Its hint says
    when it is needed; an answer to it is dropped when the condition does not hold.
    """
    keys = [question.key for question in section.fields]
    return [question for question in section.fields if visibility.field(question.key) or depends_on(question, keys)]


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    id: str
    checked: bool


@dataclass(frozen=True)
class Part:
    name: str
    id: str
    label: str
    value: str
    error: str
    autocomplete: str = ""
    inputmode: str = ""

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def wide(self) -> bool:
        return self.name.endswith(".area")


@dataclass
class FieldInput:
    """One question, ready for a template in ``portal/fields/``."""

    question: FieldBase
    kind: str  # input | textarea | radios | select | checkbox | checkboxes | address | file
    value: str = ""
    options: list[Option] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    error: str = ""
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    spellcheck: bool = True
    suffix: str = ""
    accept: str = ""
    formats: str = ""
    max_mb: float = 0
    document: Document | None = None
    condition_hint: str = ""

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def id(self) -> str:
        return field_id(self.key)

    @property
    def label(self) -> str:
        return self.question.label.in_language()

    @property
    def help(self) -> str:
        return self.question.help.in_language() if self.question.help else ""

    @property
    def required(self) -> bool:
        return self.question.required

    @property
    def template(self) -> str:
        return f"portal/fields/{self.kind}.html"

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def ltr(self) -> bool:
        """Numbers, dates, phone numbers and e-mail addresses read left to right in Arabic too."""
        return self.input_type in {"email", "tel", "date"} or bool(self.inputmode)

    @property
    def has_error(self) -> bool:
        return bool(self.error) or any(part.error for part in self.parts)

    @property
    def described_by(self) -> str:
        ids = []
        if self.help or self.condition_hint or self.kind == "file":
            ids.append(self.hint_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)


def inputs(
    questions: Iterable[FieldBase],
    *,
    stored: Mapping[str, Any],
    posted: QueryDict | None = None,
    errors: Mapping[str, str] | None = None,
    documents: Mapping[str, Document] | None = None,
    same_page: Iterable[str] = (),
) -> list[FieldInput]:
    """Inputs for ``questions``: filled from what was posted when re-showing a page with errors
    (so nothing typed is lost), else from the stored answers."""
    errors = errors or {}
    documents = documents or {}
    same_page = list(same_page)
    labels = {}
    built = []
    for question in questions:
        labels[question.key] = question.label.in_language()
        built.append(_input(question, stored, posted, errors, documents))
    for item in built:
        controlling = depends_on(item.question, same_page)
        if controlling:
            quoted = "”، “" if (get_language() or "ar")[:2] == "ar" else "”, “"
            item.condition_hint = _("Only needed depending on your answer to “%(questions)s”.") % {
                "questions": quoted.join(labels[key] for key in controlling if key in labels)
            }
    return built


def _input(
    question: FieldBase,
    stored: Mapping[str, Any],
    posted: QueryDict | None,
    errors: Mapping[str, str],
    documents: Mapping[str, Document],
) -> FieldInput:
    key = question.key
    item = FieldInput(question=question, kind="input", error=errors.get(key, ""))
    if isinstance(question, AddressField):
        item.kind = "address"
        values = _address_value(key, stored.get(key), posted)
        item.parts = [
            Part(
                name=f"{key}.{part}",
                id=field_id(key, part),
                label=str(label),
                value=values.get(part, ""),
                error=errors.get(f"{key}.{part}", ""),
                autocomplete="address-level2" if part == "area" else "",
                inputmode="" if part in {"flat", "building", "area"} else "numeric",
            )
            for part, label in ADDRESS_PARTS
        ]
        return item
    if isinstance(question, FileField):
        item.kind = "file"
        item.accept = accept_attribute(question.types)
        item.formats = media_type_names(question.types)
        item.max_mb = question.max_mb
        item.document = documents.get(key)
        return item
    if isinstance(question, MultiChoiceField):
        picked = set(posted.getlist(key)) if posted is not None else set(stored.get(key) or [])
        item.kind = "checkboxes"
        item.options = _options(key, [(c.value, c.label.in_language()) for c in question.choices], picked)
        return item
    if isinstance(question, BooleanField):
        text = _text_value(question, stored.get(key), posted)
        if question.required and not question.must_be_true:
            # A lone checkbox cannot say "no, answered": a required yes/no question gets both.
            item.kind = "radios"
            item.options = _options(key, [("true", _("Yes")), ("false", _("No"))], {text})
        else:
            item.kind = "checkbox"
            item.value = text
        return item
    item.value = _text_value(question, stored.get(key), posted)
    if isinstance(question, ChoiceField):
        item.kind = "radios" if len(question.choices) <= MAX_RADIOS else "select"
        item.options = _options(key, [(c.value, c.label.in_language()) for c in question.choices], {item.value})
    elif isinstance(question, TextareaField):
        item.kind = "textarea"
    elif isinstance(question, DateField):
        item.input_type = "date"
    elif isinstance(question, EmailField):
        item.input_type, item.autocomplete, item.spellcheck = "email", "email", False
    elif isinstance(question, PhoneField):
        item.input_type, item.autocomplete = "tel", "tel"
    elif isinstance(question, NationalIdField):
        item.inputmode, item.autocomplete, item.spellcheck = "numeric", "off", False
    elif isinstance(question, NumberField):
        item.inputmode, item.spellcheck = "numeric", False
    elif isinstance(question, DecimalField):
        item.inputmode, item.spellcheck = "decimal", False
    elif isinstance(question, MoneyField):
        item.inputmode, item.spellcheck, item.suffix = "decimal", False, _("BHD")
    return item


def _options(key: str, choices: list[tuple[str, str]], picked: set[str]) -> list[Option]:
    # The first option carries the question's own id, so an error summary link lands on it.
    return [
        Option(
            value=value, label=label, id=field_id(key) if index == 0 else field_id(key, value), checked=value in picked
        )
        for index, (value, label) in enumerate(choices)
    ]


def _text_value(question: FieldBase, stored: Any, posted: QueryDict | None) -> str:
    if posted is not None:
        return str(posted.get(question.key, ""))
    return initial_text(question, stored)


def initial_text(question: FieldBase, stored: Any) -> str:
    """A stored (cleaned) answer as the text an input shows."""
    if stored is None:
        return ""
    if isinstance(question, BooleanField):
        return "true" if stored else "false"
    if isinstance(question, MoneyField):
        return format_dinars(int(stored))
    return str(stored)


def _address_value(key: str, stored: Any, posted: QueryDict | None) -> dict[str, str]:
    if posted is not None:
        return {part: str(posted.get(f"{key}.{part}", "")) for part, _label in ADDRESS_PARTS}
    return {part: str(value) for part, value in (stored or {}).items()} if isinstance(stored, dict) else {}


def accept_attribute(types: Iterable[str]) -> str:
    """``accept`` for a file input: media types and extensions (some phones only honour one)."""
    return ",".join(f"{kind},{EXTENSIONS[kind]}" if kind in EXTENSIONS else kind for kind in types)


# --- posted inputs → raw answers ----------------------------------------------------------------


def raw_answers(questions: Iterable[FieldBase], posted: QueryDict) -> dict[str, object]:
    """What the browser sent for ``questions``, in the shape each field type accepts.

    Every question shown is in the result, so a cleared answer (an unticked box, an emptied
    input) replaces the stored one. Files are not answers here: they are attached on their own.
    """
    raw: dict[str, object] = {}
    for question in questions:
        key = question.key
        if isinstance(question, FileField):
            continue
        if isinstance(question, MultiChoiceField):
            raw[key] = posted.getlist(key)
        elif isinstance(question, AddressField):
            raw[key] = {part: posted.get(f"{key}.{part}", "") for part, _label in ADDRESS_PARTS}
        elif isinstance(question, BooleanField) and not (question.required and not question.must_be_true):
            # A checkbox: ticked sends "true", unticked sends nothing, which is no answer.
            raw[key] = True if posted.get(key) == "true" else None
        else:
            raw[key] = posted.get(key)
    return raw


# --- stored answers → words ---------------------------------------------------------------------


def display_answer(question: FieldBase, value: Any, documents: Mapping[str, Document] | None = None) -> str:
    """A stored answer as a person reads it in the active language."""
    if value is None or value == "" or value == []:
        return _("No") if isinstance(question, BooleanField) else ""
    if isinstance(question, FileField):
        document = (documents or {}).get(question.key)
        return document.original_name if document is not None else _("Uploaded")
    return list_separator().join(answer_texts(question, value))


# --- documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInput:
    """A document the definition asks for, as a file input with what is already uploaded."""

    spec: DocumentSpec
    uploaded: Document | None
    error: str = ""

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def id(self) -> str:
        return document_id(self.spec.key)

    @property
    def label(self) -> str:
        return self.spec.label.in_language()

    @property
    def help(self) -> str:
        return self.spec.help.in_language() if self.spec.help else ""

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def accept(self) -> str:
        return accept_attribute(self.spec.types)

    @property
    def formats(self) -> str:
        return media_type_names(self.spec.types)

    @property
    def max_mb(self) -> float:
        return self.spec.max_mb

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def described_by(self) -> str:
        return f"{self.hint_id} {self.error_id}" if self.error else self.hint_id


def document_inputs(
    specs: Iterable[DocumentSpec], uploaded: Mapping[str, Document], errors: Mapping[str, str] | None = None
) -> list[DocumentInput]:
    errors = errors or {}
    return [DocumentInput(spec=spec, uploaded=uploaded.get(spec.key), error=errors.get(spec.key, "")) for spec in specs]
