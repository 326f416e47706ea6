"""``tahawul run``: prepare the database and static files, then serve with gunicorn beside a worker.

What ``make run`` calls. Not Django's development server: gunicorn sync workers, one per core
(measured best on SQLite, DESIGN.md §8), static files through whitenoise. ``tahawul worker``
runs beside it as a second child process (notifications, SLA sweeps); this process only watches
the two, passes SIGTERM/SIGINT on to both, restarts the worker if it dies and stops it when
gunicorn exits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tahawul.core.queues import OUTBOUND_QUEUE

WATCH_SECONDS = 0.5
WORKER_RESTART_DELAY = 5.0
STOP_TIMEOUT = 30.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to SIGTERM the child when this process dies, even by SIGKILL.

    Without it a killed ``tahawul run`` would leave gunicorn holding the port. None elsewhere.
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    parent = os.getpid()

    def hook() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return hook


def _exit_status(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode  # killed by signal N: 128 + N, as a shell says


class Command(BaseCommand):
    help = "Migrate, load the demo government when the catalogue is empty, and serve with gunicorn and a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo government")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (run `tahawul worker` elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo", "load", if_empty=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        shown_host = "127.0.0.1" if options["host"] in {"0.0.0.0", "::"} else options["host"]  # noqa: S104
        # Links in messages and QR codes, and the worker's channel checks, lead to where we serve
        # unless the address people reach us at is configured.
        os.environ.setdefault("TAHAWUL_PUBLIC_URL", f"http://{shown_host}:{options['port']}")
        self.stdout.write(self.style.SUCCESS(f"\nTahawul is serving on http://{shown_host}:{options['port']}/"))
        self.stdout.write(f"  portal (Arabic):  http://{shown_host}:{options['port']}/ar/")
        self.stdout.write(f"  portal (English): http://{shown_host}:{options['port']}/en/")
        self.stdout.write(f"  back office:      http://{shown_host}:{options['port']}/ar/office/")
        self.stdout.write(f"  satisfaction:     http://{shown_host}:{options['port']}/ar/insights/satisfaction/")
        self.stdout.write(f"  API docs:         http://{shown_host}:{options['port']}/api/v1/docs")
        self.stdout.write(f"  Open311:          http://{shown_host}:{options['port']}/open311/v2/discovery.xml")
        self.stdout.write(f"  status:           http://{shown_host}:{options['port']}/ar/status/")
        self.stdout.write(f"  database:         {settings.DATABASES['default']['NAME']}")
        if settings.TAHAWUL_DEMO and not options["no_demo"]:
            self.stdout.write("")
            call_command("demo", "people")
            call_command("demo_kiosk", base_url=f"http://{shown_host}:{options['port']}")
            call_command("demo_status", if_empty=True)  # the status page's 90 days and past incidents
        gunicorn = [sys.executable, "-m", "gunicorn", "tahawul.wsgi:application", "--bind", address]
        gunicorn += ["--workers", str(options["workers"]), "--worker-class", "sync", "--access-logfile", "-"]
        supervisor = _Supervisor(gunicorn=gunicorn, with_worker=not options["no_worker"], report=self.stderr.write)
        supervisor.start()
        if supervisor.workers:
            pids = ", ".join(str(worker.pid) for worker in supervisor.workers)
            self.stdout.write(f"  workers:          running (pids {pids}): notifications, sweeps; webhooks, checks\n")
        else:
            self.stdout.write("  workers:          not started (--no-worker); run `tahawul worker` elsewhere\n")
        sys.stdout.flush()
        sys.exit(supervisor.watch())


class _Supervisor:
    """gunicorn and the workers, each in its own process group: a Ctrl-C reaches them once, through us."""

    def __init__(self, *, gunicorn: list[str], with_worker: bool, report: Callable[[str], None]) -> None:
        self.report = report
        self.gunicorn_command = gunicorn
        self.worker_commands = _worker_commands() if with_worker else []
        self.gunicorn: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.stopping = False
        self.hook = _die_with_parent()

    def _spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        # Fixed arguments, no shell.
        return subprocess.Popen(command, process_group=0, preexec_fn=self.hook)  # noqa: S603

    def start(self) -> None:
        signal.signal(signal.SIGTERM, self._forward)
        signal.signal(signal.SIGINT, self._forward)
        self.workers = [self._spawn(command) for command in self.worker_commands]
        self.gunicorn = self._spawn(self.gunicorn_command)

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for child in (self.gunicorn, *self.workers):
            if child is not None and child.poll() is None:
                child.send_signal(signum)

    def watch(self) -> int:
        """Wait for gunicorn to exit; keep the workers alive meanwhile. Returns gunicorn's exit status."""
        assert self.gunicorn is not None
        while (returncode := self.gunicorn.poll()) is None:
            for index, worker in enumerate(self.workers):
                if worker.poll() is None or self.stopping:
                    continue
                self.report(
                    f"A worker stopped (exit status {_exit_status(worker.returncode)}); "
                    f"restarting it in {WORKER_RESTART_DELAY:.0f} s."
                )
                time.sleep(WORKER_RESTART_DELAY)
                if not self.stopping:
                    self.workers[index] = self._spawn(self.worker_commands[index])
            time.sleep(WATCH_SECONDS)
        for worker in self.workers:
            self._stop_worker(worker)
        return _exit_status(returncode)

    def _stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is not None:
            return
        if not self.stopping:
            # A second signal would make the worker abandon the task it is running; send only one.
            worker.terminate()
        try:
            worker.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _worker_commands() -> list[list[str]]:
    """One worker for the platform's own queue (with the scheduler), one for calls to other servers."""
    worker = [sys.executable, "-m", "tahawul", "worker"]
    return [[*worker, "--exclude-queues", OUTBOUND_QUEUE], [*worker, "--queue", OUTBOUND_QUEUE, "--no-scheduler"]]
