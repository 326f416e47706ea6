"""``tahawul simulate [--months 24] [--seed 7] [--scale 1.0]``: a history for the demo government
(docs/simulator.md). Prints what it wrote and how long it took."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.demo.loader import catalogue_is_empty
from tahawul.demo.simulate import HistoryExists, SimulatedHistory, simulate


class Command(BaseCommand):
    help = "Generate a believable history for the demo government: plans, applications, KPIs, feedback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=24, help="months of history, ending with last month")
        parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same history")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0: a fiftieth of the catalogue's annual volumes (~200,000 applications in 24 months); 50: all",
        )
        parser.add_argument(
            "--event-months",
            type=int,
            default=1,
            help="months (the latest) whose applications get their start, submit and closing events",
        )
        parser.add_argument("--no-feedback", action="store_true", help="no ratings, comments or cases")

    def handle(self, *args: Any, **options: Any) -> None:
        if catalogue_is_empty():
            raise CommandError("there are no services: load the demo government first (tahawul demo load)")
        try:
            history = simulate(
                months=options["months"],
                seed=options["seed"],
                scale=options["scale"],
                event_months=options["event_months"],
                with_feedback=not options["no_feedback"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        except HistoryExists:
            raise CommandError(
                "this database already has a simulated history or plans; simulate into a fresh database"
            ) from None
        self.report(history)

    def report(self, history: SimulatedHistory) -> None:
        self.stdout.write(history.summary())
