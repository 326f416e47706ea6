"""Reads of service definitions: the current published version of a service, and older ones."""

from __future__ import annotations

import time

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.errors import UnknownService
from tahawul.catalog.models import Category, Entity, LifeEvent
from tahawul.definitions.checks import KnownCodes
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.schema import ServiceDefinition


def known_codes() -> KnownCodes:
    """The entity codes, category slugs and life-event slugs a definition may refer to."""
    return KnownCodes(
        entities=frozenset(Entity.objects.values_list("code", flat=True)),
        categories=frozenset(Category.objects.values_list("slug", flat=True)),
        life_events=frozenset(LifeEvent.objects.values_list("slug", flat=True)),
    )


def service_version(*, code: str, number: int | None = None) -> ServiceVersion:
    """A published version of the service ``code`` (the latest when ``number`` is None).

    Public: published definitions are what the portal and the API show to anyone.
    Raises :class:`UnknownService` when there is no such service or version.
    """
    # The document is read only the first time a process meets a version (see parsed()).
    versions = ServiceVersion.objects.filter(service__code=code).select_related("service__entity").defer("document")
    if number is None:
        latest = versions.order_by("-number").first()
        if latest is None:
            raise UnknownService()
        return latest
    version = versions.filter(number=number).first()
    if version is None:
        message = _("There is no published version %(number)s of the service %(code)s.")
        raise UnknownService(message % {"number": number, "code": code})
    return version


_PARSED: dict[tuple[int, str], ServiceDefinition] = {}


def parsed(version: ServiceVersion) -> ServiceDefinition:
    """The version's definition. A published version never changes, so each is parsed once per
    process (keyed by digest too: a test database may reuse an id for another document). Load
    versions with ``defer("document")``: decoding the JSON on every read cost more than the query."""
    key = (version.pk, version.digest)
    definition = _PARSED.get(key)
    if definition is None:
        definition = _PARSED[key] = ServiceDefinition.model_validate(version.document)
    return definition


# The latest version of each service code met by this process, with its service and entity rows.
_CURRENT: dict[str, tuple[float, ServiceVersion]] = {}
# How long a kept service or entity row may lag a change that publishes no new version (a renamed
# entity); a new version is seen at once.
_ROWS_FRESH_FOR = 60.0


def current_definition(*, code: str) -> tuple[ServiceVersion, ServiceDefinition]:
    """The latest published version of a service and its definition, parsed.

    On every submission's path: which version is latest is asked every time, but with a query that
    joins and decodes nothing; the version row with its service and entity is read again only when
    that answer changes (or the kept rows are a minute old).
    """
    latest = ServiceVersion.objects.filter(service__code=code).order_by("-number").values_list("pk", "digest").first()
    if latest is None:
        raise UnknownService()
    kept = _CURRENT.get(code)
    now = time.monotonic()
    if kept is None or (kept[1].pk, kept[1].digest) != latest or now - kept[0] > _ROWS_FRESH_FOR:
        kept = _CURRENT[code] = (now, service_version(code=code))
    version = kept[1]
    return version, parsed(version)


def entity_definitions(entity_id: int) -> list[tuple[ServiceVersion, ServiceDefinition]]:
    """The current published version of each of the entity's services, parsed, in one query."""
    versions = (
        ServiceVersion.objects.filter(service__entity_id=entity_id, number=F("service__current_version"))
        .select_related("service")
        .defer("document")
    )
    return [(version, parsed(version)) for version in versions]
