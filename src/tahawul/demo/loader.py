"""Loading the demo government: its structure (government.yaml), then its service definitions."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict

from tahawul.catalog.actions import EntityData, TaxonomyItem, save_government_structure
from tahawul.catalog.models import Service
from tahawul.definitions.actions import Published, load_definitions

DEMO_DIR = Path(__file__).resolve().parent
STRUCTURE_FILE = DEMO_DIR / "government.yaml"
SERVICES_DIR = DEMO_DIR / "services"


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
    """The demo government's structure and all its services (unchanged ones publish nothing)."""
    load_structure()
    return load_definitions(paths=[SERVICES_DIR])


def catalogue_is_empty() -> bool:
    return not Service.objects.exists()
