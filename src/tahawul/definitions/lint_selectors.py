"""Reads for the simplification linter: published versions with their findings, for the command
line (every service) and for an entity's service designers (their entity's services only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from tahawul.catalog.models import Entity, Service
from tahawul.definitions.lint import Finding, count_by_severity, lint
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.selectors import parsed
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_in

DESIGNER_ROLES = frozenset({Role.DESIGNER, Role.ENTITY_ADMIN})


@dataclass(frozen=True)
class LintedVersion:
    version: ServiceVersion  # with its service
    definition: ServiceDefinition
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)


def may_design(user: User, entity: Entity) -> bool:
    """Whether ``user`` re-engineers ``entity``'s services: its service designers and admins."""
    return bool(roles_in(user, entity.pk) & DESIGNER_ROLES)


def _current_versions(entity: Entity | None = None) -> list[ServiceVersion]:
    versions = ServiceVersion.objects.filter(number=F("service__current_version"))
    if entity is not None:
        versions = versions.filter(service__entity=entity)
    return list(versions.select_related("service").defer("document").order_by("service__code"))


def _linted(version: ServiceVersion) -> LintedVersion:
    definition = parsed(version)
    return LintedVersion(version=version, definition=definition, findings=lint(definition))


def linted_current_versions() -> list[LintedVersion]:
    """The current published version of every service, linted, by service code.

    For the command line (``tahawul definitions lint --all``): published definitions are public.
    """
    return [_linted(version) for version in _current_versions()]


def access_entity_lint(actor: User, entity: Entity) -> list[LintedVersion]:
    """The current version of each of ``entity``'s services, linted, by service name.

    Only for the entity's service designers and admins; anyone else gets :class:`NotFound`.
    """
    if not may_design(actor, entity):
        raise NotFound()
    return sorted(
        (_linted(version) for version in _current_versions(entity)), key=lambda item: item.version.service.name
    )


@dataclass(frozen=True)
class ServiceLint:
    service: Service
    versions: list[LintedVersion]  # newest first, each linted, so a designer sees findings fall
    current: LintedVersion


def access_service_lint(actor: User, entity: Entity, service_code: str) -> ServiceLint:
    """One of ``entity``'s services: its versions, each linted (the current one among them).

    Only for the entity's service designers and admins; a service of another entity, or none,
    is :class:`NotFound` too, so a designer learns nothing about other entities' codes.
    """
    if not may_design(actor, entity):
        raise NotFound()
    service = Service.objects.filter(code=service_code, entity=entity).first()
    if service is None:
        raise NotFound()
    versions = [_linted(version) for version in service.versions.select_related("service").order_by("-number")]
    current = next((item for item in versions if item.version.number == service.current_version), None)
    if current is None:
        raise NotFound()
    return ServiceLint(service=service, versions=versions, current=current)
