"""``tahawul worker``: run background tasks (django-tasks' database worker) and the periodic scheduler.

``tahawul run`` starts one beside gunicorn. More can run, on any machine that reaches the
database; give extra ones ``--no-scheduler`` so periodic tasks are not queued once per process.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from tahawul.notifications.periodic import PeriodicTask, Scheduler, configured_periodic_tasks

WORKER_ID_MAX_CHARS = 64  # django-tasks-db's limit


def _worker_id() -> str:
    # Readable in the task table (which machine, which process) and unique across the pool.
    suffix = f"-{os.getpid()}-{get_random_string(6)}"
    return socket.gethostname()[: WORKER_ID_MAX_CHARS - len(suffix)] + suffix


class Command(BaseCommand):
    help = "Run background tasks (notifications, SLA sweeps) and queue the periodic ones on schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="queue every periodic task once, run everything queued and due, then exit",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to wait when no task is due (default: 1)"
        )
        parser.add_argument("--no-scheduler", action="store_true", help="do not queue periodic tasks")
        parser.add_argument(
            "--queue", default="*", help="comma-separated queues to run (default: all; see settings.TASKS)"
        )
        parser.add_argument("--exclude-queues", default="", help="comma-separated queues not to run")

    def handle(self, *args: Any, **options: Any) -> None:
        # Typed as object: the stubs of django-tasks and django-tasks-db disagree on the base class.
        backend: object = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                f"The task backend is {type(backend).__name__}; run that backend's own worker instead of this one."
            )
        periodic = [] if options["no_scheduler"] else configured_periodic_tasks()
        worker_options: dict[str, Any] = {
            "queue_name": options["queue"],
            "exclude_queues": options["exclude_queues"],
            # The autoreloader would run the tasks in a child process, away from the scheduler
            # thread, and can stop a task half-way; never wanted here.
            "reload": False,
            "startup_delay": False,
            "worker_id": _worker_id(),
            "verbosity": options["verbosity"],
        }
        # db_worker installs its own SIGINT/SIGTERM handlers; give the caller (a test, a shell) its own back.
        previous_handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            if options["once"]:
                for entry in periodic:
                    entry.task.enqueue()
                call_command("db_worker", batch=True, interval=0, **worker_options)
                return
            self._run_forever(periodic, options["interval"], worker_options)
        finally:
            for signum, handler in previous_handlers.items():
                signal.signal(signum, handler)

    def _run_forever(self, periodic: list[PeriodicTask], interval: float, worker_options: dict[str, Any]) -> None:
        stop = threading.Event()
        scheduler = threading.Thread(
            target=Scheduler(periodic).run, args=(stop,), name="tahawul-scheduler", daemon=True
        )
        if periodic:
            scheduler.start()
            paths = ", ".join(entry.path for entry in periodic)
            self.stdout.write(f"Scheduling periodic tasks: {paths}")
        try:
            call_command("db_worker", interval=interval, **worker_options)
        finally:
            stop.set()
            if scheduler.is_alive():
                scheduler.join(timeout=10)
