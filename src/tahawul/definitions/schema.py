"""The service-definition document, as pydantic models (see docs/service-definitions.md).

These models check shape and types; rules that span the document (keys unique, states
reachable, conditions naming real fields...) live in :mod:`tahawul.definitions.checks`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tahawul.core.choices import Beneficiary, Channel, Maturity
from tahawul.core.text import LocalizedText
from tahawul.definitions.fields import FieldBase, FieldDefinition
from tahawul.definitions.fields.files import MediaType
from tahawul.definitions.fields.numeric import Fils
from tahawul.definitions.keys import EntityCode, Key, ServiceCode, Slug

Role = Literal["applicant", "officer", "supervisor", "system"]
Outcome = Literal["approved", "rejected", "withdrawn", "closed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Contact(Strict):
    unit: LocalizedText
    phone: str = Field(pattern=r"^\+[0-9 ]{7,20}$")
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    hours: LocalizedText


class EligibilityRule(Strict):
    when: str
    message: LocalizedText


class FeeRule(Strict):
    when: str
    amount: Fils
    label: LocalizedText


class Fee(Strict):
    amount: Fils
    rules: list[FeeRule] = []
    payment: Literal["online", "counter", "on_collection"] = "online"


class Keywords(Strict):
    ar: list[str] = []
    en: list[str] = []


class Section(Strict):
    key: Key
    title: LocalizedText
    show_if: str | None = None
    fields: list[FieldDefinition] = Field(min_length=1)


class Document(Strict):
    key: Key
    label: LocalizedText
    help: LocalizedText | None = None
    types: list[MediaType] = Field(min_length=1)
    max_mb: float = Field(ge=0.1, le=20)
    required: bool = True
    show_if: str | None = None


class State(Strict):
    label: LocalizedText
    sla_days: int = Field(default=0, ge=0, le=365)
    actor: Literal["staff", "applicant"] = "staff"
    visit: Literal["appointment", "inspection", "collection"] | None = None
    final: bool = False
    outcome: Outcome | None = None
    issues: Literal["certificate", "licence", "permit", "letter"] | None = None


class Transition(Strict):
    from_: Key | list[Key] = Field(alias="from")
    to: Key
    action: Key
    role: Role
    label: LocalizedText
    requires_comment: bool = False

    @property
    def sources(self) -> list[str]:
        return [self.from_] if isinstance(self.from_, str) else list(self.from_)


class Workflow(Strict):
    initial: Key
    states: dict[Key, State] = Field(min_length=2)
    transitions: list[Transition] = Field(min_length=1)


class ServiceDefinition(Strict):
    format: Literal[1]
    code: ServiceCode
    entity: EntityCode
    category: Slug
    life_events: list[Slug] = []
    name: LocalizedText
    summary: LocalizedText
    description: LocalizedText | None = None
    audience: LocalizedText
    beneficiaries: list[Beneficiary] = Field(min_length=1)
    keywords: Keywords = Keywords()
    channels: list[Channel] = Field(min_length=1)
    maturity: Maturity
    annual_volume: int | None = Field(default=None, ge=0)
    steps: list[LocalizedText] = []
    contact: Contact
    eligibility: list[EligibilityRule] = []
    fee: Fee | None = None
    sections: list[Section] = []
    documents: list[Document] = []
    workflow: Workflow | None = None

    def fields(self) -> Iterator[FieldBase]:
        for section in self.sections:
            yield from section.fields

    def field(self, key: str) -> FieldBase | None:
        return next((field for field in self.fields() if field.key == key), None)

    def normalised(self) -> dict[str, object]:
        """The document as stored and compared: JSON types, every setting explicit."""
        return self.model_dump(mode="json", by_alias=True)
