"""What the webhook tests share: a real HTTP receiver on loopback, entity admins, subscriptions
made through the real action, and a clock that moves without sleeping."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.integrations.keys import issue_api_key, register_integrator
from tahawul.integrations.models import Integrator
from tahawul.webhooks.actions import SubscriptionInput, create_subscription
from tahawul.webhooks.models import Delivery, Subscription, WebhookEvent
from tahawul.webhooks.tasks import deliver
from tests.applications.conftest import give_role, make_user

TIMEOUT_SECONDS = 0.3  # what the delivery waits in these tests, so a hung receiver costs little


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


Answer = int | str | tuple[int, bytes]


@dataclass
class Receiver:
    """A real HTTP server on a free loopback port that records every request and answers as told:
    an int is a status code, "hang" answers only after the delivery's timeout has passed,
    "redirect" answers 302 to another path, and (status, body) answers that status with those
    very bytes. When the script runs out it answers 200."""

    url: str
    requests: list[Received] = field(default_factory=list)
    script: list[Answer] = field(default_factory=list)

    def answer_with(self, *answers: Answer) -> None:
        self.script.extend(answers)


def serve(host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> tuple[Receiver, ThreadingHTTPServer]:
    """Start a recording receiver in a thread; over TLS when ``tls`` is given."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(Received(path=self.path, headers=dict(self.headers.items()), body=body))
            answer = state.script.pop(0) if state.script else 200
            if answer == "hang":
                time.sleep(TIMEOUT_SECONDS * 2)  # the delivery has given up by now
                return
            reply = b'{"received": true}' if answer == 200 else b"Internal trouble"
            if isinstance(answer, tuple):
                status, reply = answer
                self.send_response(status)
            elif answer == "redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
            else:
                self.send_response(int(answer))
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https" if tls is not None else "http"
    state.url = f"{scheme}://{host}:{server.server_address[1]}/tahawul/events"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return state, server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state, server = serve()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings: Any, tmp_path: Path) -> None:
    settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = True  # the receiver is on loopback
    settings.TAHAWUL_WEBHOOKS_HTTPS_ONLY = False
    settings.TAHAWUL_WEBHOOKS_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    # Uploads and notifications land in the test's own directory, never in var/.
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TAHAWUL_OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _worker_keeps_the_tests_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in tests/notifications: django-tasks-db's worker would close the test's own connection on
    # PostgreSQL between tasks; a real worker runs in its own process and keeps the call.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@dataclass
class Clock:
    """The time timezone.now() tells while a test runs: the real time when the test starts, then
    moved forward instead of waited for."""

    now: datetime

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def admin_of(code: str, prefix: str = "admin") -> User:
    """An entity admin with an email address and a mobile number (notifications go somewhere)."""
    return give_role(make_user(f"{code.lower()}-{prefix}"), Entity.objects.get(code=code), Role.ENTITY_ADMIN)


@pytest.fixture
def npra_admin(db: None) -> User:
    return admin_of("NPRA")


def partner_of(admin: User, entity: str = "NPRA", *, name: str = "Gulf Logistics") -> Integrator:
    """An integrator registered and given a live API key for ``entity`` by its admin, through the
    real actions: one that may run the entity's receivers."""
    integrator = register_integrator(actor=admin, name=name, contact_email="ops@gulf-logistics.example")
    issue_api_key(actor=admin, integrator=integrator, entity=Entity.objects.get(code=entity))
    return integrator


def subscribe(
    admin: User,
    url: str,
    *,
    entity: str = "NPRA",
    events: list[str] | None = None,
    name: str = "NPRA case system",
    integrator_id: int | None = None,
) -> Subscription:
    return create_subscription(
        actor=admin,
        entity=Entity.objects.get(code=entity),
        values=SubscriptionInput(
            name=name, target_url=url, events=events or list(WebhookEvent.values), integrator_id=integrator_id
        ),
    )


def run_due(subscription: Subscription) -> list[str]:
    """Run the delivery task, as the worker would, for each of the subscription's pending deliveries."""
    pending = subscription.deliveries.filter(status="pending").order_by("pk")
    return [deliver.call(delivery.pk) for delivery in pending]


def deliveries(subscription: Subscription) -> list[Delivery]:
    return list(subscription.deliveries.order_by("pk"))


__all__ = [
    "TIMEOUT_SECONDS",
    "Answer",
    "Clock",
    "Received",
    "Receiver",
    "admin_of",
    "deliveries",
    "partner_of",
    "run_due",
    "subscribe",
]
