"""Checks that reach the platform the way people do: an HTTP GET to TAHAWUL_PUBLIC_URL, with a
timeout, so that what is measured includes the load balancer, TLS and the application servers."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.status.models import State
from tahawul.status.outcomes import Outcome
from tahawul.status.wording import in_both_languages

MAX_BODY_BYTES = 2_000_000  # read the whole answer, as a browser would, up to this much
USER_AGENT = "Tahawul-status-check/1"


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
    """GET ``path`` of the public site; raise Unanswered on an error status, a timeout, a refused
    connection or (with ``expect_json``) a body that is not JSON, as a proxy's error page would be."""
    url = f"{settings.TAHAWUL_PUBLIC_URL}{path}"
    if not url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"TAHAWUL_PUBLIC_URL must start with http:// or https://, not {url!r}.")
    timeout = settings.TAHAWUL_STATUS_HTTP_TIMEOUT
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 (scheme checked above)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            body = response.read(MAX_BODY_BYTES)
    except urllib.error.HTTPError as error:
        raise Unanswered(
            in_both_languages(_("%(path)s answered with HTTP status %(status)s."), path=path, status=error.code)
        ) from None
    except (OSError, http.client.HTTPException) as error:  # URLError and timeouts are OSErrors
        cause = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(cause, TimeoutError):
            raise Unanswered(
                in_both_languages(
                    _("%(path)s did not answer within %(seconds)s seconds."), path=path, seconds=f"{timeout:g}"
                )
            ) from None
        raise Unanswered(
            in_both_languages(_("%(path)s could not be reached (%(error)s)."), path=path, error=_error_name(cause))
        ) from None
    seconds = time.monotonic() - started
    if expect_json:
        try:
            json.loads(body)
        except ValueError:
            raise Unanswered(in_both_languages(_("%(path)s did not answer with JSON."), path=path)) from None
    return Answer(seconds=seconds, body=body)


def _error_name(cause: object) -> str:
    # The class only: a message may name internal addresses, and the reason is kept for months.
    return type(cause).__name__ if isinstance(cause, BaseException) else str(cause)[:80]


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
