"""``tahawul run``: prepare the database and static files, then serve with gunicorn.

What ``make run`` calls. Not Django's development server: gunicorn sync workers, one per core
(measured best on SQLite, DESIGN.md §8), static files through whitenoise.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, load the demo government when the catalogue is empty, and serve with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo government")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo", "load", if_empty=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        shown_host = "127.0.0.1" if options["host"] in {"0.0.0.0", "::"} else options["host"]  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"\nTahawul is serving on http://{shown_host}:{options['port']}/"))
        self.stdout.write(f"  portal (Arabic):  http://{shown_host}:{options['port']}/ar/")
        self.stdout.write(f"  portal (English): http://{shown_host}:{options['port']}/en/")
        self.stdout.write(f"  API docs:         http://{shown_host}:{options['port']}/api/v1/docs")
        self.stdout.write(f"  database:         {settings.DATABASES['default']['NAME']}\n")
        sys.stdout.flush()
        gunicorn = [sys.executable, "-m", "gunicorn", "tahawul.wsgi:application", "--bind", address]
        gunicorn += ["--workers", str(options["workers"]), "--worker-class", "sync", "--access-logfile", "-"]
        os.execv(sys.executable, gunicorn)  # noqa: S606 (becomes gunicorn; fixed arguments, no shell)
