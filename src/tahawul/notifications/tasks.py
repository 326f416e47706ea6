"""Delivery of the outbox, in the worker (``tahawul worker``).

At least once: a notification is sent again only if a worker died between handing it to the
gateway and recording that (the claim below keeps two live workers from sending it twice).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tahawul.core.task_queue import waiting_ids
from tahawul.notifications.models import Notification, NotificationChannel, NotificationStatus
from tahawul.notifications.senders import EmailSender, sms_sender

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY_DELAY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=1)
# A worker claims a notification by pushing next_attempt_at this far ahead; longer than any send
# should take (set EMAIL_TIMEOUT and gateway timeouts below it).
CLAIM_LEASE = timedelta(minutes=5)
# A pending notification this long overdue has lost its queued delivery (crash between the
# commit and the enqueue, or a worker killed while sending).
STALLED_AFTER = timedelta(minutes=5)
REQUEUE_CHUNK = 500
ERROR_MAX_CHARS = 2000


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, ... at most an hour."""
    doublings = min(max(attempts - 1, 0), 16)  # bounded: the cap is reached long before
    return min(FIRST_RETRY_DELAY * (1 << doublings), MAX_RETRY_DELAY)


def _send(notification: Notification) -> str:
    if notification.channel == NotificationChannel.EMAIL:
        return EmailSender().send(
            to=notification.to_address,
            subject=notification.subject,
            body=notification.body,
            language=notification.language,
        )
    return sms_sender().send(notification.to_address, notification.body)


def schedule_delivery(*notification_ids: int, run_after: datetime | None = None) -> None:
    """Queue one delivery task for these pending notifications; never raises (the sweep retries
    what fails). One task for a message's channels: a submission writes one queue row, not one per
    channel; a failing channel is retried on its own (see deliver).

    Inside a transaction, with the database backend, the task row commits or rolls back with the
    notifications'. A queue outside the database may run the task before the commit; that is
    safe, since deliver() claims each row before sending."""
    try:
        with transaction.atomic():  # a savepoint: a failed enqueue leaves the caller's transaction usable
            if run_after is None:
                deliver.enqueue(*notification_ids)
            else:
                deliver.using(run_after=run_after).enqueue(*notification_ids)
    except Exception:
        # Still pending in the outbox; requeue_stalled() finds them.
        logger.exception("Could not queue delivery of notifications %s; the sweep will retry.", notification_ids)


def _record_failure(notification: Notification, error: Exception) -> str:
    attempts = notification.attempts + 1
    last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
    now = timezone.now()
    with transaction.atomic():
        if attempts >= MAX_ATTEMPTS:
            Notification.objects.filter(pk=notification.pk, status=NotificationStatus.PENDING).update(
                status=NotificationStatus.FAILED, attempts=attempts, last_error=last_error, next_attempt_at=now
            )
            # Only the error's class: its message may quote the address, which is personal data
            # (the row's last_error has it in full).
            logger.error(
                "Gave up on notification %s (%s, %s) after %s attempts; last error: %s",
                notification.pk,
                notification.event,
                notification.channel,
                attempts,
                type(error).__name__,
            )
            return "failed"
        next_attempt_at = now + retry_delay(attempts)
        Notification.objects.filter(pk=notification.pk, status=NotificationStatus.PENDING).update(
            attempts=attempts, last_error=last_error, next_attempt_at=next_attempt_at
        )
        schedule_delivery(notification.pk, run_after=next_attempt_at)
    logger.warning(
        "Notification %s (%s, %s) not sent on attempt %s (%s); retrying at %s",
        notification.pk,
        notification.event,
        notification.channel,
        attempts,
        type(error).__name__,
        next_attempt_at.isoformat(),
    )
    return "retrying"


@task()
def deliver(*notification_ids: int) -> list[str]:
    """Send these pending notifications, each on its own: on failure count the attempt and queue
    a retry of that one with backoff. Returns what happened to each (sent, retrying, failed, skipped)."""
    return [_deliver_one(notification_id) for notification_id in notification_ids]


def _deliver_one(notification_id: int) -> str:
    now = timezone.now()
    # The claim: one conditional UPDATE, so of two workers holding the same delivery only one
    # sends. It also refuses rows already sent or failed, and retries queued before they are due.
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    try:
        provider_message_id = _send(notification)
    except Exception as error:
        return _record_failure(notification, error)
    Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        provider_message_id=str(provider_message_id)[:255],
        attempts=notification.attempts + 1,
        last_error="",
    )
    return "sent"


@task()
def requeue_stalled() -> int:
    """Queue a delivery for every pending notification overdue by more than STALLED_AFTER whose
    delivery is not waiting in the queue. Returns how many were queued.

    Runs periodically (see tahawul.notifications.periodic). A duplicate delivery would be
    harmless: deliver() claims the row before sending.
    """
    cutoff = timezone.now() - STALLED_AFTER
    waiting = waiting_ids(deliver)
    requeued = 0
    after_pk = 0
    while True:
        with transaction.atomic():
            # Rows a worker is claiming right now are locked (on PostgreSQL); skip them, it has them.
            chunk = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(status=NotificationStatus.PENDING, next_attempt_at__lt=cutoff, pk__gt=after_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:REQUEUE_CHUNK]
            )
            if not chunk:
                break
            after_pk = chunk[-1]
            lost = [pk for pk in chunk if pk not in waiting]
            # Due now: the next sweep leaves them alone while this delivery waits in the queue.
            Notification.objects.filter(pk__in=lost).update(next_attempt_at=timezone.now())
            for notification_id in lost:
                schedule_delivery(notification_id)
        requeued += len(lost)
    if requeued:
        logger.warning("Requeued %s stalled notifications.", requeued)
    return requeued
