"""What the status tests share: a real HTTP server on the loopback interface standing in for the
public site (each path answers what the test says, as fast or as slowly as it says), a clock, and
the authority's staff who manage incidents."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from tahawul.catalog.models import Entity
from tahawul.core.text import LocalizedText
from tahawul.feedback.models import Case
from tahawul.identity.models import User
from tahawul.status import incidents
from tahawul.status.models import Incident
from tests.applications.conftest import Staff, make_staff
from tests.feedback.conftest import BAHRAIN, file_case

LISTING = b'{"count": 1, "items": [{"code": "NPRA-PASSPORT-RENEW"}]}'


@dataclass
class Answer:
    status: int = 200
    body: bytes = LISTING
    delay: float = 0.0  # before the answer starts
    content_type: str = "application/json"
    location: str = ""  # a redirect's Location header
    trickle: float = 0.0  # the pause between each byte of the body, as a server that drips it out


@dataclass
class FakeSite:
    """What the loopback server answers: ``answers`` by path prefix, else ``default``."""

    url: str = ""
    default: Answer = field(default_factory=Answer)
    answers: dict[str, Answer] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)

    def answer(self, prefix: str, **values: Any) -> None:
        self.answers[prefix] = Answer(**values)

    def answer_for(self, path: str) -> Answer:
        matches = [prefix for prefix in self.answers if path.startswith(prefix)]
        return self.answers[max(matches, key=len)] if matches else self.default


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        site.requested.append(self.path)
        answer = site.answer_for(self.path)
        time.sleep(answer.delay)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.location:
            self.send_header("Location", answer.location)
        self.end_headers()
        if not answer.trickle:
            self.wfile.write(answer.body)
            return
        for byte in answer.body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(answer.trickle)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FakeSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a slow answer closed its end: expected here


@pytest.fixture
def site(settings: Any) -> Iterator[FakeSite]:
    """The public site, as the checks reach it; every path answers 200 with a JSON listing."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = FakeSite(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TAHAWUL_PUBLIC_URL = server.site.url
    settings.TAHAWUL_STATUS_HTTP_TIMEOUT = 0.5
    settings.TAHAWUL_STATUS_SLOW_SECONDS = 0.2
    try:
        yield server.site
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Clock:
    """timezone.now() while a test runs: from Thursday 3 December 2026, 10:00 in Bahrain."""

    now: datetime

    def advance(self, **duration: float) -> datetime:
        self.now += timedelta(**duration)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(datetime(2026, 12, 3, 10, 0, tzinfo=BAHRAIN))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now.astimezone(UTC))
    return fixed


@pytest.fixture
def authority(db: None) -> Staff:
    """Officers and supervisors of the eGovernment authority, who manage incidents."""
    return make_staff(Entity.objects.get(code="IGA"))


@pytest.fixture
def npra(db: None) -> Staff:
    return make_staff(Entity.objects.get(code="NPRA"))


def both(arabic: str, english: str) -> LocalizedText:
    return LocalizedText(ar=arabic, en=english)


def opened(actor: User, *components: str, title: str = "Payments fail") -> Incident:
    """An incident opened by hand by ``actor`` about ``components`` (default: the portal)."""
    return incidents.open_incident(
        actor=actor,
        components=list(components or ["portal"]),
        impact="down",
        title=both(f"تعطل: {title}", title),
        message=both("نحقق في المشكلة.", "We are looking into it."),
    )


def technical(channel: str = "web", *, number: int = 1, **values: Any) -> Case:
    """A technical problem reported about ``channel`` (each ``number`` from its own address)."""
    values.setdefault("description", "The page showed an error when I pressed pay.")
    return file_case(kind="technical", channel_concerned=channel, client=f"ip:203.0.113.{number}", **values)


__all__ = ["Answer", "Clock", "FakeSite", "both", "opened", "technical"]
