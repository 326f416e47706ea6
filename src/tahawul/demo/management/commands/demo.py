"""``tahawul demo load [--if-empty] [--ratings N]``: load the fictional demo government;
``tahawul demo feedback [--ratings N]``: add a history of ratings and cases to it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.definitions.errors import DefinitionsInvalid
from tahawul.demo.feedback_history import FeedbackHistory, generate_feedback
from tahawul.demo.loader import DEMO_PASSWORD, catalogue_is_empty, demo_people, load_demo, load_people, load_structure

DEMO_RATINGS = 5_000  # a dashboard with figures in it, in about a second


class Command(BaseCommand):
    help = "Load the demo government: entities, categories, life events and ~120 services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["load", "structure", "people", "feedback"],
            help=(
                "load: everything; structure: entities, categories and life events only; "
                "people: print the demo accounts; feedback: add generated ratings and cases"
            ),
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the catalogue has services")
        parser.add_argument(
            "--ratings",
            type=int,
            default=DEMO_RATINGS,
            help=(
                f"ratings to generate (default {DEMO_RATINGS}); with load, only while TAHAWUL_DEMO is on, "
                "and 0 loads none"
            ),
        )
        parser.add_argument("--days", type=int, default=120, help="days of feedback history, ending yesterday")
        parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same history")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "people":
            self.print_people()
            return
        if options["action"] == "feedback":
            self.load_feedback(options)
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
        if settings.TAHAWUL_DEMO and options["ratings"] > 0:  # invented figures only on a demonstration
            self.load_feedback(options)

    def load_feedback(self, options: dict[str, Any]) -> None:
        if options["ratings"] < 0 or options["days"] < 1:
            raise CommandError("--ratings must be 0 or more and --days 1 or more")
        history: FeedbackHistory = generate_feedback(
            seed=options["seed"], ratings=options["ratings"], days=options["days"]
        )
        self.stdout.write(
            f"demo feedback loaded: {history.ratings} ratings from {history.start} to {history.end}, "
            f"{history.cases} cases"
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
