"""The simplification linter: a service definition measured against re-engineering principles.

Pure (no database): :func:`lint` takes a validated definition and returns its findings. Each
finding has a stable code, a severity and an explanation in Arabic and English; the codes,
severities and thresholds are documented in docs/service-definitions.md ("Simplification
linter"). What the government already holds is listed in :mod:`tahawul.definitions.held_documents`.

Severities, from the strongest:

* ``error``: the definition asks the applicant for something a government register already has
  and every applicant must provide it (a required copy of a document the government issued).
  ``tahawul definitions lint --strict`` fails on these.
* ``warning``: a burden worth removing in the next version (a visit in person, a separate
  payment, a long SLA, too many documents or questions, a question the profile answers...).
* ``advice``: worth a look, often justified (a site inspection, approvals in a row).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, override

from tahawul.core.choices import Maturity
from tahawul.core.text import LANGUAGES, LocalizedText
from tahawul.definitions.fields import FieldBase
from tahawul.definitions.held_documents import held_document, profile_fact
from tahawul.definitions.problems import Path, format_path
from tahawul.definitions.schema import Section, ServiceDefinition, State, Workflow
from tahawul.definitions.workflow import expected_working_days

HELD_DOCUMENT = "TW101-held-document"
TOO_MANY_DOCUMENTS = "TW102-too-many-documents"
TOO_MANY_FIELDS = "TW103-too-many-fields"
IN_PERSON_VISIT = "TW104-in-person-visit"
SEQUENTIAL_APPROVALS = "TW105-sequential-approvals"
LONG_SLA = "TW106-long-sla"
FEE_PAID_SEPARATELY = "TW107-fee-paid-separately"
PROFILE_FIELD = "TW108-profile-field"
INFORMATIONAL_HIGH_VOLUME = "TW109-informational-high-volume"

CODES = (
    HELD_DOCUMENT,
    TOO_MANY_DOCUMENTS,
    TOO_MANY_FIELDS,
    IN_PERSON_VISIT,
    SEQUENTIAL_APPROVALS,
    LONG_SLA,
    FEE_PAID_SEPARATELY,
    PROFILE_FIELD,
    INFORMATIONAL_HIGH_VOLUME,
)


class Severity(models.TextChoices):
    ERROR = "error", _("error")
    WARNING = "warning", _("warning")
    ADVICE = "advice", _("advice")


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.ADVICE: 2}


@dataclass(frozen=True)
class LintThresholds:
    """Where "too many" and "too long" begin. Each has a Django setting ``TAHAWUL_LINT_<NAME>``."""

    max_required_documents: int = 3
    max_required_fields: int = 10
    max_sla_days: int = 20
    informational_counter_volume: int = 50_000
    max_approvals_in_sequence: int = 2

    @classmethod
    def from_settings(cls) -> LintThresholds:
        """The thresholds configured now (read at call time, never at import)."""
        return cls(
            max_required_documents=getattr(settings, "TAHAWUL_LINT_MAX_REQUIRED_DOCUMENTS", cls.max_required_documents),
            max_required_fields=getattr(settings, "TAHAWUL_LINT_MAX_REQUIRED_FIELDS", cls.max_required_fields),
            max_sla_days=getattr(settings, "TAHAWUL_LINT_MAX_SLA_DAYS", cls.max_sla_days),
            informational_counter_volume=getattr(
                settings, "TAHAWUL_LINT_INFORMATIONAL_COUNTER_VOLUME", cls.informational_counter_volume
            ),
            max_approvals_in_sequence=getattr(
                settings, "TAHAWUL_LINT_MAX_APPROVALS_IN_SEQUENCE", cls.max_approvals_in_sequence
            ),
        )


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    path: Path
    explanation: LocalizedText

    @property
    def dotted_path(self) -> str:
        return format_path(self.path)

    @property
    def text(self) -> str:
        """The explanation in the active language."""
        return self.explanation.in_language()

    def line(self, source: str) -> str:
        """``source:path: CODE severity: explanation``, in the active language."""
        return f"{source}:{self.dotted_path or '(document)'}: {self.code} {self.severity.label}: {self.text}"


def lint(
    definition: ServiceDefinition,
    *,
    thresholds: LintThresholds | None = None,
    counter_volume: int | None = None,
) -> list[Finding]:
    """Every finding of ``definition``, errors first, then in the order of the document.

    ``thresholds`` default to the Django settings; ``counter_volume`` is the number of
    transactions a year still handled at counters and by phone, when known (otherwise the
    definition's own ``annual_volume`` stands for it).
    """
    limits = thresholds or LintThresholds.from_settings()
    findings = [
        *_held_documents(definition),
        *_too_many_documents(definition, limits),
        *_too_many_fields(definition, limits),
        *_profile_fields(definition),
        *_fees(definition),
        *_informational(definition, limits, counter_volume),
    ]
    if definition.workflow is not None:
        findings.extend(_visits(definition.workflow))
        findings.extend(_sequential_approvals(definition.workflow, limits))
        findings.extend(_long_sla(definition.workflow, limits))
    return sorted(findings, key=lambda finding: SEVERITY_RANK[finding.severity])


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"error": n, "warning": n, "advice": n}``, every severity present."""
    counts = {str(severity): 0 for severity in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return counts


# --- explanations ----------------------------------------------------------------------------------


def _explain(message: Promise, **params: object) -> LocalizedText:
    """``message`` with its named placeholders filled, in both languages (a bilingual label fills
    in as its own language's text)."""
    texts = {}
    for language in LANGUAGES:
        with override(language):
            values = {name: _in_language(value, language) for name, value in params.items()}
            texts[language] = str(message % values) if values else str(message)
    return LocalizedText(**texts)


def _in_language(value: object, language: str) -> object:
    if isinstance(value, LocalizedText):
        return value.in_language(language)
    if isinstance(value, Promise):
        return str(value)
    return value


def _finding(code: str, severity: Severity, path: Path, message: Promise, **params: object) -> Finding:
    return Finding(code=code, severity=severity, path=path, explanation=_explain(message, **params))


# --- what is asked ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Upload:
    path: Path
    key: str
    label: LocalizedText
    required: bool
    conditional: bool  # shown only to some applicants


def _uploads(definition: ServiceDefinition) -> Iterator[_Upload]:
    """The documents, and the form's file fields (an upload in the middle of a page is one too)."""
    for index, document in enumerate(definition.documents):
        yield _Upload(("documents", index), document.key, document.label, document.required, bool(document.show_if))
    for question in _fields(definition):
        field = question.field
        if field.type == "file":
            yield _Upload(question.path, field.key, field.label, field.required, question.conditional)


@dataclass(frozen=True)
class _Question:
    path: Path
    field: FieldBase
    conditional: bool  # asked only of some applicants
    page: Section


def _fields(definition: ServiceDefinition) -> Iterator[_Question]:
    for section_index, section in enumerate(definition.sections):
        for field_index, field in enumerate(section.fields):
            conditional = bool(section.show_if or field.show_if)
            yield _Question(("sections", section_index, "fields", field_index), field, conditional, section)


def _held_documents(definition: ServiceDefinition) -> Iterator[Finding]:
    for upload in _uploads(definition):
        held = held_document(upload.key, upload.label)
        if held is None:
            continue
        everyone = upload.required and not upload.conditional
        yield _finding(
            HELD_DOCUMENT,
            Severity.ERROR if everyone else Severity.WARNING,
            upload.path,
            _(
                "“%(label)s” asks for a copy of %(document)s, which %(holder)s already holds. "
                "Fetch it from there instead of asking the applicant for it."
            ),
            label=upload.label,
            document=held.name,
            holder=held.holder,
        )


def _too_many_documents(definition: ServiceDefinition, limits: LintThresholds) -> Iterator[Finding]:
    count = sum(1 for upload in _uploads(definition) if upload.required and not upload.conditional)
    if count > limits.max_required_documents:
        yield _finding(
            TOO_MANY_DOCUMENTS,
            Severity.WARNING,
            ("documents",),
            ngettext_lazy(
                "Every applicant must upload %(count)s document; this linter's limit is %(limit)s. "
                "Ask only for what cannot be fetched from another entity or declared by the applicant.",
                "Every applicant must upload %(count)s documents; this linter's limit is %(limit)s. "
                "Ask only for what cannot be fetched from another entity or declared by the applicant.",
                "count",
            ),
            count=count,
            limit=limits.max_required_documents,
        )


def _too_many_fields(definition: ServiceDefinition, limits: LintThresholds) -> Iterator[Finding]:
    count = sum(
        1
        for question in _fields(definition)
        if question.field.required and not question.conditional and question.field.type != "file"
    )
    if count > limits.max_required_fields:
        yield _finding(
            TOO_MANY_FIELDS,
            Severity.WARNING,
            ("sections",),
            ngettext_lazy(
                "Every applicant must answer %(count)s required question; this linter's limit is %(limit)s. "
                "Drop what the entity can look up, and ask the rest only of those it concerns (show_if).",
                "Every applicant must answer %(count)s required questions; this linter's limit is %(limit)s. "
                "Drop what the entity can look up, and ask the rest only of those it concerns (show_if).",
                "count",
            ),
            count=count,
            limit=limits.max_required_fields,
        )


def _profile_fields(definition: ServiceDefinition) -> Iterator[Finding]:
    for question in _fields(definition):
        fact = profile_fact(question.field.key, question.field.label, question.page.title)
        if fact is not None:
            yield _finding(
                PROFILE_FIELD,
                Severity.WARNING,
                question.path,
                _(
                    "“%(label)s” asks for %(fact)s, which the applicant's profile already has. "
                    "Fill it in from the profile (the applicant can still correct it) instead of asking again."
                ),
                label=question.field.label,
                fact=fact.name,
            )


# --- how it is paid --------------------------------------------------------------------------------

_PAYING_STEP = re.compile(r"(?<![a-z])pay(s|ing|ment)?(?![a-z])|ادفع|دفع|سداد|تسديد", re.IGNORECASE)
_PAYMENT_STATE = re.compile(r"(^|_)pay(ment)?(_|$)")


def _charges(definition: ServiceDefinition) -> bool:
    fee = definition.fee
    return fee is not None and (fee.amount > 0 or any(rule.amount > 0 for rule in fee.rules))


def _fees(definition: ServiceDefinition) -> Iterator[Finding]:
    fee = definition.fee
    if fee is not None and _charges(definition) and fee.payment != "online":
        message = (
            _(
                "The fee is paid at a counter, apart from the application: the applicant has to come in "
                "just to pay. Take the payment online, in the application."
            )
            if fee.payment == "counter"
            else _(
                "The fee is paid on collection, apart from the application: it keeps a visit in person. "
                "Take the payment online, in the application, and deliver the result."
            )
        )
        yield _finding(FEE_PAID_SEPARATELY, Severity.WARNING, ("fee", "payment"), message)
    payment_steps = _payment_steps(definition)
    if payment_steps > 1:
        yield _finding(
            FEE_PAID_SEPARATELY,
            Severity.WARNING,
            ("steps",) if definition.steps else ("workflow", "states"),
            ngettext_lazy(
                "The applicant pays in %(count)s separate step. Take everything due once, in the application.",
                "The applicant pays in %(count)s separate steps. Take everything due once, in the application.",
                "count",
            ),
            count=payment_steps,
        )


def _payment_steps(definition: ServiceDefinition) -> int:
    """Steps of the service page that tell the applicant to pay, or (when there are fewer) the fee
    paid in the application plus each state in which the applicant has to pay again."""
    told = sum(1 for step in definition.steps if _PAYING_STEP.search(f"{step.en} {step.ar}"))
    in_workflow = 1 if _charges(definition) else 0
    if definition.workflow is not None:
        in_workflow += sum(
            1
            for key, state in definition.workflow.states.items()
            if state.actor == "applicant" and _PAYMENT_STATE.search(key)
        )
    return max(told, in_workflow)


# --- the workflow ----------------------------------------------------------------------------------


def _visits(workflow: Workflow) -> Iterator[Finding]:
    for key, state in workflow.states.items():
        if state.visit is None:
            continue
        path: Path = ("workflow", "states", key, "visit")
        if state.visit == "appointment":
            yield _finding(
                IN_PERSON_VISIT,
                Severity.WARNING,
                path,
                _(
                    "In “%(state)s” the applicant has to come in person for an appointment. "
                    "Could it be done online, by video call or at a kiosk?"
                ),
                state=state.label,
            )
        elif state.visit == "collection":
            yield _finding(
                IN_PERSON_VISIT,
                Severity.WARNING,
                path,
                _(
                    "In “%(state)s” the applicant has to come in person to collect the result. "
                    "Issue it electronically, or deliver it."
                ),
                state=state.label,
            )
        else:
            yield _finding(
                IN_PERSON_VISIT,
                Severity.ADVICE,
                path,
                _(
                    "In “%(state)s” staff visit the site. Could photos or a licensed engineer's report do, "
                    "with inspections kept for a sample of cases chosen by risk?"
                ),
                state=state.label,
            )


_APPROVING_WORDS = frozenset(
    {"approve", "approval", "recommend", "endorse", "accept", "verify", "certify", "confirm", "clear", "pass"}
)
_REVIEWERS = frozenset({"officer", "supervisor"})


def _approving(action: str) -> bool:
    return not _APPROVING_WORDS.isdisjoint(action.split("_"))


@dataclass(frozen=True)
class _ApprovalStep:
    state: str
    role: str
    to: str


def _approval_steps(workflow: Workflow) -> dict[str, _ApprovalStep]:
    """The staff states whose one way forward is one reviewer's approval (to another state).

    A state is an approval step when it is not final, waits for staff, and exactly one of its
    transitions is an officer's or supervisor's approve-like action (approve, recommend, endorse,
    accept, verify, certify, confirm, clear, pass: any of these words in the action key).
    Rejections, corrections and returns beside it do not count.
    """
    steps = {}
    for key, state in workflow.states.items():
        if state.final or state.actor != "staff":
            continue
        approvals = [
            transition
            for transition in workflow.transitions
            if key in transition.sources
            and transition.role in _REVIEWERS
            and _approving(transition.action)
            and transition.to != key
        ]
        if len(approvals) == 1:
            steps[key] = _ApprovalStep(key, approvals[0].role, approvals[0].to)
    return steps


def _approval_chains(workflow: Workflow) -> list[list[_ApprovalStep]]:
    """Maximal runs of approval steps, each approving into the next (a run that loops back on
    itself is a rework cycle, not a sequence, and stops where it would repeat)."""
    steps = _approval_steps(workflow)
    approved_into = {step.to for step in steps.values()}
    chains = []
    for first in steps.values():
        if first.state in approved_into:
            continue
        chain = [first]
        while chain[-1].to in steps and steps[chain[-1].to] not in chain:
            chain.append(steps[chain[-1].to])
        chains.append(chain)
    return chains


def _sequential_approvals(workflow: Workflow, limits: LintThresholds) -> Iterator[Finding]:
    """Approvals in a row that could run side by side.

    Flagged: a chain of more than ``max_approvals_in_sequence`` approval steps, or any chain in
    which two reviewers of the same role approve one after the other (two officers checking in
    turn: their checks are independent). An officer's recommendation followed by a supervisor's
    decision is the documented two-level approval and is not flagged on its own.
    """
    for chain in _approval_chains(workflow):
        same_role_in_turn = any(before.role == after.role for before, after in pairwise(chain))
        if len(chain) > limits.max_approvals_in_sequence or (len(chain) > 1 and same_role_in_turn):
            yield _finding(
                SEQUENTIAL_APPROVALS,
                Severity.ADVICE,
                ("workflow", "states", chain[0].state),
                ngettext_lazy(
                    "%(count)s approval follows another: %(states)s. Each waits for the one before it; "
                    "if they check different things, run them at the same time and let the last one decide.",
                    "%(count)s approvals follow one another: %(states)s. Each waits for the one before it; "
                    "if they check different things, run them at the same time and let the last one decide.",
                    "count",
                ),
                count=len(chain),
                states=_joined([workflow.states[step.state] for step in chain]),
            )


def _joined(states: list[State]) -> LocalizedText:
    """The states' labels in order; the Arabic arrow points the way Arabic reads."""
    return LocalizedText(
        ar=" ← ".join(f"“{state.label.in_language('ar')}”" for state in states),
        en=" → ".join(f"“{state.label.in_language('en')}”" for state in states),
    )


def _long_sla(workflow: Workflow, limits: LintThresholds) -> Iterator[Finding]:
    days = expected_working_days(workflow)
    if days is not None and days > limits.max_sla_days:
        yield _finding(
            LONG_SLA,
            Severity.WARNING,
            ("workflow",),
            ngettext_lazy(
                "An approved application takes %(days)s working day by the service levels of its shortest way "
                "(the sum of sla_days); this linter's limit is %(limit)s. Remove steps or shorten their SLAs.",
                "An approved application takes %(days)s working days by the service levels of its shortest way "
                "(the sum of sla_days); this linter's limit is %(limit)s. Remove steps or shorten their SLAs.",
                "days",
            ),
            days=days,
            limit=limits.max_sla_days,
        )


# --- the service as a whole ------------------------------------------------------------------------


def _informational(
    definition: ServiceDefinition, limits: LintThresholds, counter_volume: int | None
) -> Iterator[Finding]:
    if definition.workflow is not None and definition.maturity != Maturity.INFORMATIONAL:
        return
    volume = counter_volume if counter_volume is not None else definition.annual_volume
    if volume is not None and volume >= limits.informational_counter_volume:
        yield _finding(
            INFORMATIONAL_HIGH_VOLUME,
            Severity.WARNING,
            ("maturity",),
            _(
                "This service only gives information online, yet about %(volume)s transactions a year are "
                "handled at counters or by phone (this linter flags %(limit)s or more). Offering it as a "
                "transaction online would spare the most visits."
            ),
            volume=volume,
            limit=limits.informational_counter_volume,
        )
