"""``tahawul worker``: the periodic-task registry and its scheduler."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tahawul.notifications.periodic import DEFAULT_PERIODIC_TASKS, Scheduler, configured_periodic_tasks
from tahawul.notifications.tasks import requeue_stalled

REQUEUE = "tahawul.notifications.tasks.requeue_stalled"

pytestmark = pytest.mark.django_db


def _results(path: str, status: TaskResultStatus | None = None) -> int:
    results = DBTaskResult.objects.filter(task_path=path)
    return (results.filter(status=status) if status else results).count()


def test_without_the_setting_the_sweep_of_stalled_deliveries_is_scheduled(settings: Any) -> None:
    del settings.TAHAWUL_PERIODIC_TASKS
    [entry] = configured_periodic_tasks()
    assert DEFAULT_PERIODIC_TASKS == [(REQUEUE, 300)]
    assert entry.task is requeue_stalled
    assert entry.interval == 300


@pytest.mark.parametrize(
    ("entries", "complaint"),
    [
        ([("tahawul.notifications.nowhere.sweep", 60)], "cannot import"),
        ([("tahawul.notifications.tasks.retry_delay", 60)], "is not a task"),
        ([(REQUEUE, 0)], "must be positive"),
    ],
)
def test_a_wrong_registry_stops_the_worker_at_start(settings: Any, entries: object, complaint: str) -> None:
    settings.TAHAWUL_PERIODIC_TASKS = entries
    with pytest.raises(ImproperlyConfigured, match=complaint):
        configured_periodic_tasks()


def test_the_scheduler_queues_on_start_then_every_interval_never_piling_up(settings: Any) -> None:
    settings.TAHAWUL_PERIODIC_TASKS = [(REQUEUE, 300)]
    scheduler = Scheduler(configured_periodic_tasks())

    assert scheduler.tick(1000.0) == [REQUEUE]
    assert scheduler.tick(1010.0) == []  # interval not over
    assert scheduler.tick(1300.0) == []  # due, but last run is still queued: no second copy
    assert _results(REQUEUE) == 1

    call_command("worker", "--once", "--no-scheduler", verbosity=0)  # runs it
    assert _results(REQUEUE, TaskResultStatus.SUCCESSFUL) == 1
    assert scheduler.tick(1301.0) == []  # looks again a little later, not on every tick
    assert scheduler.tick(1330.0) == [REQUEUE]
    assert _results(REQUEUE) == 2


def test_worker_once_runs_every_periodic_task_and_everything_queued(settings: Any, outbox: Path) -> None:
    handlers_before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    call_command("worker", "--once", verbosity=0)

    assert _results(REQUEUE, TaskResultStatus.SUCCESSFUL) == 1
    assert _results(REQUEUE, TaskResultStatus.READY) == 0
    # db_worker installs its own signal handlers; the caller gets its own back.
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers_before
