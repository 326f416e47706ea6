"""Checks that reach the platform the way people do: an HTTP GET to TAHAWUL_PUBLIC_URL, over by a
deadline, so that what is measured includes the load balancer, TLS and the application servers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.status.models import State
from tahawul.status.outcomes import Outcome
from tahawul.status.wording import in_both_languages

MAX_BODY_BYTES = 2_000_000  # read the whole answer, as a browser would, up to this much
MAX_REDIRECTS = 5  # followed as a browser would (http to https, a trailing slash)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEADERS = {"User-Agent": "Tahawul-status-check/1", "Accept": "*/*"}


@dataclass(frozen=True)
class Answer:
    seconds: float
    body: bytes


class Unanswered(Exception):
    """A request that did not get a usable answer; ``reason`` says why, in both languages."""

    def __init__(self, reason: LocalizedText) -> None:
        super().__init__(reason.en)
        self.reason = reason


def fetch(path: str, *, expect_json: bool = False) -> Answer:
    """GET ``path`` of the public site, following redirects, all of it within
    TAHAWUL_STATUS_HTTP_TIMEOUT seconds; raise Unanswered on an error status, no whole answer by
    then, a refused connection or (with ``expect_json``) a body that is not JSON, as a proxy's
    error page would be."""
    url = f"{settings.TAHAWUL_PUBLIC_URL}{path}"
    if not url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"TAHAWUL_PUBLIC_URL must start with http:// or https://, not {url!r}.")
    timeout = settings.TAHAWUL_STATUS_HTTP_TIMEOUT
    started = time.monotonic()
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            status, location, body = _get(url, deadline=started + timeout)
            redirected_to = urljoin(url, location) if status in REDIRECTS and location else ""
            if not redirected_to.startswith(("http://", "https://")):
                break
            url = redirected_to
    except TimeoutError:
        raise Unanswered(
            in_both_languages(
                _("%(path)s did not answer within %(seconds)s seconds."), path=path, seconds=f"{timeout:g}"
            )
        ) from None
    except (OSError, HTTPException) as error:
        # The class only: a message may name internal addresses, and the reason is kept for months.
        raise Unanswered(
            in_both_languages(_("%(path)s could not be reached (%(error)s)."), path=path, error=type(error).__name__)
        ) from None
    seconds = time.monotonic() - started
    if status >= 300:  # an error, or redirected too many times
        raise Unanswered(
            in_both_languages(_("%(path)s answered with HTTP status %(status)s."), path=path, status=status)
        )
    if expect_json:
        try:
            json.loads(body)
        except ValueError:
            raise Unanswered(in_both_languages(_("%(path)s did not answer with JSON."), path=path)) from None
    return Answer(seconds=seconds, body=body)


def _get(url: str, *, deadline: float) -> tuple[int, str, bytes]:
    """One GET of ``url``: its status, Location header and body; TimeoutError when it is not over
    by ``deadline`` (a time.monotonic()). A timeout on each read would let a server that trickles
    its answer hold the check for ever, so a timer cuts the connection at the deadline, wherever
    the request is."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError()
    parts = urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=left)  # connecting, at most that
    cut = threading.Event()
    # The socket is kept here: the connection forgets it once the answer says it will close (any
    # HTTP/1.0 answer), leaving it to the response, which is still reading.
    opened: list[socket.socket] = []

    def cut_off() -> None:
        cut.set()
        for sock in opened:
            with suppress(OSError):  # under TLS too: shut the socket itself, not the TLS session
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    timer = threading.Timer(left, cut_off)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        opened.append(connection.sock)
        if cut.is_set():  # the deadline passed while connecting, before there was a socket to cut
            raise TimeoutError()
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=HEADERS)
        response = connection.getresponse()
        body = response.read(MAX_BODY_BYTES)
    except (OSError, HTTPException):
        if cut.is_set():
            raise TimeoutError() from None
        raise
    finally:
        timer.cancel()
        connection.close()
    if cut.is_set():  # cut off just as the answer ended: it may not be whole
        raise TimeoutError()
    return response.status, response.getheader("Location") or "", body


def judge(path_seconds: Sequence[tuple[str, float]]) -> Outcome:
    """Up when every answer came within TAHAWUL_STATUS_SLOW_SECONDS; degraded when one was
    slower. The latency is that of the slowest answer."""
    slowest_path, slowest = max(path_seconds, key=lambda item: item[1])
    latency_ms = round(slowest * 1000)
    if slowest > settings.TAHAWUL_STATUS_SLOW_SECONDS:
        reason = in_both_languages(
            _("%(path)s took %(seconds)s seconds to answer."), path=slowest_path, seconds=f"{slowest:.1f}"
        )
        return Outcome(State.DEGRADED, latency_ms, reason)
    return Outcome(State.UP, latency_ms)


def probe(requests: Sequence[tuple[str, bool]]) -> Outcome:
    """GET each (path, whether it answers JSON) in turn; down at the first without a usable answer."""
    timings = []
    try:
        for path, expect_json in requests:
            timings.append((path, fetch(path, expect_json=expect_json).seconds))
    except Unanswered as problem:
        return Outcome(State.DOWN, None, problem.reason)
    return judge(timings)
