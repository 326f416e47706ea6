"""Loading the demo government: its structure (government.yaml), then its service definitions."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict

from tahawul.catalog.actions import EntityData, TaxonomyItem, save_government_structure
from tahawul.catalog.models import Service
from tahawul.core.text import LocalizedText
from tahawul.definitions.actions import Published, load_definitions

DEMO_DIR = Path(__file__).resolve().parent
STRUCTURE_FILE = DEMO_DIR / "government.yaml"
SERVICES_DIR = DEMO_DIR / "services"


class _Entity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    kind: str
    name: LocalizedText
    website: str = ""
    phone: str = ""
    email: str = ""


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str
    name: LocalizedText


class GovernmentStructure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entities: list[_Entity]
    categories: list[_Item]
    life_events: list[_Item]


def load_structure(path: Path = STRUCTURE_FILE) -> None:
    structure = GovernmentStructure.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    save_government_structure(
        entities=[EntityData(**dict(entity)) for entity in structure.entities],
        categories=[TaxonomyItem(slug=item.slug, name=item.name) for item in structure.categories],
        life_events=[TaxonomyItem(slug=item.slug, name=item.name) for item in structure.life_events],
    )


@transaction.atomic
def load_demo() -> list[Published]:
    """The demo government's structure and all its services (unchanged ones publish nothing)."""
    load_structure()
    return load_definitions(paths=[SERVICES_DIR])


def catalogue_is_empty() -> bool:
    return not Service.objects.exists()
