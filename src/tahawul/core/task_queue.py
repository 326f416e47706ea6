"""What the database task queue holds, for the sweeps that requeue lost work."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def waiting_ids(task: Task[Any, Any]) -> set[int]:
    """The first arguments (row ids) of ``task``'s runs waiting in the database queue.

    A backlog is not a loss: without this, a worker that falls behind would get a duplicate of
    every waiting run each sweep, and fall further behind. Running tasks do not count: a worker
    killed mid-task leaves its task "running" for ever. Other backends cannot be asked cheaply, so
    they answer nothing, and there a duplicate is only wasted work.
    """
    backend: object = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return set()
    waiting = DBTaskResult.objects.filter(
        task_path=task.module_path, backend_name=task.backend, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    return {int(argument) for arguments in waiting.iterator() for argument in arguments.get("args", [])}
