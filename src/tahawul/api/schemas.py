"""Shapes of the API's requests and responses (they become the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import BaseModel, Field

from tahawul.catalog.models import Entity, Service
from tahawul.core.choices import Channel, Maturity
from tahawul.core.money import format_dinars
from tahawul.core.text import LocalizedText
from tahawul.definitions.schema import ServiceDefinition


class ServiceQuery(Schema):
    q: str = Field("", max_length=2000, description="Words to search for, in Arabic or English; empty lists everything")
    entity: str | None = Field(None, max_length=20, pattern=r"^[A-Z][A-Z0-9]*$", description="An entity code")
    category: str | None = Field(None, max_length=60, pattern=r"^[a-z0-9-]+$", description="A category slug")
    life_event: str | None = Field(None, max_length=60, pattern=r"^[a-z0-9-]+$", description="A life-event slug")
    channel: Channel | None = Field(None, description="Only services offered on this channel")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class EntityRef(BaseModel):
    code: str
    name: LocalizedText


class CategoryRef(BaseModel):
    slug: str
    name: LocalizedText


class Fee(BaseModel):
    amount: str = Field(description='Dinars with three decimals, e.g. "12.500"')
    amount_fils: int
    currency: str = "BHD"
    varies: bool = Field(description="Whether answers can change the fee (see the definition's fee rules)")


class ServiceSummary(BaseModel):
    code: str
    name: LocalizedText
    summary: LocalizedText
    entity: EntityRef
    category: CategoryRef
    channels: list[Channel]
    maturity: Maturity
    fee: Fee | None = Field(description="Absent when the service is free")
    working_days: int | None = Field(description="Working days the service takes, when it has a workflow")
    version: int

    @classmethod
    def of(cls, service: Service) -> ServiceSummary:
        return cls(
            code=service.code,
            name=LocalizedText(ar=service.name_ar, en=service.name_en),
            summary=LocalizedText(ar=service.summary_ar, en=service.summary_en),
            entity=EntityRef(
                code=service.entity.code, name=LocalizedText(ar=service.entity.name_ar, en=service.entity.name_en)
            ),
            category=CategoryRef(
                slug=service.category.slug, name=LocalizedText(ar=service.category.name_ar, en=service.category.name_en)
            ),
            channels=[Channel(item.channel) for item in service.channels.all()],
            maturity=Maturity(service.maturity),
            fee=Fee(amount=format_dinars(service.fee_fils), amount_fils=service.fee_fils, varies=service.fee_varies)
            if service.fee_fils
            else None,
            working_days=service.working_days,
            version=service.current_version,
        )


class ServicePage(BaseModel):
    count: int = Field(description="Services matching, over all pages")
    page: int
    page_size: int
    pages: int
    items: list[ServiceSummary]


class ServiceDetail(ServiceSummary):
    published_at: datetime
    definition: ServiceDefinition = Field(description="The published definition (see docs/service-definitions.md)")


class EntityOut(BaseModel):
    code: str
    kind: str
    name: LocalizedText
    website: str
    phone: str
    email: str
    service_count: int

    @classmethod
    def of(cls, entity: Entity) -> EntityOut:
        return cls(
            code=entity.code,
            kind=entity.kind,
            name=LocalizedText(ar=entity.name_ar, en=entity.name_en),
            website=entity.website,
            phone=entity.phone,
            email=entity.email,
            service_count=getattr(entity, "service_count", 0),
        )


class ProblemError(BaseModel):
    location: str
    message: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str
    errors: list[ProblemError] | None = None
