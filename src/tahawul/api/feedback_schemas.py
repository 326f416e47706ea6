"""Shapes of the feedback API: ratings, cases and the satisfaction index (they become the
OpenAPI document). Limits here repeat the domain's (tahawul.feedback) so that clients can read
them from the OpenAPI document; the domain checks again whatever the door."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from tahawul.api.application_schemas import ServiceRef, Strict
from tahawul.api.schemas import EntityRef
from tahawul.core.text import LocalizedText
from tahawul.definitions.keys import EntityCode, ServiceCode

Face = Literal["happy", "neutral", "unhappy"]
RatedChannel = Literal["web", "mobile", "kiosk"]
Endpoint = Literal["completed", "submitted", "approved", "rejected", "ineligible", "error", "withdrawn", "visit"]
CaseKind = Literal["complaint", "suggestion", "inquiry", "compliment", "technical"]
AnyChannel = Literal["web", "mobile", "kiosk", "counter", "call_centre"]
ContactPreference = Literal["none", "email", "sms", "phone"]


# --- requests ---------------------------------------------------------------------------------


class RatingIn(Strict):
    service: ServiceCode | None = Field(None, description="The service rated, by code; not needed with `application`")
    application: str | None = Field(
        None,
        max_length=40,
        description="Rate one of your own transactions by its reference (needs your token); "
        "rating it again replaces your earlier rating",
    )
    channel: RatedChannel = Field("mobile", description="Where the person rated")
    face: Face | None = Field(None, description="The three-face meter; a face or a score is needed")
    score: int | None = Field(None, ge=1, le=5, strict=True, description="1 (very poor) to 5 (very good)")
    ease: int | None = Field(
        None, ge=1, le=7, strict=True, description='"It was easy": 1 strongly disagree … 7 strongly agree'
    )
    comment: str = Field("", max_length=2000, description="Kept as plain text, never interpreted as markup")
    endpoint: Endpoint = Field("completed", description="Where in the journey the rating was asked")
    wants_contact: bool = Field(False, description="With an unhappy face and a comment: may the entity contact you")
    device: str = Field("", max_length=60, description="The kiosk's identifier, on channel kiosk")


class CaseIn(Strict):
    kind: CaseKind
    description: str = Field(max_length=5000, description="What it is about; 1 to 5,000 characters")
    service: ServiceCode | None = Field(None, description="The service concerned; it decides the entity")
    entity: EntityCode | None = Field(None, description="The entity concerned, when no service is named")
    channel_concerned: AnyChannel | None = Field(None, description="The channel the case is about")
    contact_preference: ContactPreference = Field("none", description="How the entity may answer you")
    contact_name: str = Field("", max_length=150)
    contact_email: str = Field("", max_length=254, description="Defaults to your account's email with a token")
    contact_mobile: str = Field("", max_length=20, description="With its country code, e.g. +97333123456")
    doing: str = Field("", max_length=2000, description="A technical problem: what you were doing")
    page: str = Field("", max_length=500, description="A technical problem: the page or screen")
    client_version: str = Field("", max_length=200, description="A technical problem: the app or browser version")
    error_reference: str = Field("", max_length=40, description="A technical problem: the error reference shown")
    filed_on: Literal["mobile", "web"] = Field("mobile", description="Where the case is filed from")


class SatisfactionQuery(Strict):
    group_by: Literal["service", "channel", "entity"] = Field(description="One row per service, channel or entity")
    period: str = Field(
        "90d",
        max_length=20,
        description="A month (2026-11), a quarter (2026-Q3), a year (2026) or the last days (90d)",
    )


# --- responses --------------------------------------------------------------------------------


class RatingOut(BaseModel):
    id: int
    mood: Literal["satisfied", "neutral", "dissatisfied"] = Field(description="How the rating counts in the index")
    replaced: bool = Field(description="Whether it replaced your earlier rating of the same transaction")
    case: str | None = Field(description="The reference of the follow-up case opened for an unhappy comment")


class CaseLinks(BaseModel):
    self: str = Field(description="GET it with your token, or add ?contact=<the email or mobile you gave>")


class CaseCreated(BaseModel):
    reference: str
    status: Literal["to_route", "open", "answered", "closed"]
    due_at: datetime | None = Field(description="When the entity is due to answer, counting working days")
    links: CaseLinks


class CaseEventOut(BaseModel):
    at: datetime
    action: str = Field(description="filed, replied, closed, reopened or service_changed")
    label: LocalizedText
    by: Literal["you", "entity"] = Field(description="Staff are never named: an answer comes from the entity")
    message: str


class CaseOut(BaseModel):
    reference: str
    kind: CaseKind
    kind_label: LocalizedText
    status: Literal["to_route", "open", "answered", "closed"]
    status_label: LocalizedText
    description: str
    service: ServiceRef | None
    entity: EntityRef | None = Field(description="null while the case waits to be routed")
    channel_concerned: str | None
    filed_on: str
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    outcome: Literal["resolved", "not_resolved", "forwarded", "duplicate"] | None
    outcome_label: LocalizedText | None
    response_score: int | None = Field(description="How you rated the answer, 1 to 5")
    timeline: list[CaseEventOut]


class PeriodOut(BaseModel):
    name: str
    start: date
    end: date


class EaseOut(BaseModel):
    n: int = Field(description="Answers to the 1–7 ease item")
    mean: float | None = Field(description="Mean on the 1–7 scale; null under 30 answers")
    agree: float | None = Field(description="% answering 5–7; null under 30 answers")


class ChangeOut(BaseModel):
    difference: float = Field(description="Percentage points of % satisfied since the previous period")
    interval: tuple[float, float] = Field(description="Its 95 % interval, in points")
    significant: bool
    direction: Literal["better", "worse", "no_change"]


class SatisfactionRowOut(BaseModel):
    key: str = Field(description="The service or entity code, or the channel")
    label: LocalizedText
    satisfied: float | None = Field(description="% satisfied (0–100); null when reliability is too_few")
    dissatisfied: float | None = Field(description="% dissatisfied (0–100); null when reliability is too_few")
    n: int = Field(description="Responses")
    interval: tuple[float, float] | None = Field(description="95 % interval of % satisfied; null when too_few")
    reliability: Literal["too_few", "indicative", "rankable"] = Field(
        description="too_few: under 30 responses, figures withheld; indicative: under 100; rankable"
    )
    completed: int = Field(description="Completed transactions, which weigh the cells")
    response_rate: float | None = Field(description="Responses per 100 completed transactions")
    ease: EaseOut
    change: ChangeOut | None = Field(
        description="Against the previous period; null when too_few or without responses in both periods"
    )


class SatisfactionOut(BaseModel):
    group_by: Literal["service", "channel", "entity"]
    period: PeriodOut
    previous_period: PeriodOut
    scope: Literal["government", "entities"] = Field(
        description="government: every entity (the public, the analyst, the authority); entities: yours"
    )
    rows: list[SatisfactionRowOut]
