"""Delivery of webhook events, in the worker (``tahawul worker``).

At least once: a delivery is sent again only if a worker died between the receiver's answer and
recording it (the claim below keeps two live workers from sending it at the same time), or when
an administrator sends it again. Receivers recognise repeats by the ``id`` in the signed body: the
Tahawul-Event and Tahawul-Event-Id headers repeat ``type`` and ``id`` but are not signed.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

from tahawul.core.queues import OUTBOUND_QUEUE
from tahawul.core.task_queue import waiting_ids
from tahawul.webhooks.models import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    PauseReason,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from tahawul.webhooks.notifying import notify_paused
from tahawul.webhooks.signing import HEADER, signature_header
from tahawul.webhooks.targets import RefusedTarget, check_target
from tahawul.webhooks.transport import TransportError, post

logger = logging.getLogger(__name__)

JITTER = 0.1  # each retry waits up to 10 % more or less, so deliveries failed together spread out
# A worker claims a delivery by pushing next_attempt_at ahead by the attempt's deadline (the
# timeout) and this much more, time to resolve the name and record the answer: no other worker
# takes the delivery while this one may still be sending it.
CLAIM_LEASE = timedelta(minutes=5)
# A pending delivery this long overdue has lost its queued task (crash between the commit and
# the enqueue, or a worker killed while sending).
STALLED_AFTER = timedelta(minutes=5)
REQUEUE_CHUNK = 500
LOG_MAX_CHARS = 1000  # of an error, or of the response excerpt
_random = secrets.SystemRandom()


def retry_delay(attempts: int, *, jitter: float = 0.0) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: TAHAWUL_WEBHOOKS_FIRST_RETRY_SECONDS,
    doubling each time, at most TAHAWUL_WEBHOOKS_MAX_RETRY_SECONDS; times ``1 + jitter``."""
    first = settings.TAHAWUL_WEBHOOKS_FIRST_RETRY_SECONDS
    doublings = min(max(attempts - 1, 0), 30)  # bounded: the cap is reached long before
    base = min(first * (1 << doublings), settings.TAHAWUL_WEBHOOKS_MAX_RETRY_SECONDS)
    return timedelta(seconds=base * (1 + jitter))


def schedule_delivery(*delivery_ids: int, run_after: datetime | None = None) -> None:
    """Queue a delivery task for each of these pending deliveries (one each, so a slow receiver
    holds up only its own), with the caller's commit (see _with_commit); never raises (the sweep
    retries what fails)."""
    _with_commit(deliver if run_after is None else deliver.using(run_after=run_after), delivery_ids)


def schedule_held(subscription_id: int) -> None:
    """Queue the task that queues the subscription's held deliveries, with the caller's commit."""
    _with_commit(queue_held, (subscription_id,))


def _with_commit(queued: Task[[int], Any], ids: tuple[int, ...]) -> None:
    """Enqueue ``queued`` once per id. With the database backend the task rows are written now and
    commit or roll back with the caller's transaction; a queue elsewhere gets them once it has
    committed, so that no worker looks for rows not yet visible."""
    if isinstance(queued.get_backend(), DatabaseBackend):
        _enqueue(queued, ids)
    else:
        transaction.on_commit(functools.partial(_enqueue, queued, ids))


def _enqueue(queued: Task[[int], Any], ids: tuple[int, ...]) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failed enqueue leaves the caller's transaction usable
            for row_id in ids:
                queued.enqueue(row_id)
    except Exception:
        logger.exception("Could not queue %s for %s; the sweep will retry.", queued.name, ids)


@task(queue_name=OUTBOUND_QUEUE)  # a slow receiver must not hold up notifications
def deliver(delivery_id: int) -> str:
    """Send this pending delivery once. Returns what happened: delivered, retrying (a retry is
    queued with backoff), failed (no attempt left), or skipped (already done, not due yet, or
    its subscription is not active)."""
    now = timezone.now()
    # The claim: one conditional UPDATE, so of two workers holding the same delivery only one
    # sends. It also refuses deliveries already done, retries queued before they are due, and
    # deliveries of a paused subscription (held until it is resumed).
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        subscription__status=SubscriptionStatus.ACTIVE,
    ).update(next_attempt_at=now + timedelta(seconds=settings.TAHAWUL_WEBHOOKS_TIMEOUT_SECONDS) + CLAIM_LEASE)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    started = time.monotonic()
    attempt = _attempt(delivery)
    attempt.duration_ms = round((time.monotonic() - started) * 1000)
    return _record(delivery, attempt)


def _attempt(delivery: Delivery) -> DeliveryAttempt:
    """Sign and send once; the outcome, not yet saved."""
    subscription = delivery.subscription
    body = delivery.body.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Tahawul-Webhooks/1 (+{settings.TAHAWUL_PUBLIC_URL})",
        "Tahawul-Event": delivery.event_type,
        "Tahawul-Event-Id": str(delivery.event_id),
        HEADER: signature_header(subscription.signing_secrets(), int(time.time()), body),
    }
    attempt = DeliveryAttempt(delivery=delivery, at=timezone.now())
    try:
        target = check_target(subscription.target_url)  # again: what a name resolves to can change
        answer = post(target, body=body, headers=headers, timeout=settings.TAHAWUL_WEBHOOKS_TIMEOUT_SECONDS)
    except RefusedTarget as refused:
        attempt.outcome = AttemptOutcome.UNREACHABLE if refused.unresolved else AttemptOutcome.BLOCKED
        attempt.error = _loggable(refused.detail or str(refused.reason))
        return attempt
    except TransportError as error:
        attempt.outcome = AttemptOutcome.TIMEOUT if error.timed_out else AttemptOutcome.UNREACHABLE
        attempt.error = _loggable(str(error))
        return attempt
    attempt.status_code = answer.status
    attempt.response_excerpt = _loggable(answer.excerpt)
    # 2xx only: a redirect is not followed, so it is not a delivery either.
    attempt.outcome = AttemptOutcome.DELIVERED if 200 <= answer.status < 300 else AttemptOutcome.ERROR_STATUS
    return attempt


def _loggable(text: str) -> str:
    """What the log can keep of ``text``, whoever wrote it: at most LOG_MAX_CHARS of valid UTF-8,
    without NUL (PostgreSQL refuses it in text, and the attempt would go unrecorded)."""
    return text[:LOG_MAX_CHARS].replace("\x00", "\ufffd").encode("utf-8", errors="replace").decode("utf-8")


def _record(delivery: Delivery, attempt: DeliveryAttempt) -> str:
    attempts = delivery.attempts + 1
    now = timezone.now()
    # Still pending: a subscription deleted meanwhile has cancelled it, and that stands.
    pending = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING)
    with transaction.atomic():
        attempt.save()
        if attempt.outcome == AttemptOutcome.DELIVERED:
            pending.update(
                status=DeliveryStatus.DELIVERED,
                attempts=attempts,
                delivered_at=now,
                last_status_code=attempt.status_code,
            )
            Subscription.objects.filter(pk=delivery.subscription_id, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
            return "delivered"
        if attempts >= settings.TAHAWUL_WEBHOOKS_MAX_ATTEMPTS:
            given_up = pending.update(
                status=DeliveryStatus.FAILED, attempts=attempts, last_status_code=attempt.status_code
            )
            # One sent again by an administrator, who sees it fail, counted (if at all) the first time.
            if given_up and not delivery.resent:
                _count_failed_delivery(delivery.subscription_id)
            logger.error(
                "Gave up on webhook delivery %s (%s, subscription %s) after %s attempts: %s",
                delivery.pk,
                delivery.event_type,
                delivery.subscription_id,
                attempts,
                attempt.outcome,
            )
            return "failed"
        next_attempt_at = now + retry_delay(attempts, jitter=_random.uniform(-JITTER, JITTER))
        if pending.update(attempts=attempts, next_attempt_at=next_attempt_at, last_status_code=attempt.status_code):
            schedule_delivery(delivery.pk, run_after=next_attempt_at)
    logger.warning(
        "Webhook delivery %s not delivered on attempt %s (%s %s); retrying at %s",
        delivery.pk,
        attempts,
        attempt.outcome,
        attempt.status_code or "",
        next_attempt_at.isoformat(),
    )
    return "retrying"


def _count_failed_delivery(subscription_id: int) -> None:
    """One more delivery failed in a row; at TAHAWUL_WEBHOOKS_PAUSE_AFTER, pause and tell the owner.
    The UPDATE locks the row until the commit: of two workers failing at once, one pauses."""
    Subscription.objects.filter(pk=subscription_id).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription = Subscription.objects.select_related("entity", "integrator").get(pk=subscription_id)
    failures = subscription.consecutive_failures
    if failures < settings.TAHAWUL_WEBHOOKS_PAUSE_AFTER or not subscription.is_active:
        return
    now = timezone.now()
    Subscription.objects.filter(pk=subscription_id).update(
        status=SubscriptionStatus.PAUSED, pause_reason=PauseReason.FAILING, paused_at=now, updated_at=now
    )
    SubscriptionEvent.objects.create(
        subscription=subscription, action="paused", details={"reason": PauseReason.FAILING, "failures": failures}
    )
    notify_paused(subscription, failures=failures)
    logger.error(
        "Paused webhook subscription %s of %s after %s failed deliveries in a row.",
        subscription.pk,
        subscription.entity.code,
        failures,
    )


@task()
def requeue_stalled() -> int:
    """Queue a delivery for every pending delivery of an active subscription overdue by more than
    STALLED_AFTER whose task is not waiting in the queue. Returns how many were queued.

    Runs periodically (settings.TAHAWUL_PERIODIC_TASKS). A duplicate would be harmless: deliver()
    claims the row before sending. Deliveries held for a paused subscription are left alone."""
    cutoff = timezone.now() - STALLED_AFTER
    waiting = waiting_ids(deliver)
    requeued = 0
    after_pk = 0
    while True:
        with transaction.atomic():
            # Rows a worker is claiming right now are locked (on PostgreSQL); skip them, it has them.
            chunk = list(
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status=DeliveryStatus.PENDING,
                    next_attempt_at__lt=cutoff,
                    subscription__status=SubscriptionStatus.ACTIVE,
                    pk__gt=after_pk,
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:REQUEUE_CHUNK]
            )
            if not chunk:
                break
            after_pk = chunk[-1]
            lost = [pk for pk in chunk if pk not in waiting]
            # Due now: the next sweep leaves them alone while these tasks wait in the queue.
            Delivery.objects.filter(pk__in=lost).update(next_attempt_at=timezone.now())
            schedule_delivery(*lost)
        requeued += len(lost)
    if requeued:
        logger.warning("Requeued %s stalled webhook deliveries.", requeued)
    return requeued


# On the outbound queue with the deliveries it queues: thousands held after a long outage must not
# wait in front of the platform's own work (an SMS code, a notification).
@task(queue_name=OUTBOUND_QUEUE)
def queue_held(subscription_id: int) -> int:
    """Queue a delivery task for each due pending delivery of this subscription while it is active,
    in chunks of REQUEUE_CHUNK, one transaction each: the deliveries held while it was paused,
    which resume_subscription made due. Returns how many were queued. One queued twice (by the
    sweep too, or by a retry queued before the pause) is sent once: deliver() claims it first."""
    queued = 0
    after_pk = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Delivery.objects.filter(
                    subscription_id=subscription_id,
                    subscription__status=SubscriptionStatus.ACTIVE,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at__lte=timezone.now(),
                    pk__gt=after_pk,
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:REQUEUE_CHUNK]
            )
            if not chunk:
                return queued
            schedule_delivery(*chunk)
        after_pk = chunk[-1]
        queued += len(chunk)
