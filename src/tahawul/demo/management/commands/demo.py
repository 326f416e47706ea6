"""``tahawul demo load [--if-empty]``: load the fictional demo government."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.definitions.errors import DefinitionsInvalid
from tahawul.demo.loader import DEMO_PASSWORD, catalogue_is_empty, demo_people, load_demo, load_people, load_structure


class Command(BaseCommand):
    help = "Load the demo government: entities, categories, life events and ~120 services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["load", "structure", "people"],
            help=(
                "load: everything; structure: entities, categories and life events only; "
                "people: print the demo accounts"
            ),
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the catalogue has services")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "people":
            self.print_people()
            return
        if options["action"] == "structure":
            load_structure()
            self.stdout.write("demo structure loaded")
            return
        if options["if_empty"] and not catalogue_is_empty():
            self.stdout.write("the catalogue already has services; demo not loaded")
            return
        try:
            published = load_demo()
        except DefinitionsInvalid as error:
            for problem in error.problems:
                self.stdout.write(str(problem))
            raise CommandError("the demo definitions have problems; nothing was loaded") from None
        if settings.TAHAWUL_DEMO:  # known passwords: never on a server that is not a demonstration
            load_people()
        changed = sum(1 for item in published if item.changed)
        self.stdout.write(
            f"demo government loaded: {changed} service version(s) published, {len(published) - changed} unchanged"
        )

    def print_people(self) -> None:
        people = demo_people()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for person in people.beneficiaries:
            self.stdout.write(
                f"  {person.username:<18} beneficiary ({person.name.en}, national ID {person.national_id})"
            )
        for person in people.staff:
            roles = "; ".join(
                f"{', '.join(roles)} @ {code if code != '*' else 'all entities'}"
                for code, roles in person.roles.items()
            )
            self.stdout.write(f"  {person.username:<18} {roles} ({person.name.en})")
