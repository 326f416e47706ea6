"""Delivery through the real database task backend and ``tahawul worker --once``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from tahawul.core.text import LocalizedText
from tahawul.identity.models import User
from tahawul.notifications.actions import notify
from tahawul.notifications.events import Event
from tahawul.notifications.models import Notification, NotificationStatus
from tahawul.notifications.tasks import MAX_ATTEMPTS, STALLED_AFTER, deliver, requeue_stalled, retry_delay
from tests.notifications.outbox import sent_email, sent_sms

DELIVER = "tahawul.notifications.tasks.deliver"
CONTEXT: dict[str, object] = {
    "reference": "MOIC-4TR8-2QPL",
    "service_name": LocalizedText(ar="سجل تجاري جديد", en="New commercial registration"),
    "url": "/my/applications/MOIC-4TR8-2QPL/",
}


class FlakySmsGateway:
    """An SMS gateway that refuses the first ``failures`` messages, then accepts: a real sender class,
    configured through TAHAWUL_SMS_SENDER like any gateway."""

    failures: ClassVar[int] = 0
    calls: ClassVar[int] = 0
    accepted: ClassVar[list[tuple[str, str]]] = []

    def send(self, to: str, body: str) -> str:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise ConnectionError(f"gateway unavailable (call {type(self).calls})")
        type(self).accepted.append((to, body))
        return f"gw-{type(self).calls}"


@pytest.fixture
def flaky_gateway(settings: Any, outbox: Path) -> type[FlakySmsGateway]:
    settings.TAHAWUL_SMS_SENDER = f"{__name__}.FlakySmsGateway"
    FlakySmsGateway.failures = 0
    FlakySmsGateway.calls = 0
    FlakySmsGateway.accepted = []
    return FlakySmsGateway


def _notify_committed(user: User, capture: Any, event: str = Event.CERTIFICATE_ISSUED) -> list[Notification]:
    with capture(execute=True):
        return notify(recipient=user, event=event, context=CONTEXT)


def _run_worker() -> None:
    call_command("worker", "--once", verbosity=0)


def _queued_deliveries(notification: Notification) -> list[DBTaskResult[Any, Any]]:
    return [
        result
        for result in DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.READY)
        if result.args_kwargs["args"] == [notification.pk]
    ]


def _let_time_pass(seconds: float) -> None:
    """Move every scheduled time back instead of waiting: queued tasks and next attempts alike."""
    shift = timedelta(seconds=seconds)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(run_after=get_date_max()).update(
        run_after=F("run_after") - shift
    )
    Notification.objects.filter(status=NotificationStatus.PENDING).update(next_attempt_at=F("next_attempt_at") - shift)


def test_the_worker_sends_email_and_sms_in_the_recipients_language(
    make_user: Callable[..., User], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user(language="ar")
    notifications = _notify_committed(user, django_capture_on_commit_callbacks)

    _run_worker()

    by_channel = {n.channel: n for n in Notification.objects.filter(pk__in=[n.pk for n in notifications])}
    assert {n.status for n in by_channel.values()} == {NotificationStatus.SENT}
    assert all(n.sent_at is not None and n.attempts == 1 for n in by_channel.values())

    [sms] = sent_sms(outbox, user.mobile)
    assert sms["body"] == by_channel["sms"].body
    assert "سجل تجاري جديد" in sms["body"]
    assert sms["id"] == by_channel["sms"].provider_message_id

    [message] = sent_email(outbox, user.email)
    # Python's parser keeps the space before a folded encoded-word; mail clients drop it.
    assert message["Subject"].strip() == by_channel["email"].subject
    assert "سجل تجاري جديد" in message["Subject"]
    assert message["Message-ID"] == by_channel["email"].provider_message_id
    assert message["Content-Language"] == "ar"
    body = message.get_body()
    assert body is not None
    assert "MOIC-4TR8-2QPL" in body.get_content()
    assert "http://127.0.0.1:8000/my/applications/MOIC-4TR8-2QPL/" in body.get_content()


def test_a_notification_is_never_sent_twice(
    make_user: Callable[..., User], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user(with_email=False)
    [notification] = _notify_committed(user, django_capture_on_commit_callbacks)
    deliver.enqueue(notification.pk)  # a duplicate, as the stalled-delivery sweep may queue

    _run_worker()
    deliver.enqueue(notification.pk)
    _run_worker()

    assert len(sent_sms(outbox, user.mobile)) == 1
    results = DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.SUCCESSFUL)
    mine = [outcome for r in results if r.args_kwargs["args"] == [notification.pk] for outcome in r.return_value]
    assert sorted(mine) == ["sent", "skipped", "skipped"]


def test_a_failing_gateway_is_retried_with_growing_backoff_until_it_accepts(
    make_user: Callable[..., User], flaky_gateway: type[FlakySmsGateway], django_capture_on_commit_callbacks: Any
) -> None:
    flaky_gateway.failures = 2
    user = make_user(with_email=False)
    [notification] = _notify_committed(user, django_capture_on_commit_callbacks)

    delays = []
    for attempt in (1, 2):
        _run_worker()
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == attempt
        assert "ConnectionError: gateway unavailable" in notification.last_error
        [retry] = _queued_deliveries(notification)
        assert retry.run_after == notification.next_attempt_at
        delays.append((retry.run_after - retry.enqueued_at).total_seconds())
        _run_worker()  # not due yet: nothing happens
        assert flaky_gateway.calls == attempt
        _let_time_pass(retry_delay(attempt).total_seconds())

    assert 29 <= delays[0] <= 30
    assert 59 <= delays[1] <= 60

    _run_worker()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 3
    assert notification.provider_message_id == "gw-3"
    assert notification.last_error == ""
    assert flaky_gateway.accepted == [(user.mobile, notification.body)]
    assert _queued_deliveries(notification) == []


def test_after_six_failures_the_notification_is_marked_failed(
    make_user: Callable[..., User],
    flaky_gateway: type[FlakySmsGateway],
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky_gateway.failures = 1000
    user = make_user(with_email=False)
    [notification] = _notify_committed(user, django_capture_on_commit_callbacks)

    with caplog.at_level(logging.WARNING, logger="tahawul.notifications.tasks"):
        for _ in range(MAX_ATTEMPTS + 2):  # more rounds than attempts: the last ones find nothing to do
            _run_worker()
            _let_time_pass(3600)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert notification.sent_at is None
    assert flaky_gateway.calls == MAX_ATTEMPTS
    assert _queued_deliveries(notification) == []
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert str(notification.pk) in errors[0].getMessage()
    assert user.mobile not in caplog.text  # personal data stays out of the log


def test_a_failing_gateway_never_fails_the_action(
    make_user: Callable[..., User], flaky_gateway: type[FlakySmsGateway], django_capture_on_commit_callbacks: Any
) -> None:
    flaky_gateway.failures = 1000
    user = make_user(with_email=False)
    [notification] = _notify_committed(user, django_capture_on_commit_callbacks)
    _run_worker()
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.status == NotificationStatus.PENDING


def test_a_delivery_lost_between_commit_and_queue_is_recovered(
    make_user: Callable[..., User], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    lost_user, recent_user = make_user(with_email=False), make_user(with_email=False)
    [lost] = notify(recipient=lost_user, event=Event.CERTIFICATE_ISSUED, context=CONTEXT)
    [recent] = notify(recipient=recent_user, event=Event.CERTIFICATE_ISSUED, context=CONTEXT)
    # The queued deliveries vanish, as when a queue outside the database loses them or a worker
    # dies holding them.
    DBTaskResult.objects.filter(args_kwargs__args__0__in=[lost.pk, recent.pk]).delete()
    now = timezone.now()
    Notification.objects.filter(pk=lost.pk).update(next_attempt_at=now - STALLED_AFTER - timedelta(seconds=5))
    Notification.objects.filter(pk=recent.pk).update(next_attempt_at=now - timedelta(minutes=1))

    _run_worker()  # runs the periodic requeue_stalled, then the delivery it queued

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == NotificationStatus.SENT
    assert len(sent_sms(outbox, lost_user.mobile)) == 1
    assert recent.status == NotificationStatus.PENDING  # overdue, but not yet presumed lost
    assert sent_sms(outbox, recent_user.mobile) == []


def test_a_delivery_still_waiting_in_a_backlog_is_not_queued_again(
    make_user: Callable[..., User], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    waiting_user, lost_user = make_user(with_email=False), make_user(with_email=False)
    [waiting] = _notify_committed(waiting_user, django_capture_on_commit_callbacks)  # queued, worker behind
    [lost] = notify(recipient=lost_user, event=Event.CERTIFICATE_ISSUED, context=CONTEXT)
    DBTaskResult.objects.filter(args_kwargs__args__0=lost.pk).delete()  # its queued delivery is lost
    long_ago = timezone.now() - STALLED_AFTER * 3
    Notification.objects.filter(pk__in=[waiting.pk, lost.pk]).update(next_attempt_at=long_ago)

    assert requeue_stalled.call() == 1
    assert requeue_stalled.call() == 0  # the lost one is due again now, not stalled

    assert len(_queued_deliveries(waiting)) == 1
    assert len(_queued_deliveries(lost)) == 1


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
