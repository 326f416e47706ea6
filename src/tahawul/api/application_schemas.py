"""Shapes of the applications API and of token login (they become the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tahawul.api.schemas import EntityRef
from tahawul.core.choices import Channel
from tahawul.core.money import format_dinars
from tahawul.core.text import LocalizedText
from tahawul.definitions.keys import Key, ServiceCode
from tahawul.identity.models import User

# A mobile app reads one JSON document and a retry replays it verbatim, so every text a person
# may be shown travels in both languages; only problem documents follow Accept-Language.


# --- requests ---------------------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(Strict):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)
    device: str = Field("", max_length=100, description="Names the token in the person's list of devices")


class NewApplication(Strict):
    service: ServiceCode = Field(description="The service's code, e.g. MOL-TRAINING-REGISTER")
    answers: dict[Key, Any] = Field(
        default_factory=dict,
        description="Every answer, keyed by field key, as the service definition's field types accept them",
    )
    channel: Literal["mobile", "web"] = Field(
        "mobile", description="Where the person applied from; counter and call centre are for staff"
    )


class AnswersIn(Strict):
    answers: dict[Key, Any] = Field(description="The answers to change; the others are kept")


class ActionIn(Strict):
    comment: str = Field("", max_length=4000)
    revision: int | None = Field(
        None, ge=1, description="The application's revision as you last read it; 409 if it changed since"
    )


# --- responses --------------------------------------------------------------------------------


class UserOut(BaseModel):
    username: str
    name: LocalizedText
    national_id: str | None
    email: str
    mobile: str
    preferred_language: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            username=user.username,
            name=LocalizedText(ar=user.name_ar, en=user.name_en),
            national_id=user.national_id,
            email=user.email,
            mobile=user.mobile,
            preferred_language=user.preferred_language,
        )


class TokenOut(BaseModel):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`; it is shown only this once")
    user: UserOut


class ServiceRef(BaseModel):
    code: str
    name: LocalizedText


class DocumentNeeded(BaseModel):
    key: str
    label: LocalizedText
    help: LocalizedText | None
    types: list[str] = Field(description="Accepted media types, checked against the file's content")
    max_mb: float
    max_bytes: int
    upload: str = Field(description="POST the file here as multipart/form-data, in the part named `file`")


class DocumentOut(BaseModel):
    token: str
    key: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ActionOut(BaseModel):
    action: str
    label: LocalizedText
    to_state: str
    to_label: LocalizedText
    requires_comment: bool
    href: str = Field(description="POST here with {comment, revision}")


class EventOut(BaseModel):
    at: datetime
    action: str
    label: LocalizedText
    by: Literal["applicant", "staff", "system"]
    from_state: str | None
    from_label: LocalizedText | None
    to_state: str | None
    to_label: LocalizedText | None
    comment: str


class Correction(BaseModel):
    fields: list[str] = Field(description="The answers and documents you were asked to correct (empty: any)")
    comment: str


class Links(BaseModel):
    self: str
    submit: str | None = Field(description="While a draft: POST here once documents are uploaded and the fee paid")
    pay: str | None = Field(description="While a fee is owed: POST here for a checkout URL")
    answers: str


class ApplicationSummary(BaseModel):
    reference: str
    service: ServiceRef
    entity: EntityRef
    state: str = Field(description='"draft" until submitted, then a state of the service\'s workflow')
    state_label: LocalizedText
    channel: Channel
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    expected_by: date | None = Field(description="When the entity expects to finish, counting working days")
    closed_at: datetime | None
    outcome: str | None = Field(description="approved, rejected, withdrawn or closed, once closed")
    links: Links


class ApplicationOut(ApplicationSummary):
    revision: int = Field(description="Grows with every change; send it back with actions")
    answers: dict[str, Any]
    fee_fils: int = Field(description="The fee these answers owe online, in fils (1 BHD = 1000 fils)")
    fee: str = Field(description='The same in dinars, e.g. "5.000"')
    paid: bool
    missing_documents: list[DocumentNeeded]
    documents: list[DocumentOut]
    correction: Correction | None = Field(description="What the entity asked you to correct, while it waits for you")
    actions: list[ActionOut] = Field(description="What you can do now besides changing answers")
    timeline: list[EventOut]


class ApplicationPage(BaseModel):
    count: int
    limit: int
    offset: int
    items: list[ApplicationSummary]


class PaymentOut(BaseModel):
    amount_fils: int
    amount: str
    checkout_url: str = Field(description="Open it in a browser; the provider reports the outcome to us")

    @classmethod
    def of(cls, amount_fils: int, checkout_url: str) -> PaymentOut:
        return cls(amount_fils=amount_fils, amount=format_dinars(amount_fils), checkout_url=checkout_url)


class AnswerError(BaseModel):
    location: str
    field: str | None = Field(description="The answer (or document) key; empty for a rule about the whole")
    message: str


class AnswersProblem(BaseModel):
    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str
    errors: list[AnswerError] | None = None
