"""Publishing service definitions. Every write of this app goes through here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.actions import ServiceListing, list_service
from tahawul.catalog.models import Service
from tahawul.definitions.errors import DefinitionsInvalid
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.problems import Problem
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.selectors import known_codes
from tahawul.definitions.validation import ValidatedSource, validate_file
from tahawul.definitions.workflow import expected_working_days


@dataclass(frozen=True)
class Published:
    code: str
    version: int
    changed: bool  # False when the document equalled the current version and nothing was written


def definition_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files named, and those found (recursively, in order) in the directories named."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return files


def validate_paths(paths: Sequence[Path], *, check_references: bool = True) -> list[ValidatedSource]:
    """Validate every file against the schema, the checks and (unless ``check_references`` is
    false) the entities, categories and life events the platform knows.

    Also reports a service code defined by two files. Reads the database, writes nothing.
    """
    known = known_codes() if check_references else None
    results = [validate_file(path, known=known) for path in definition_files(paths)]
    first_file: dict[str, str] = {}
    for result in results:
        if result.definition is None:
            continue
        code = result.definition.code
        if code in first_file:
            result.problems.append(
                Problem(
                    ("code",),
                    _("the service %(code)s is also defined in %(file)s"),
                    {"code": code, "file": first_file[code]},
                    file=result.file,
                    line=2,
                )
            )
        else:
            first_file[code] = result.file
    return results


@transaction.atomic
def load_definitions(*, paths: Sequence[Path]) -> list[Published]:
    """Validate the files and publish a new version of each service whose document changed.

    All or nothing: when any file has a problem, raises :class:`DefinitionsInvalid` carrying
    every problem, and nothing is published. Unchanged documents publish nothing.
    """
    results = validate_paths(paths)
    problems = [problem for result in results for problem in result.problems]
    if problems:
        raise DefinitionsInvalid(problems)
    return [
        publish_definition(definition=result.definition, source_name=result.file)
        for result in results
        if result.definition is not None
    ]


def digest_of(definition: ServiceDefinition) -> str:
    canonical = json.dumps(definition.normalised(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def publish_definition(*, definition: ServiceDefinition, source_name: str = "") -> Published:
    """Publish ``definition`` as the next version of its service, unless it equals the current one.

    The caller has validated it (:func:`validate_paths` or ``validation.validate_data``). The
    service row is locked so two publishers cannot take the same version number; the catalogue
    listing and search terms are rewritten in the same transaction.
    """
    digest = digest_of(definition)
    service = Service.objects.select_for_update().filter(code=definition.code).first()
    current = service.versions.order_by("-number").first() if service is not None else None
    if current is not None and current.digest == digest:
        return Published(code=definition.code, version=current.number, changed=False)
    number = current.number + 1 if current is not None else 1
    service = list_service(_listing(definition, number))
    ServiceVersion.objects.create(
        service=service, number=number, document=definition.normalised(), digest=digest, source_name=source_name
    )
    return Published(code=definition.code, version=number, changed=True)


def _listing(definition: ServiceDefinition, version: int) -> ServiceListing:
    fee = definition.fee
    return ServiceListing(
        code=definition.code,
        entity_code=definition.entity,
        category_slug=definition.category,
        life_event_slugs=definition.life_events,
        name=definition.name,
        summary=definition.summary,
        description=definition.description,
        keywords=[*definition.keywords.ar, *definition.keywords.en],
        channels=[str(channel) for channel in definition.channels],
        maturity=str(definition.maturity),
        fee_fils=fee.amount if fee is not None else None,
        fee_varies=bool(fee and fee.rules),
        working_days=expected_working_days(definition.workflow) if definition.workflow else None,
        annual_volume=definition.annual_volume or 0,
        version=version,
    )
