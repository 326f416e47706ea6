"""Deliveries against a real HTTP receiver on loopback: signed, retried with backoff, logged with
their response codes, given up, pausing a subscription that keeps failing and telling its owners,
held while paused and sent on resuming. The delivery task is run directly; time is moved, not waited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tahawul.catalog.models import Entity
from tahawul.core.queues import OUTBOUND_QUEUE
from tahawul.identity.models import User
from tahawul.notifications.models import Notification
from tahawul.webhooks import tasks
from tahawul.webhooks.actions import pause_subscription, resume_subscription, retry_delivery
from tahawul.webhooks.emitting import emit
from tahawul.webhooks.models import (
    AttemptOutcome,
    Delivery,
    DeliveryStatus,
    PauseReason,
    Subscription,
    SubscriptionStatus,
    WebhookEvent,
)
from tahawul.webhooks.signing import verify
from tahawul.webhooks.tasks import JITTER, deliver, requeue_stalled, retry_delay
from tests.webhooks.conftest import Clock, Receiver, deliveries, partner_of, run_due, subscribe

DELIVER = "tahawul.webhooks.tasks.deliver"
QUEUE_HELD = "tahawul.webhooks.tasks.queue_held"


def happen(subscription: Subscription, reference: str = "TH-4K7Q-9MZP-2XRB") -> Delivery:
    """An event of the subscription's entity, emitted as the domain emits it."""
    emit(
        event=WebhookEvent.APPLICATION_SUBMITTED,
        entity_id=subscription.entity_id,
        payload=lambda: {"reference": reference, "service": "NPRA-PASSPORT-RENEW", "state": "submitted"},
    )
    return subscription.deliveries.latest("pk")


def attempts(delivery: Delivery) -> list[tuple[str, int | None]]:
    return [(attempt.outcome, attempt.status_code) for attempt in delivery.attempt_log.order_by("at", "pk")]


def test_a_delivery_is_posted_signed_with_its_event_headers(npra_admin: User, receiver: Receiver) -> None:
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)

    assert deliver.call(delivery.pk) == "delivered"

    [request] = receiver.requests
    assert request.path == "/tahawul/events"
    assert request.body == delivery.body.encode()
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Tahawul-Event"] == "application.submitted"
    assert request.headers["Tahawul-Event-Id"] == str(delivery.event_id) == request.json["id"]
    assert request.headers["User-Agent"].startswith("Tahawul-Webhooks/1 ")
    # The receiver's check, with the function docs/webhooks.md shows: genuine, signed just now.
    verify(request.body, request.headers["Tahawul-Signature"], subscription.secret)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None
    [attempt] = delivery.attempt_log.all()
    assert (attempt.outcome, attempt.status_code, attempt.response_excerpt) == (
        AttemptOutcome.DELIVERED,
        200,
        '{"received": true}',
    )
    assert deliver.call(delivery.pk) == "skipped"  # delivered once, never twice
    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_retried_with_growing_backoff_until_it_accepts(
    npra_admin: User, receiver: Receiver, clock: Clock
) -> None:
    receiver.answer_with(500, "hang", "redirect")
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)

    for attempt in (1, 2, 3):
        assert deliver.call(delivery.pk) == "retrying"
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == attempt
        wait = delivery.next_attempt_at - timezone.now()
        assert retry_delay(attempt) * (1 - JITTER) <= wait <= retry_delay(attempt) * (1 + JITTER)
        retries = DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.READY)
        assert delivery.next_attempt_at in [r.run_after for r in retries if r.args_kwargs["args"] == [delivery.pk]]
        assert deliver.call(delivery.pk) == "skipped"  # not due yet: nothing is sent
        clock.advance(wait)

    assert deliver.call(delivery.pk) == "delivered"
    assert attempts(delivery) == [
        (AttemptOutcome.ERROR_STATUS, 500),
        (AttemptOutcome.TIMEOUT, None),
        (AttemptOutcome.ERROR_STATUS, 302),  # the redirect is an answer, not followed
        (AttemptOutcome.DELIVERED, 200),
    ]
    assert [request.path for request in receiver.requests] == ["/tahawul/events"] * 4
    assert {request.headers["Tahawul-Event-Id"] for request in receiver.requests} == {str(delivery.event_id)}
    for request in receiver.requests:
        verify(request.body, request.headers["Tahawul-Signature"], subscription.secret)  # each signed afresh
    timeout_attempt = delivery.attempt_log.get(outcome=AttemptOutcome.TIMEOUT)
    assert "within 0.3 s" in timeout_attempt.error


def test_the_backoff_doubles_from_thirty_seconds_to_three_hours_over_about_four_hours() -> None:
    waits = [retry_delay(attempt).total_seconds() for attempt in range(1, 11)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 10800]
    assert sum(waits[:9]) == 15330  # from the first to the tenth attempt: 4 h 15 min 30 s
    assert retry_delay(3, jitter=0.1).total_seconds() == pytest.approx(132)


def test_a_delivery_that_fails_every_attempt_is_given_up(
    npra_admin: User, receiver: Receiver, clock: Clock, settings: Any
) -> None:
    settings.TAHAWUL_WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.answer_with(503, 503, 503)
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)

    outcomes = []
    for _ in range(4):  # one more round than attempts: the last finds nothing to do
        outcomes.append(deliver.call(delivery.pk))
        clock.advance(timedelta(hours=4))

    assert outcomes == ["retrying", "retrying", "failed", "skipped"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 3, 503)
    assert len(receiver.requests) == 3
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1
    assert subscription.status == SubscriptionStatus.ACTIVE  # one failed delivery does not pause it


def test_a_receiver_that_keeps_failing_is_paused_its_owners_told_and_sent_nothing_until_resumed(
    npra_admin: User, receiver: Receiver, clock: Clock, settings: Any
) -> None:
    settings.TAHAWUL_WEBHOOKS_MAX_ATTEMPTS = 2
    settings.TAHAWUL_WEBHOOKS_PAUSE_AFTER = 2
    receiver.answer_with(*[500] * 4)
    partner = partner_of(npra_admin)  # an integrator may run the receiver once it holds a key for NPRA
    subscription = subscribe(npra_admin, receiver.url, integrator_id=partner.pk)

    for number in (1, 2):
        delivery = happen(subscription, reference=f"TH-0000-0000-000{number}")
        assert deliver.call(delivery.pk) == "retrying"
        clock.advance(timedelta(minutes=5))
        assert deliver.call(delivery.pk) == "failed"

    subscription.refresh_from_db()
    assert (subscription.status, subscription.pause_reason) == (SubscriptionStatus.PAUSED, PauseReason.FAILING)
    assert subscription.consecutive_failures == 2
    assert subscription.history.filter(action="paused", actor=None).exists()
    told = Notification.objects.filter(event="webhook_paused")
    assert {(row.recipient_id, row.channel) for row in told} == {
        (npra_admin.pk, "email"),
        (npra_admin.pk, "sms"),
        (None, "email"),
    }
    to_partner = told.get(recipient=None)
    assert to_partner.to_address == "ops@gulf-logistics.example"
    assert "NPRA case system" in to_partner.subject
    # An integrator has no language of its own: it is told in the platform's first, Arabic (the dual
    # form: "did not accept the last two deliveries").
    assert "على 127.0.0.1 لم يقبل آخر عمليتي إرسال" in " ".join(to_partner.body.split())
    assert f"/office/webhooks/{subscription.pk}/" in to_partner.body
    assert subscription.secret not in to_partner.body

    held = happen(subscription, reference="TH-0000-0000-0003")
    assert deliver.call(held.pk) == "skipped"
    assert len(receiver.requests) == 4  # nothing more reached the receiver while paused

    resume_subscription(actor=npra_admin, subscription=subscription)
    assert run_due(subscription) == ["delivered"]  # the held one; the given-up ones stay given up
    assert receiver.requests[-1].json["data"]["reference"] == "TH-0000-0000-0003"
    subscription.refresh_from_db()
    assert (subscription.status, subscription.consecutive_failures) == (SubscriptionStatus.ACTIVE, 0)


def test_a_resent_delivery_that_fails_again_does_not_pause_the_subscription(
    npra_admin: User, receiver: Receiver, settings: Any
) -> None:
    settings.TAHAWUL_WEBHOOKS_MAX_ATTEMPTS = 1
    settings.TAHAWUL_WEBHOOKS_PAUSE_AFTER = 2
    receiver.answer_with(500, 500, 500, 500)
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)
    assert deliver.call(delivery.pk) == "failed"

    # The administrator sends it again, twice, and it fails each time: still one failing delivery.
    for _ in range(2):
        retry_delivery(actor=npra_admin, delivery=delivery)
        assert deliver.call(delivery.pk) == "failed"

    subscription.refresh_from_db()
    assert (subscription.status, subscription.consecutive_failures) == (SubscriptionStatus.ACTIVE, 1)
    assert not Notification.objects.filter(event="webhook_paused").exists()
    assert len(receiver.requests) == 3
    # A new delivery that fails is counted as ever: that makes two in a row, and it pauses.
    assert deliver.call(happen(subscription, reference="TH-0000-0000-0002").pk) == "failed"
    subscription.refresh_from_db()
    assert (subscription.status, subscription.pause_reason) == (SubscriptionStatus.PAUSED, PauseReason.FAILING)


def test_resuming_queues_the_held_deliveries_in_the_worker_and_sends_every_one(
    npra_admin: User, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "REQUEUE_CHUNK", 2)  # three held: two batches
    subscription = pause_subscription(actor=npra_admin, subscription=subscribe(npra_admin, receiver.url))
    held = [happen(subscription, reference=f"TH-0000-0000-000{number}") for number in (1, 2, 3)]

    resume_subscription(actor=npra_admin, subscription=subscription)

    # The request only queued the one task that queues them, beside the deliveries it feeds.
    [queuer] = DBTaskResult.objects.filter(task_path=QUEUE_HELD, status=TaskResultStatus.READY)
    assert (queuer.args_kwargs["args"], queuer.queue_name) == ([subscription.pk], OUTBOUND_QUEUE)
    assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()
    assert subscription.history.get(action="resumed").details == {"held_deliveries": 3}

    call_command("worker", "--once", "--no-scheduler", "--queue", OUTBOUND_QUEUE, verbosity=0)

    assert sorted(request.json["data"]["reference"] for request in receiver.requests) == [
        "TH-0000-0000-0001",
        "TH-0000-0000-0002",
        "TH-0000-0000-0003",
    ]
    assert {delivery.status for delivery in deliveries(subscription)} == {DeliveryStatus.DELIVERED}
    assert DBTaskResult.objects.get(pk=queuer.pk).return_value == 3
    assert {request.json["id"] for request in receiver.requests} == {str(delivery.event_id) for delivery in held}


def test_a_response_with_nul_and_bytes_that_are_not_utf8_is_logged_and_shown(
    npra_admin: User, receiver: Receiver
) -> None:
    # PostgreSQL refuses NUL in text: kept as it came, the attempt would go unrecorded.
    receiver.answer_with((500, b"Trouble\x00 at \xff\xfe the back"))
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)

    assert deliver.call(delivery.pk) == "retrying"

    [attempt] = delivery.attempt_log.all()
    assert (attempt.outcome, attempt.status_code) == (AttemptOutcome.ERROR_STATUS, 500)
    assert attempt.response_excerpt == "Trouble\ufffd at \ufffd\ufffd the back"
    client = Client()
    client.force_login(npra_admin)
    page = client.get(f"/en/office/webhooks/deliveries/{delivery.pk}/")
    assert page.status_code == 200
    assert "Trouble\ufffd at \ufffd\ufffd the back" in page.content.decode()


def test_a_delivered_event_starts_the_count_of_failures_again(
    npra_admin: User, receiver: Receiver, settings: Any
) -> None:
    settings.TAHAWUL_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.answer_with(500)
    subscription = subscribe(npra_admin, receiver.url)

    assert deliver.call(happen(subscription).pk) == "failed"
    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 1
    assert deliver.call(happen(subscription).pk) == "delivered"
    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 0


def test_an_address_that_turns_private_is_refused_at_delivery_time(
    npra_admin: User, receiver: Receiver, settings: Any
) -> None:
    subscription = subscribe(npra_admin, receiver.url)  # allowed when made (development)
    settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = False  # as in production

    delivery = happen(subscription)
    assert deliver.call(delivery.pk) == "retrying"

    assert receiver.requests == []  # not even a connection
    [attempt] = delivery.attempt_log.all()
    assert attempt.outcome == AttemptOutcome.BLOCKED
    assert "127.0.0.1" in attempt.error and "not a public address" in attempt.error


def test_a_lost_delivery_task_is_queued_again_but_not_one_held_for_a_paused_subscription(
    npra_admin: User, receiver: Receiver
) -> None:
    active = subscribe(npra_admin, receiver.url)
    paused = subscribe(npra_admin, receiver.url, name="Paused one")
    lost, waiting = happen(active), happen(active)
    Subscription.objects.filter(pk=paused.pk).update(status=SubscriptionStatus.PAUSED, pause_reason="by_staff")
    held = paused.deliveries.latest("pk")
    # The queued task of one vanished, as when a worker dies holding it.
    DBTaskResult.objects.filter(task_path=DELIVER, args_kwargs__args__0=lost.pk).delete()
    long_ago = timezone.now() - timedelta(minutes=30)
    Delivery.objects.filter(pk__in=[lost.pk, waiting.pk, held.pk]).update(next_attempt_at=long_ago)

    assert requeue_stalled.call() == 1
    assert requeue_stalled.call() == 0  # due now, and waiting in the queue

    call_command("worker", "--once", "--no-scheduler", verbosity=0)
    assert sorted(request.json["id"] for request in receiver.requests) == sorted(
        [str(lost.event_id), str(waiting.event_id)]
    )
    assert Delivery.objects.get(pk=held.pk).status == DeliveryStatus.PENDING


def test_the_worker_sends_what_an_action_emitted(npra_admin: User, receiver: Receiver) -> None:
    subscription = subscribe(npra_admin, receiver.url)
    emit(
        event=WebhookEvent.CASE_CLOSED,
        entity_id=Entity.objects.get(code="NPRA").pk,
        payload=lambda: {"reference": "CS-2B9X-7KQM-4TRE", "outcome": "resolved"},
    )

    call_command("worker", "--once", "--no-scheduler", verbosity=0)

    [request] = receiver.requests
    assert request.json["type"] == "case.closed"
    assert deliveries(subscription)[0].status == DeliveryStatus.DELIVERED
