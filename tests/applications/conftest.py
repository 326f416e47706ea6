"""What the applications tests share: people with roles, real file bytes, answers that a service's
definition accepts, and a kit that drives an application through the real actions."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# The standard library's own regular-expression parser (Python 3.11+) reads the demo patterns.
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tahawul.applications import actions
from tahawul.applications.models import Application, Event
from tahawul.applications.scanning import configured_scanner
from tahawul.applications.selectors import definition_of
from tahawul.catalog.models import Entity
from tahawul.core.choices import Channel
from tahawul.core.money import format_dinars
from tahawul.definitions.answers import check_answers
from tahawul.definitions.fields import AnswerError, Clock, FieldBase
from tahawul.definitions.fields.choices import BooleanField, ChoiceField, MultiChoiceField
from tahawul.definitions.fields.dates import DateField, resolve_bound
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.fields.identity import AddressField, NationalIdField, PhoneField
from tahawul.definitions.fields.numeric import DecimalField, MoneyField, NumberField
from tahawul.definitions.fields.text import EmailField, TextareaField, TextField
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.selectors import current_definition
from tahawul.identity.models import Membership, Role, User

# --- real file bytes --------------------------------------------------------------------------


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = _image("PNG")
JPEG_BYTES = _image("JPEG")
BYTES_OF = {"application/pdf": (PDF_BYTES, "pdf"), "image/png": (PNG_BYTES, "png"), "image/jpeg": (JPEG_BYTES, "jpg")}


def upload_for(types: list[str], name: str = "scan") -> SimpleUploadedFile:
    """A small real file of the first type ``types`` accepts."""
    content, extension = BYTES_OF[types[0]]
    return SimpleUploadedFile(f"{name}.{extension}", content, content_type=types[0])


# --- people -----------------------------------------------------------------------------------

_serial = itertools.count(1)


def make_user(prefix: str = "person", **extra: Any) -> User:
    """A user without a password hash (hashing is slow and nothing here logs in)."""
    number = next(_serial)
    values: dict[str, Any] = {
        "username": f"{prefix}-{number}",
        "name_en": f"{prefix.title()} {number}",
        "name_ar": f"مستخدم {number}",
        "email": f"{prefix}{number}@example.com",
        "mobile": f"+9733{number:07d}",
    }
    values.update(extra)
    return User.objects.create(**values)


def make_beneficiary(prefix: str = "citizen") -> User:
    number = next(_serial)
    return make_user(prefix, national_id=f"9001{number:05d}")


def give_role(user: User, entity: Entity | None, role: str) -> User:
    Membership.objects.create(user=user, entity=entity, role=role)
    if hasattr(user, "_roles_by_entity"):
        del user._roles_by_entity  # type: ignore[attr-defined]
    return user


@dataclass
class Staff:
    """The people of one entity: two officers and two supervisors (two-level decisions need two)."""

    entity: Entity
    officer: User
    officer2: User
    supervisor: User
    supervisor2: User


def make_staff(entity: Entity) -> Staff:
    code = entity.code.lower()
    return Staff(
        entity=entity,
        officer=give_role(make_user(f"{code}-officer"), entity, Role.OFFICER),
        officer2=give_role(make_user(f"{code}-officer"), entity, Role.OFFICER),
        supervisor=give_role(make_user(f"{code}-supervisor"), entity, Role.SUPERVISOR),
        supervisor2=give_role(make_user(f"{code}-supervisor"), entity, Role.SUPERVISOR),
    )


# --- answers a definition accepts -------------------------------------------------------------


def string_matching(pattern: str, extra: int = 0) -> str:
    """A string that fully matches ``pattern`` (the simple patterns demo definitions use).

    Each repeat is taken ``extra`` more times than its minimum (within its maximum), so a caller
    can lengthen the result to satisfy a minimum length.
    """
    return _generate(sre_parse.parse(pattern), extra)


def _generate(items: Any, extra: int) -> str:
    out = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(av) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_one_of(av))
        elif name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            low, high, sub = av
            count = low + extra if high is sre_parse.MAXREPEAT else min(high, low + extra)
            out.append("".join(_generate(sub, extra) for _ in range(count)))
        elif name == "SUBPATTERN":
            out.append(_generate(av[-1], extra))
        elif name == "BRANCH":
            out.append(_generate(av[1][0], extra))
        elif name == "CATEGORY":
            out.append(_category(av))
        elif name == "AT":
            continue
        else:  # pragma: no cover - a pattern the demo does not use
            raise NotImplementedError(f"cannot generate {name} in a pattern")
    return "".join(out)


def _one_of(items: list[tuple[Any, Any]]) -> str:
    options = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            options.append(chr(av))
        elif name == "RANGE":
            options.append(chr(av[0]))
        elif name == "CATEGORY":
            options.append(_category(av))
        elif name == "NEGATE":  # pragma: no cover
            raise NotImplementedError("negated classes")
    # A space would be collapsed or stripped by the text field: prefer anything else.
    return next((option for option in options if not option.isspace()), options[0])


def _category(category: Any) -> str:
    name = str(category)
    if "DIGIT" in name:
        return "0" if "NOT" not in name else "a"
    if "SPACE" in name:
        return " " if "NOT" not in name else "a"
    return "a" if "NOT" not in name else "-"


def candidates(question: FieldBase, today: date) -> list[object]:
    """Raw answers to try for ``question``, preferred first: booleans false and first choices, so
    conditional questions stay hidden where the definition allows."""
    if isinstance(question, BooleanField):
        return [True] if question.must_be_true else [False, True]
    if isinstance(question, ChoiceField):
        return [choice.value for choice in question.choices]
    if isinstance(question, MultiChoiceField):
        values = [choice.value for choice in question.choices]
        size = max(question.min_items or 1, 1)
        return [values[:size], *[[value] for value in values[1:]]]
    if isinstance(question, DateField):
        bounds = [resolve_bound(bound, today) for bound in (question.min, question.max) if bound is not None]
        return [bound.isoformat() for bound in bounds] + [today.isoformat()]
    if isinstance(question, NumberField):
        low = question.min if question.min is not None else 1
        return [str(low), str(question.max if question.max is not None else low + 1)]
    if isinstance(question, DecimalField):
        low = question.min if question.min is not None else Decimal(1)
        return [str(low), str(question.max if question.max is not None else low + 1)]
    if isinstance(question, MoneyField):
        # A real amount (1 BHD at least, where allowed) rather than zero.
        low = question.min or 0
        high = question.max if question.max is not None else max(low, 1000) + 1000
        return [format_dinars(min(max(low, 1000), high)), format_dinars(high), format_dinars(low)]
    if isinstance(question, PhoneField):
        return ["3312 3456"]
    if isinstance(question, NationalIdField):
        return ["900112345"]
    if isinstance(question, AddressField):
        return [{"flat": "12", "building": "345", "road": "1234", "block": "338", "area": "Adliya"}]
    if isinstance(question, EmailField):
        return ["applicant@example.com"]
    if isinstance(question, FileField):
        return ["placeholder-token"]
    if isinstance(question, TextField) and question.pattern:
        return [string_matching(question.pattern, extra) for extra in (0, 1, 2, 4, 8, 16, 32)]
    if isinstance(question, (TextField, TextareaField)):
        wanted = max(question.min_length or 0, 12)
        return [("Sample answer " * 80)[:wanted].strip()[: question.max_length]]
    raise NotImplementedError(f"no sample answers for {question.type}")


def usable_candidates(question: FieldBase, today: date) -> list[object]:
    """The candidates the question itself accepts."""
    usable = []
    for raw in candidates(question, today):
        try:
            question.clean(raw, Clock(today))
        except AnswerError:
            continue
        usable.append(raw)
    return usable


def valid_answers(definition: ServiceDefinition, today: date | None = None) -> dict[str, object]:
    """Answers (file questions included, with placeholder tokens) that pass check_answers."""
    today = today or timezone.localdate()
    answers: dict[str, object] = {}
    for question in definition.fields():
        usable = usable_candidates(question, today)
        assert usable, f"{definition.code}: no sample answer satisfies {question.key} ({question.type})"
        answers[question.key] = usable[0]
    check = check_answers(definition, answers, today=today)
    assert check.ok, f"{definition.code}: sample answers refused: { {k: str(v) for k, v in check.errors.items()} }"
    return answers


def visible_file_questions(definition: ServiceDefinition, answers: dict[str, object], today: date) -> list[FileField]:
    cleaned = check_answers(definition, answers, today=today).cleaned
    return [q for q in definition.fields() if isinstance(q, FileField) and q.key in cleaned]


# --- driving applications through the actions ------------------------------------------------


@dataclass
class Kit:
    """One applicant, and the staff of whichever entities the test touches."""

    applicant: User
    staff_by_entity: dict[int, Staff] = field(default_factory=dict)

    def staff(self, entity: Entity | int) -> Staff:
        entity_id = entity if isinstance(entity, int) else entity.pk
        if entity_id not in self.staff_by_entity:
            self.staff_by_entity[entity_id] = make_staff(Entity.objects.get(pk=entity_id))
        return self.staff_by_entity[entity_id]

    def start(self, code: str, channel: str | None = None) -> Application:
        version, definition = current_definition(code=code)
        if channel is None:
            channel = Channel.WEB if Channel.WEB in definition.channels else definition.channels[0]
        assisted_by = self.staff(version.service.entity_id).officer if channel in actions.ASSISTED_CHANNELS else None
        return actions.start_application(
            applicant=self.applicant, service_code=code, channel=channel, assisted_by=assisted_by
        )

    def editor(self, application: Application) -> User:
        """Who fills in the draft: the applicant, or the officer at the counter."""
        return application.assisted_by or self.applicant

    def fill(self, application: Application) -> dict[str, object]:
        """Answer every shown question and upload every document asked for; returns the answers kept."""
        definition = definition_of(application)
        editor = self.editor(application)
        today = timezone.localdate()
        answers = valid_answers(definition, today)
        for question in visible_file_questions(definition, answers, today):
            actions.attach_document(
                application=application, actor=editor, key=question.key, upload=upload_for(list(question.types))
            )
        plain = {key: value for key, value in answers.items() if not isinstance(definition.field(key), FileField)}
        check = actions.save_answers(application=application, actor=editor, answers=plain)
        assert check.ok, {key: str(value) for key, value in check.errors.items()}
        for spec in actions.missing_documents(application, definition):
            actions.attach_document(
                application=application, actor=editor, key=spec.key, upload=upload_for(list(spec.types))
            )
        return check.cleaned

    def pay(self, application: Application) -> bool:
        """Pay online what the answers owe; False when nothing is owed online."""
        editor = self.editor(application)
        if actions.prepare_payment(application=application, actor=editor) == 0:
            return False
        if application.channel in actions.ASSISTED_CHANNELS:
            return False  # collected at the counter when the officer submits
        payment = actions.start_payment(application=application, actor=editor)
        actions.settle_payment(token=payment.token, succeeded=True, provider_reference="test-ref")
        application.refresh_from_db()
        return True

    def submitted(self, code: str, channel: str | None = None) -> Application:
        application = self.start(code, channel)
        self.fill(application)
        self.pay(application)
        return actions.submit(application=application, actor=self.editor(application))


def event_count(application: Application) -> int:
    return Event.objects.filter(application=application).count()


@pytest.fixture
def kit(db: None) -> Kit:
    return Kit(applicant=make_beneficiary("applicant"))


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings: Any, tmp_path: Any) -> Iterator[None]:
    # Uploads land in the test's own directory, never in var/; no scanner unless a test sets one.
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TAHAWUL_VIRUS_SCANNER = ""
    configured_scanner.cache_clear()
    yield
    configured_scanner.cache_clear()


__all__ = [
    "BYTES_OF",
    "JPEG_BYTES",
    "PDF_BYTES",
    "PNG_BYTES",
    "Kit",
    "Staff",
    "event_count",
    "give_role",
    "make_beneficiary",
    "make_staff",
    "make_user",
    "string_matching",
    "upload_for",
    "usable_candidates",
    "valid_answers",
]
