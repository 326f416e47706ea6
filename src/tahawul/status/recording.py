"""Running the checks and keeping what they found: each result is stored, counted in its day's
roll-up and written into the component's current health in one transaction, and a component that
keeps failing gets a proposed incident."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.counters import add_to_counter
from tahawul.status.checks import CHECKS, OVER_HTTP
from tahawul.status.incidents import propose_incident
from tahawul.status.models import CheckResult, Component, ComponentHealth, Origin, State, UptimeDay
from tahawul.status.outcomes import Outcome
from tahawul.status.wording import in_both_languages

log = logging.getLogger(__name__)

# A worker that takes a component's check holds it this long: shorter than the minute between
# runs, longer than any check can take (each HTTP request has its own deadline).
CLAIM_FOR = timedelta(seconds=50)
PRUNE_CHUNK = 5_000


def locked_health(component: str) -> ComponentHealth:
    """The component's health row, created on first use, locked until the transaction ends: what
    every writer about one component (results, proposals) queues on."""
    ComponentHealth.objects.get_or_create(component=component)
    return ComponentHealth.objects.select_for_update().get(component=component)


@transaction.atomic
def record_result(*, component: str, outcome: Outcome, at: datetime) -> CheckResult:
    """Keep one check's outcome: the result row, +1 in the component's UptimeDay of the local day
    of ``at``, and the component's health (its state, and how many results in a row were not up).
    When that run reaches TAHAWUL_STATUS_FAILURES_TO_PROPOSE, propose an incident unless one
    already covers it. For the worker's check run; also the way tests feed results in."""
    health = locked_health(component)
    result = CheckResult.objects.create(
        component=component,
        state=outcome.state,
        latency_ms=outcome.latency_ms,
        reason_ar=outcome.reason.ar[:300],
        reason_en=outcome.reason.en[:300],
        checked_at=at,
    )
    add_to_counter(UptimeDay, {"component": component, "day": timezone.localdate(at)}, {outcome.state: 1})
    if health.checked_at is not None and at < health.checked_at:
        return result  # a late result counts in its day, but says nothing about now
    failing = outcome.state != State.UP
    health.failing_streak = health.failing_streak + 1 if failing else 0
    health.failing_since = (health.failing_since or at) if failing else None
    health.state = outcome.state
    health.latency_ms = outcome.latency_ms
    health.reason_ar, health.reason_en = result.reason_ar, result.reason_en
    health.checked_at = at
    health.save(
        update_fields=["state", "latency_ms", "reason_ar", "reason_en", "checked_at", "failing_streak", "failing_since"]
    )
    if health.failing_streak >= settings.TAHAWUL_STATUS_FAILURES_TO_PROPOSE:
        _propose_after_failures(health, outcome)
    return result


def _propose_after_failures(health: ComponentHealth, outcome: Outcome) -> None:
    assert health.failing_since is not None
    label = Component(health.component).label
    title = (
        _("%(component)s: not working") if outcome.state == State.DOWN else _("%(component)s: slow or partly working")
    )
    note = in_both_languages(
        _("%(count)s checks in a row found a problem. The last one said: %(reason)s"),
        count=health.failing_streak,
        reason=outcome.reason,
    )
    propose_incident(
        component=health.component,
        origin=Origin.CHECKS,
        impact=outcome.state,
        started_at=health.failing_since,
        title=in_both_languages(title, component=label),
        note=note,
    )


def _claim(component: str, now: datetime) -> bool:
    """Take this interval's run of the component's check; False when another worker has it."""
    ComponentHealth.objects.get_or_create(component=component)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    return bool(ComponentHealth.objects.filter(free, component=component).update(claimed_until=now + CLAIM_FOR))


def _outcome_of(component: str, now: datetime) -> Outcome | None:
    try:
        return CHECKS[component](now)
    except Exception as error:
        # A check that breaks says nothing good about its component: recorded as down, and logged.
        log.exception("The %s check failed to run.", component)
        reason = in_both_languages(_("The check could not run (%(error)s)."), error=type(error).__name__)
        return Outcome(State.DOWN, None, reason)


def _outcome_in_a_thread(component: str, now: datetime) -> Outcome | None:
    try:
        return _outcome_of(component, now)
    finally:
        connections.close_all()  # this thread's own, should anything in the check have opened one


def _outcomes(components: list[str], now: datetime) -> dict[str, Outcome | None]:
    """Each component's outcome: the web checks side by side, each in its own thread (a site that
    does not answer costs one deadline, not one per check), the others meanwhile in this thread,
    which holds the database connection they read."""
    remote = [component for component in components if component in OVER_HTTP]
    with ThreadPoolExecutor(max_workers=max(len(remote), 1), thread_name_prefix="status-check") as pool:
        running = {component: pool.submit(_outcome_in_a_thread, component, now) for component in remote}
        found = {component: _outcome_of(component, now) for component in components if component not in running}
        found.update({component: future.result() for component, future in running.items()})
    return found


def run_checks(*, now: datetime | None = None, components: Iterable[str] | None = None) -> dict[str, str]:
    """Run every component's check (or those of ``components``) not already run by another worker
    in the last CLAIM_FOR, and record each outcome; a check with nothing to check counts as run in
    its day's coverage. Returns component → the state found, "busy" (another worker has it) or
    "nothing to check". Idempotent within an interval, as periodic tasks must be. The web checks
    run side by side, each request within TAHAWUL_STATUS_HTTP_TIMEOUT."""
    now = now or timezone.now()
    wanted = list(components or CHECKS)
    claimed = [component for component in wanted if _claim(component, now)]
    outcomes = _outcomes(claimed, now)
    found = {}
    for component in wanted:
        if component not in outcomes:
            found[component] = "busy"
            continue
        outcome = outcomes[component]
        if outcome is None:
            day = {"component": component, "day": timezone.localdate(now)}
            add_to_counter(UptimeDay, day, {"nothing_to_check": 1})
            found[component] = "nothing to check"
            continue
        record_result(component=component, outcome=outcome, at=now)
        found[component] = outcome.state
    return found


def prune_results(*, now: datetime | None = None) -> int:
    """Delete check results older than TAHAWUL_STATUS_KEEP_DAYS, in chunks (the daily roll-ups,
    which the status page reads, are kept). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TAHAWUL_STATUS_KEEP_DAYS)
    deleted = 0
    while True:
        chunk = list(CheckResult.objects.filter(checked_at__lt=cutoff).values_list("pk", flat=True)[:PRUNE_CHUNK])
        if not chunk:
            return deleted
        deleted += CheckResult.objects.filter(pk__in=chunk).delete()[0]
