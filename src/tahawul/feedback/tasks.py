"""Background work of the feedback app, run by ``tahawul worker``."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from tahawul.catalog.models import Service
from tahawul.feedback.cases import sweep_case_sla
from tahawul.feedback.index import BetaPrior, ewma_chart, first_new_alarm, fit_dissatisfaction_prior
from tahawul.feedback.models import DissatisfactionAlert
from tahawul.feedback.notifying import notify_dissatisfaction
from tahawul.feedback.satisfaction import Scope, cell_totals, cells_rated_on, daily_dissatisfaction

log = logging.getLogger(__name__)
EWMA_HISTORY_DAYS = 90


@task()
def sweep_case_sla_task() -> dict[str, int]:
    escalated = sweep_case_sla()
    if escalated:
        log.info("Case SLA sweep: %d escalated", escalated)
    return {"escalated": escalated}


def watch_dissatisfaction(*, day: date | None = None) -> int:
    """Run the EWMA chart of every service × channel rated on ``day`` (today) and the day before;
    when one of those days starts a new excursion above the control limit, record it and tell the
    entity's supervisors. Yesterday is looked at again because ratings keep arriving after the
    day's last hourly run. Idempotent: an alert is raised once per cell and day. Returns how many
    were raised."""
    today = day or timezone.localdate()
    return _watch_day(today - timedelta(days=1)) + _watch_day(today)


def _watch_day(day: date) -> int:
    raised = 0
    start = day - timedelta(days=EWMA_HISTORY_DAYS - 1)
    priors: dict[str, BetaPrior] = {}
    for service_id, channel in cells_rated_on(day):
        if channel not in priors:  # fitted per channel over the history the charts look at
            cells = cell_totals(Scope(channel=channel), start, day).values()
            priors[channel] = fit_dissatisfaction_prior([cell.counts for cell in cells])
        points = ewma_chart(daily_dissatisfaction(service_id, channel, start, day), prior=priors[channel])
        if first_new_alarm(points) != len(points) - 1:
            continue
        latest = points[-1]
        if DissatisfactionAlert.objects.filter(service_id=service_id, channel=channel, day=day).exists():
            continue  # raised already by an earlier run today
        try:
            with transaction.atomic():
                DissatisfactionAlert.objects.create(
                    service_id=service_id, channel=channel, day=day, share=latest.ewma, usual_share=latest.target
                )
                service = Service.objects.get(pk=service_id)
                notify_dissatisfaction(service, channel, share=latest.ewma, usual_share=latest.target)
        except IntegrityError:
            continue  # another worker raised it at the same moment
        raised += 1
    return raised


@task()
def watch_dissatisfaction_task() -> dict[str, int]:
    raised = watch_dissatisfaction()
    if raised:
        log.info("Dissatisfaction watch: %d alerts", raised)
    return {"raised": raised}
