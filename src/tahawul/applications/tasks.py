"""Background work of the applications app, run by ``tahawul worker``."""

from __future__ import annotations

import logging

from django_tasks import task

from tahawul.applications.actions import sweep_sla

log = logging.getLogger(__name__)


@task()
def sweep_sla_task() -> dict[str, int]:
    warned, breached = sweep_sla()
    if warned or breached:
        log.info("SLA sweep: %d warned, %d breached", warned, breached)
    return {"warned": warned, "breached": breached}
