"""Reads of integrations: who a key belongs to, which services Open311 clients can request, the
requests they made, and the entity admin's view of keys and settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity, Service
from tahawul.core.text import LocalizedText
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.selectors import parsed
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound, work_entities
from tahawul.integrations.attributes import Attribute, attributes_of
from tahawul.integrations.errors import (
    ApiKeyMissing,
    InvalidApiKey,
    InvalidServiceRequest,
    KeyForAnotherEntity,
    NotOnOpen311,
    UnknownServiceRequest,
    UnknownToken,
)
from tahawul.integrations.keys import check_entity_admin, key_digest
from tahawul.integrations.models import ApiKey, Becomes, Integrator, Open311Service, ServiceRequest
from tahawul.integrations.suitability import reasons_not_an_application
from tahawul.integrations.texts import both

_LONGEST_KEY = 200  # real keys are 48 characters; anything far longer is not worth hashing
DEFAULT_SPAN = timedelta(days=90)


def api_key_for(raw: str) -> ApiKey:
    """The live key ``raw`` of an active integrator, with its integrator and entity. Raises
    ApiKeyMissing for an empty one, InvalidApiKey for one that is unknown or revoked."""
    raw = raw.strip()
    if not raw:
        raise ApiKeyMissing()
    if len(raw) > _LONGEST_KEY:
        raise InvalidApiKey()
    found = (
        ApiKey.objects.select_related("integrator__account", "entity")
        .filter(digest=key_digest(raw), revoked_at__isnull=True, integrator__active=True)
        .first()
    )
    if found is None:
        raise InvalidApiKey()
    return found


# --- the services Open311 clients can request -----------------------------------------------------


@dataclass(frozen=True)
class ExposedService:
    """A service offered on Open311 with its current definition and setting."""

    service: Service
    setting: Open311Service
    definition: ServiceDefinition

    @property
    def attributes(self) -> list[Attribute]:
        """What a client fills: the definition's questions for an application, nothing for a case."""
        if self.setting.becomes == Becomes.APPLICATION:
            return attributes_of(self.definition)
        return []


def requestable_services(*, codes: Sequence[str] | None = None) -> list[ExposedService]:
    """The services Open311 clients can request now, by entity and code; public. A service set to
    take applications is left out while its current definition cannot (a new version may add a
    required upload)."""
    settings = Open311Service.objects.filter(exposed=True).select_related("service__entity", "service__category")
    if codes is not None:
        settings = settings.filter(service__code__in=codes)
    settings_by_service = {setting.service_id: setting for setting in settings}
    versions = ServiceVersion.objects.filter(
        service_id__in=settings_by_service, number=F("service__current_version")
    ).defer("document")
    exposed = []
    for version in versions:
        setting = settings_by_service[version.service_id]
        definition = parsed(version)
        if setting.becomes == Becomes.APPLICATION and reasons_not_an_application(definition):
            continue
        exposed.append(ExposedService(service=setting.service, setting=setting, definition=definition))
    return sorted(exposed, key=lambda item: (item.service.entity.code, item.service.code))


def requestable_service(*, code: str, api_key: ApiKey | None = None) -> ExposedService:
    """One service Open311 clients can request now; public. Raises NotOnOpen311 otherwise, and
    KeyForAnotherEntity when ``api_key`` is not for the service's entity."""
    found = requestable_services(codes=[code])
    if not found:
        raise NotOnOpen311()
    if api_key is not None and found[0].service.entity_id != api_key.entity_id:
        raise KeyForAnotherEntity()
    return found[0]


def open311_changeset() -> datetime | None:
    """When the list of Open311 services or one of their definitions last changed (discovery's
    ``changeset``: clients refresh what they cache when it moves); None before any setting."""
    settings_changed = Open311Service.objects.aggregate(at=Max("updated_at"))["at"]
    published = ServiceVersion.objects.filter(service__open311__exposed=True).aggregate(at=Max("published_at"))["at"]
    return max((moment for moment in (settings_changed, published) if moment is not None), default=None)


def takes_open311_applications(definition: ServiceDefinition) -> bool:
    """Whether an Open311 request can become an application of ``definition`` now: its entity's
    admin let it, and nothing in this version needs what an Open311 client cannot give (a new
    version may have added a required upload since the admin chose)."""
    chosen = Open311Service.objects.filter(service__code=definition.code, exposed=True, becomes=Becomes.APPLICATION)
    return chosen.exists() and not reasons_not_an_application(definition)


# --- the requests made -----------------------------------------------------------------------------


_REQUEST_ROWS = ("service__open311", "entity")  # the service's setting now says whether its places show


def service_request(*, public_id: str) -> ServiceRequest:
    """A request by its Open311 id; public (what is shown of it is the interface's choice)."""
    found = ServiceRequest.objects.select_related(*_REQUEST_ROWS).filter(public_id=public_id.strip()).first()
    if found is None:
        raise UnknownServiceRequest()
    return found


def access_staff_service_request(user: User, reference: str) -> ServiceRequest | None:
    """The Open311 request an application or case was made from, all the requester sent
    included (place, description, media, contact), with the integrator whose key sent it; None
    when it was made another way. Only for its entity's officers and supervisors, as the
    application itself: NotFound for anyone else."""
    found = ServiceRequest.objects.select_related("api_key__integrator").filter(reference=reference).first()
    if found is not None and found.entity_id not in work_entities(user):
        raise NotFound()
    return found


def service_request_for_token(*, token: str) -> ServiceRequest:
    """The request a token was given for; public. Raises UnknownToken."""
    found = ServiceRequest.objects.filter(token=token.strip()).first()
    if found is None:
        raise UnknownToken()
    return found


@dataclass(frozen=True)
class RequestFilter:
    """GeoReport v2's filters of GET requests. ``ids`` overrides every other one."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None


def request_window(
    start: datetime | None, end: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The span a list covers: the last 90 days when neither end is given, else 90 days from the
    given end. Raises InvalidServiceRequest for a span that is reversed or longer than 90 days."""
    now = now or timezone.now()
    if start is None and end is None:
        return now - DEFAULT_SPAN, now
    if start is None:
        assert end is not None
        start = end - DEFAULT_SPAN
    elif end is None:
        end = min(start + DEFAULT_SPAN, now) if start < now else start + DEFAULT_SPAN
    if end < start:
        raise InvalidServiceRequest({"end_date": both(_("The end date is before the start date."))})
    if end - start > DEFAULT_SPAN:
        raise InvalidServiceRequest({"end_date": both(_("A search may span at most 90 days."))})
    return start, end


def service_requests(filters: RequestFilter) -> QuerySet[ServiceRequest]:
    """Requests made through Open311, the most recent first; public. Raises InvalidServiceRequest
    for a date span the specification does not allow."""
    rows = ServiceRequest.objects.select_related(*_REQUEST_ROWS).order_by("-requested_at", "-id")
    if filters.ids:
        return rows.filter(public_id__in=filters.ids)
    start, end = request_window(filters.start, filters.end)
    rows = rows.filter(requested_at__gte=start, requested_at__lte=end)
    if filters.service_codes:
        rows = rows.filter(service__code__in=filters.service_codes)
    return rows


# --- the entity admin's pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceSetting:
    """One of the entity's services with its Open311 setting (None: never set) and, when it cannot
    take applications from Open311, why."""

    service: Service
    setting: Open311Service | None
    not_an_application: list[LocalizedText]


def entity_service_settings(actor: User, entity: Entity) -> list[ServiceSetting]:
    """Each of the entity's services with its Open311 setting, by code. The entity's admins only;
    NotFound for anyone else."""
    check_entity_admin(actor, entity)
    settings = {setting.service_id: setting for setting in Open311Service.objects.filter(service__entity=entity)}
    versions = (
        ServiceVersion.objects.filter(service__entity=entity, number=F("service__current_version"))
        .select_related("service")
        .defer("document")
        .order_by("service__code")
    )
    return [
        ServiceSetting(
            service=version.service,
            setting=settings.get(version.service_id),
            not_an_application=reasons_not_an_application(parsed(version)),
        )
        for version in versions
    ]


def entity_api_keys(actor: User, entity: Entity) -> QuerySet[ApiKey]:
    """The keys issued for the entity, live ones first, newest first. Its admins only (NotFound)."""
    check_entity_admin(actor, entity)
    return (
        ApiKey.objects.filter(entity=entity)
        .select_related("integrator")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")
    )


def entity_api_key(actor: User, entity: Entity, key_id: int) -> ApiKey:
    """One of the entity's keys. Its admins only; NotFound for anyone else or another entity's key."""
    found = entity_api_keys(actor, entity).filter(pk=key_id).first()
    if found is None:
        raise NotFound()
    return found


def integrators(*, with_key_for: Entity | None = None) -> QuerySet[Integrator]:
    """The active integrators an entity admin can issue a key to, by name; with ``with_key_for``,
    only those holding a live key for that entity (who may run its webhook receivers: no entity
    learns which partners work for another)."""
    found = Integrator.objects.filter(active=True)
    if with_key_for is not None:
        keyed = ApiKey.objects.filter(entity=with_key_for, revoked_at__isnull=True).values("integrator_id")
        found = found.filter(pk__in=keyed)
    return found.order_by("name")
