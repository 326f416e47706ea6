"""``tahawul demo_status [--if-empty] [--days N] [--seed N]``: give the status page a history of
daily uptime and past incidents (``tahawul run`` calls it with --if-empty on a demonstration)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.demo.status_history import generate_status_history, history_exists


class Command(BaseCommand):
    help = "Add 90 days of channel-health history and a few past incidents to the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when there is a history already")
        parser.add_argument("--days", type=int, default=90, help="days of history, ending yesterday")
        parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same history")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more")
        if options["if_empty"] and history_exists():
            return
        history = generate_status_history(seed=options["seed"], days=options["days"])
        self.stdout.write(
            f"demo status history loaded: {history.days} days from {history.start} to {history.end}, "
            f"{history.incidents} past incidents"
        )
