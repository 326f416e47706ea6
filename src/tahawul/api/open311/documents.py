"""The documents GeoReport v2 answers with, in the language active for the request.

A request's public record says what it is about and how it stands; never who made it: no names,
emails, phones, device or account ids, no description, media or answers, and a location only
where the entity's admin said the service's locations are public places.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tahawul.applications.models import Application
from tahawul.applications.selectors import applications_by_reference, current_state, definition_of
from tahawul.catalog.errors import UnknownEntity
from tahawul.catalog.selectors import entity as entity_by_code
from tahawul.feedback.models import Case, CaseStatus
from tahawul.feedback.selectors import cases_by_reference
from tahawul.integrations.attributes import Attribute
from tahawul.integrations.models import Becomes, ServiceRequest
from tahawul.integrations.selectors import ExposedService, open311_changeset

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
PATH = "/open311/v2"


def w3c(moment: datetime | None) -> str | None:
    """A moment as GeoReport v2 writes it: ISO 8601 with Bahrain's offset (``…T10:00:00+03:00``)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment is not None else None


def _start_of(day: date | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, time.min)) if day is not None else None


# --- discovery and services -----------------------------------------------------------------------


def discovery() -> dict[str, Any]:
    """Where this endpoint is, what it speaks, whom to ask, and how to get a key."""
    changeset = w3c(open311_changeset() or timezone.now())
    url = f"{settings.TAHAWUL_PUBLIC_URL}{PATH}"
    return {
        "changeset": changeset,
        "contact": _contact(),
        "key_service": _(
            "Each government entity's administrator issues API keys in the back office (%(url)s), "
            "one key for each integrator and entity."
        )
        % {"url": f"{settings.TAHAWUL_PUBLIC_URL}/{get_language()}/office/"},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "test" if settings.TAHAWUL_DEMO else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _contact() -> str:
    try:
        authority = entity_by_code(code=settings.TAHAWUL_AUTHORITY_ENTITY)
    except UnknownEntity:
        return _("Ask the eGovernment authority.")
    return _("Questions about this API: %(name)s, %(email)s, %(phone)s") % {
        "name": authority.name,
        "email": authority.email,
        "phone": authority.phone,
    }


def services(exposed: Iterable[ExposedService]) -> list[dict[str, Any]]:
    language = get_language() or settings.LANGUAGE_CODE
    return [
        {
            "service_code": item.service.code,
            "service_name": item.service.name,
            "description": item.service.summary,
            "metadata": bool(item.attributes),
            "type": "realtime",
            "keywords": ", ".join(item.definition.keywords.en if language == "en" else item.definition.keywords.ar),
            "group": item.service.category.name,
        }
        for item in exposed
    ]


def service_definition(exposed: ExposedService) -> dict[str, Any]:
    return {"service_code": exposed.service.code, "attributes": [_attribute(item) for item in exposed.attributes]}


def _attribute(attribute: Attribute) -> dict[str, Any]:
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description.in_language(),
        "order": attribute.order,
        "description": attribute.description.in_language(),
        "values": [{"key": value.key, "name": value.name.in_language()} for value in attribute.values],
    }


# --- service requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """How an application or case stands, as GeoReport v2 says it."""

    status: str  # open | closed
    notes: str
    updated: datetime
    expected: datetime | None


def standings(requests: list[ServiceRequest]) -> dict[str, Standing]:
    """The standing of each request's application or case, by reference: two queries for any number."""
    references: dict[str, list[str]] = defaultdict(list)
    for item in requests:
        references[item.becomes].append(item.reference)
    found: dict[str, Standing] = {}
    if references[Becomes.APPLICATION]:
        for application in applications_by_reference(references[Becomes.APPLICATION]):
            found[application.reference] = _application_standing(application)
    if references[Becomes.CASE]:
        for case in cases_by_reference(references[Becomes.CASE]):
            found[case.reference] = _case_standing(case)
    return found


def _application_standing(application: Application) -> Standing:
    state = current_state(application, definition_of(application))
    return Standing(
        status="closed" if application.closed_at is not None else "open",
        notes=state.label.in_language() if state is not None else "",
        updated=application.closed_at or application.updated_at,
        expected=_start_of(application.expected_by),
    )


def _case_standing(case: Case) -> Standing:
    closed = case.status == CaseStatus.CLOSED
    return Standing(
        status="closed" if closed else "open",
        notes=case.get_outcome_display() if closed and case.outcome else case.get_status_display(),
        updated=case.closed_at if closed and case.closed_at is not None else case.updated_at,
        expected=None if closed else case.due_at,
    )


def service_requests(requests: list[ServiceRequest]) -> list[dict[str, Any]]:
    """The public record of each request, in the order given."""
    known = standings(requests)
    return [_request(item, known.get(item.reference)) for item in requests]


def _request(item: ServiceRequest, standing: Standing | None) -> dict[str, Any]:
    place = item.location_is_public  # else the place may be someone's home: never shown
    return {
        "service_request_id": item.public_id,
        "status": standing.status if standing else "open",
        "status_notes": standing.notes if standing else None,
        "service_name": item.service.name,
        "service_code": item.service.code,
        "description": None,
        "agency_responsible": item.entity.name,
        "service_notice": None,
        "requested_datetime": w3c(item.requested_at),
        "updated_datetime": w3c(standing.updated if standing else item.requested_at),
        "expected_datetime": w3c(standing.expected if standing else None),
        "address": (item.address_string or None) if place else None,
        "address_id": (item.address_id or None) if place else None,
        "zipcode": None,
        "lat": float(item.lat) if place and item.lat is not None else None,
        "long": float(item.long) if place and item.long is not None else None,
        "media_url": None,
    }


def created(item: ServiceRequest) -> list[dict[str, Any]]:
    """What a POST answers: the request's id and when the entity expects to be done. Our services
    are realtime, and GeoReport v2 returns a token only instead of the id (``tokens/{token}``
    still answers for every request, for clients that look one up anyway)."""
    standing = standings([item]).get(item.reference)
    notice = None
    if standing is not None and standing.expected is not None:
        notice = _("%(entity)s expects to deal with it by %(date)s.") % {
            "entity": item.entity.name,
            "date": timezone.localtime(standing.expected).date().isoformat(),
        }
    return [{"service_request_id": item.public_id, "service_notice": notice, "account_id": None}]


def token(item: ServiceRequest) -> list[dict[str, Any]]:
    return [{"service_request_id": item.public_id, "token": item.token}]
