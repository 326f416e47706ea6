"""Loading the demo government: its structure (government.yaml), then its service definitions."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict

from tahawul.catalog.actions import EntityData, TaxonomyItem, save_government_structure
from tahawul.catalog.models import Entity, Service
from tahawul.definitions.actions import Published, definition_files, load_definitions
from tahawul.demo.kiosks import load_kiosks
from tahawul.demo.open311 import load_open311_demo
from tahawul.identity.actions import Person, save_people
from tahawul.identity.models import User

DEMO_DIR = Path(__file__).resolve().parent
STRUCTURE_FILE = DEMO_DIR / "government.yaml"
SERVICES_DIR = DEMO_DIR / "services"
# Earlier, less simplified versions of some services (same file names as in services/), published
# before the current ones so the re-engineering report has a real service with two versions.
EARLIER_SERVICES_DIR = DEMO_DIR / "services_earlier"


class GovernmentStructure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entities: list[EntityData]
    categories: list[TaxonomyItem]
    life_events: list[TaxonomyItem]


def load_structure(path: Path = STRUCTURE_FILE) -> None:
    structure = GovernmentStructure.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    save_government_structure(
        entities=structure.entities, categories=structure.categories, life_events=structure.life_events
    )


@transaction.atomic
def load_demo() -> list[Published]:
    """The demo government's structure and all its services (unchanged ones publish nothing).

    A service with an earlier version in services_earlier/ that has never been published gets
    that version first (version 1), then the current one (version 2)."""
    load_structure()
    earlier = _earlier_versions_to_publish()
    published = load_definitions(paths=earlier) if earlier else []
    published += load_definitions(paths=[SERVICES_DIR])
    load_kiosks()  # a service centre with two kiosks
    return published


def _earlier_versions_to_publish() -> list[Path]:
    """The earlier versions of services that have no version yet: on a second load the service
    has both, and publishing the earlier one again would make it a third version."""
    files = definition_files([EARLIER_SERVICES_DIR])
    codes = {path: _service_code(path) for path in files}
    published = set(
        Service.objects.filter(code__in=codes.values(), versions__isnull=False).values_list("code", flat=True)
    )
    return [path for path in files if codes[path] not in published]


def _service_code(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(data.get("code", "")) if isinstance(data, dict) else ""


PEOPLE_FILE = Path(__file__).resolve().parent / "people.yaml"
# Fictional accounts, created only while TAHAWUL_DEMO is on (never in production by default);
# `tahawul run` prints them with this password.
DEMO_PASSWORD = "demo-tahawul-2026"  # noqa: S105


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Name(_Strict):
    ar: str
    en: str


class _Person(_Strict):
    username: str
    name: _Name
    language: str = "ar"
    national_id: str | None = None
    mobile: str = ""
    email: str = ""
    roles: dict[str, list[str]] = {}


class _People(_Strict):
    beneficiaries: list[_Person]
    staff: list[_Person]


def demo_people(path: Path = PEOPLE_FILE) -> _People:
    return _People.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_people(path: Path = PEOPLE_FILE) -> list[User]:
    """The demo accounts: beneficiaries, and staff in every role across several entities."""
    people = demo_people(path)
    saved = save_people(
        [
            Person(
                username=item.username,
                name_ar=item.name.ar,
                name_en=item.name.en,
                language=item.language,
                national_id=item.national_id,
                mobile=item.mobile,
                email=item.email,
                roles=item.roles,
            )
            for item in [*people.beneficiaries, *people.staff]
        ],
        password=DEMO_PASSWORD,
        entity_ids=dict(Entity.objects.values_list("code", "id")),
    )
    load_open311_demo()  # services on Open311 and a demo integrator
    return saved


def catalogue_is_empty() -> bool:
    return not Service.objects.exists()
