"""One HTTP POST to a checked target, connecting only to the addresses that were checked.

http.client rather than a higher-level client: it never follows a redirect (a 3xx is an answer,
and a failed one), never reads a proxy from the environment, and lets the connection go to the
checked address while TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from tahawul.webhooks.targets import Target

RESPONSE_EXCERPT_BYTES = 1000  # what is kept of a response body, for the log


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


class TransportError(Exception):
    """No answer: ``timed_out`` when the receiver took longer than the timeout."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.timed_out = timed_out


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()  # verifies the certificate and the host name
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to ``target``, trying its checked addresses in turn until one connects.

    Returns the status and the start of the response body, whatever the status; raises
    TransportError when no address answered (refused, reset, TLS failure, timeout)."""
    last_error: TransportError | None = None
    for address in target.addresses:
        try:
            return _post_to(target, address, body=body, headers=headers, timeout=timeout)
        except TransportError as error:
            last_error = error
            if error.timed_out:
                break  # it connected and then kept us waiting: another address would only wait again
    assert last_error is not None, "a checked target has at least one address"
    raise last_error


def _post_to(target: Target, address: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Answer(status=response.status, excerpt=excerpt)
    except TimeoutError:
        raise TransportError(f"no answer from {address} within {timeout:g} s", timed_out=True) from None
    # ssl.SSLError is an OSError; a ValueError is a request http.client cannot write. Whatever it
    # is, it is this attempt's failure, counted and retried, never a task that dies uncounted.
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise TransportError(f"{address}: {type(error).__name__}: {error}") from None
    finally:
        connection.close()
