"""The attempt as the receiver's socket sees it, against a raw TCP receiver on loopback that
answers byte by byte as told: one deadline for the whole attempt, however the receiver spends it,
and whatever it sends back is logged."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tahawul.identity.models import User
from tahawul.webhooks.emitting import emit
from tahawul.webhooks.models import AttemptOutcome, Delivery, WebhookEvent
from tahawul.webhooks.tasks import deliver
from tests.webhooks.conftest import TIMEOUT_SECONDS, subscribe

Answering = Callable[[socket.socket], None]


def _read_request(connection: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(4096)


@pytest.fixture
def raw_receiver() -> Iterator[Callable[[Answering], str]]:
    """Start a receiver that reads the request and then answers with the function given; its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    answering: list[Answering] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            with connection:
                try:
                    _read_request(connection)
                    answering[0](connection)
                except OSError:
                    pass  # the attempt gave up and closed its end: as a receiver would see it

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def start(answer: Answering) -> str:
        answering.append(answer)
        return f"http://127.0.0.1:{listener.getsockname()[1]}/tahawul/events"

    yield start
    stop.set()
    thread.join(timeout=5)
    listener.close()


def _happen(admin: User, url: str) -> Delivery:
    subscription = subscribe(admin, url)
    emit(event=WebhookEvent.CASE_CLOSED, entity_id=subscription.entity_id, payload=lambda: {"reference": "x"})
    return subscription.deliveries.get()


def test_a_receiver_that_answers_a_byte_now_and_then_is_cut_off_at_the_attempts_deadline(
    npra_admin: User, raw_receiver: Callable[[Answering], str]
) -> None:
    def trickle(connection: socket.socket) -> None:
        # Each byte well inside the timeout, the whole answer ten times beyond it.
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
            connection.sendall(bytes([byte]))
            time.sleep(TIMEOUT_SECONDS * 10 / 40)

    delivery = _happen(npra_admin, raw_receiver(trickle))

    started = time.monotonic()
    assert deliver.call(delivery.pk) == "retrying"
    took = time.monotonic() - started

    assert took < TIMEOUT_SECONDS * 3  # not the 3 s the receiver would have taken
    [attempt] = delivery.attempt_log.all()
    assert attempt.outcome == AttemptOutcome.TIMEOUT
    assert f"within {TIMEOUT_SECONDS:g} s" in attempt.error


def test_a_garbled_answer_with_nul_is_logged_as_a_failed_attempt(
    npra_admin: User, raw_receiver: Callable[[Answering], str]
) -> None:
    def garbled(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 2\x0000 OK\r\nContent-Length: 0\r\n\r\n")

    delivery = _happen(npra_admin, raw_receiver(garbled))

    assert deliver.call(delivery.pk) == "retrying"

    [attempt] = delivery.attempt_log.all()
    assert attempt.outcome == AttemptOutcome.UNREACHABLE
    assert "BadStatusLine" in attempt.error
    assert "\x00" not in attempt.error and "2\ufffd00 OK" in attempt.error
