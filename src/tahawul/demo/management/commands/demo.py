"""``tahawul demo load [--if-empty] [--scale S]``: load the fictional demo government and, on a
demonstration, a small simulated history (docs/simulator.md);
``tahawul demo feedback [--ratings N]``: add a history of ratings and cases only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.definitions.errors import DefinitionsInvalid
from tahawul.demo.feedback_history import FeedbackHistory, generate_feedback
from tahawul.demo.loader import DEMO_PASSWORD, catalogue_is_empty, demo_people, load_demo, load_people, load_structure
from tahawul.demo.simulate import HistoryExists, simulate

DEMO_RATINGS = 5_000  # a dashboard with figures in it, in about a second
# A five-hundredth of the catalogue's volumes: ~19,000 applications over 24 months in a few
# seconds, enough for every dashboard (KPIs, plans, satisfaction) to draw.
DEMO_SCALE = 0.1


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
            "--ratings", type=int, default=DEMO_RATINGS, help=f"feedback: ratings to generate (default {DEMO_RATINGS})"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=DEMO_SCALE,
            help=(
                f"load: the simulated history's scale (default {DEMO_SCALE}, see `tahawul simulate`), "
                "only while TAHAWUL_DEMO is on; 0 loads none"
            ),
        )
        parser.add_argument("--months", type=int, default=24, help="load: months of simulated history")
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
        if settings.TAHAWUL_DEMO and options["scale"] > 0:  # invented figures only on a demonstration
            self.load_history(options)

    def load_history(self, options: dict[str, Any]) -> None:
        """One history: plans, applications, KPI counters, ratings and cases, all consistent."""
        try:
            history = simulate(months=options["months"], seed=options["seed"], scale=options["scale"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        except HistoryExists:
            self.stdout.write("a simulated history or plans are already there; no history added")
            return
        self.stdout.write(history.summary())

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
