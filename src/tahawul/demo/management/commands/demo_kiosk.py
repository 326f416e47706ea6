"""``tahawul demo_kiosk [--base-url URL]``: print a fresh one-time link that makes a browser the
demo's kiosk K-01 (``tahawul run`` prints it with the demo accounts)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tahawul.demo.kiosks import kiosk_enrolment_lines


class Command(BaseCommand):
    help = "Print a one-time link that enrols a browser as the demo kiosk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default=settings.TAHAWUL_PUBLIC_URL, help="where the platform is served")

    def handle(self, *args: Any, **options: Any) -> None:
        for line in kiosk_enrolment_lines(options["base_url"].rstrip("/")):
            self.stdout.write(line)
