"""Periodic tasks: what the worker's scheduler thread queues, and how often.

The registry is settings.TAHAWUL_PERIODIC_TASKS, a list of (dotted path of a django-tasks task,
interval in seconds); without the setting, DEFAULT_PERIODIC_TASKS. A setting replaces the default
list, so it must name requeue_stalled too.

Every ``tahawul worker`` process runs a scheduler, so with several app servers a periodic task is
queued several times per interval: periodic tasks must be idempotent (requeue_stalled is).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connections
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger(__name__)

DEFAULT_PERIODIC_TASKS: list[tuple[str, float]] = [("tahawul.notifications.tasks.requeue_stalled", 300)]
IDLE_TICK_SECONDS = 1.0
PENDING_RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class PeriodicTask:
    path: str
    interval: float  # seconds
    task: Task[[], Any]


def configured_periodic_tasks() -> list[PeriodicTask]:
    """The registry, checked: every path must name a task that takes no arguments."""
    entries: Sequence[tuple[str, float]] = getattr(settings, "TAHAWUL_PERIODIC_TASKS", DEFAULT_PERIODIC_TASKS)
    periodic = []
    for path, interval in entries:
        try:
            target = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(f"TAHAWUL_PERIODIC_TASKS: cannot import {path!r}: {error}") from error
        if not isinstance(target, Task):
            raise ImproperlyConfigured(f"TAHAWUL_PERIODIC_TASKS: {path!r} is not a task (decorate it with @task).")
        if not interval > 0:
            raise ImproperlyConfigured(f"TAHAWUL_PERIODIC_TASKS: the interval of {path!r} must be positive.")
        periodic.append(PeriodicTask(path=path, interval=float(interval), task=target))
    return periodic


@dataclass
class Scheduler:
    """Queues each periodic task when its interval has passed, first at start-up.

    While the last run still waits in the queue no other is queued, so a busy or stopped worker
    does not pile up copies. A running one does not hold the next back: a worker killed mid-task
    leaves its task "running" for ever.
    """

    periodic: Sequence[PeriodicTask]
    _next_run: dict[str, float] = field(default_factory=dict)
    _last_result: dict[str, TaskResult[Any]] = field(default_factory=dict)

    def tick(self, now: float) -> list[str]:
        """Queue what is due at monotonic time ``now``; return the paths queued."""
        queued = []
        for entry in self.periodic:
            if now < self._next_run.get(entry.path, now):
                continue
            if self._still_pending(entry.path):
                # Look again a little later rather than on every tick.
                self._next_run[entry.path] = now + min(entry.interval, PENDING_RECHECK_SECONDS)
                continue
            self._last_result[entry.path] = entry.task.enqueue()
            self._next_run[entry.path] = now + entry.interval
            queued.append(entry.path)
        return queued

    def _still_pending(self, path: str) -> bool:
        previous = self._last_result.get(path)
        if previous is None or not previous.task.get_backend().supports_get_result:
            return False
        try:
            previous.refresh()
        except TaskResultDoesNotExist:
            return False  # pruned: long finished
        return previous.status == TaskResultStatus.READY

    def run(self, stop: threading.Event) -> None:
        """Tick until ``stop`` is set; for a thread beside the worker."""
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self.tick(time.monotonic())
                except Exception:
                    # A database hiccup must not end scheduling for the life of the worker.
                    logger.exception("The scheduler could not queue periodic tasks; trying again.")
                stop.wait(IDLE_TICK_SECONDS)
        finally:
            connections.close_all()
