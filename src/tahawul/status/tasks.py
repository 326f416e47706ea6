"""Background work of the status app, queued by the worker's scheduler (settings.TAHAWUL_PERIODIC_TASKS):
the checks every minute, the watch on technical-problem reports every five, the prune once a day.
Each is idempotent: several workers queueing them changes nothing."""

from __future__ import annotations

import logging

from django_tasks import task

from tahawul.core.queues import OUTBOUND_QUEUE
from tahawul.status.recording import prune_results, run_checks
from tahawul.status.spikes import watch_case_spikes

log = logging.getLogger(__name__)


@task(queue_name=OUTBOUND_QUEUE)  # each check may wait a timeout: not in front of an SMS
def run_checks_task() -> dict[str, str]:
    return run_checks()


@task()
def watch_case_spikes_task() -> dict[str, int]:
    proposed = watch_case_spikes()
    if proposed:
        log.warning("Technical-problem reports spiked: incidents %s proposed.", [incident.pk for incident in proposed])
    return {"proposed": len(proposed)}


@task()
def prune_check_results_task() -> dict[str, int]:
    return {"deleted": prune_results()}
