"""One HTTP POST to a checked target, connecting only to the addresses that were checked, within
one deadline for the whole attempt.

http.client rather than a higher-level client: it never follows a redirect (a 3xx is an answer,
and a failed one), never reads a proxy from the environment, and lets the connection go to the
checked address while TLS still verifies the certificate against the host name.

A socket's timeout bounds each read, not the exchange: a receiver sending a byte now and then
would keep a worker for as long as it liked. So every read and write here may wait only for what
is left of the attempt's time, and the attempt ends when none is.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tahawul.webhooks.targets import DEFAULT_PORTS, Target

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

RESPONSE_EXCERPT_BYTES = 1000  # what is kept of a response body, for the log


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


class TransportError(Exception):
    """No answer: ``timed_out`` when the attempt's time ran out."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.timed_out = timed_out


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to ``target`` and return the status and the start of the response body,
    whatever the status, all within ``timeout`` seconds.

    The checked addresses are tried in turn until one connects, each given an equal share of the
    time left to connect (a dual-stack host whose IPv6 is firewalled is still reached over IPv4);
    once connected, the rest of the time is that address's. Raises TransportError when no address
    answered (refused, reset, TLS failure, out of time)."""
    assert target.addresses, "a checked target has at least one address"
    deadline = time.monotonic() + timeout
    failures: list[str] = []
    timed_out = False
    for index, address in enumerate(target.addresses):
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        share = left / (len(target.addresses) - index)
        try:
            connected = socket.create_connection((address, target.port), timeout=share)
        except TimeoutError:
            failures.append(f"{address}: could not connect within {share:.2g} s")
            timed_out = True
            continue
        except OSError as error:
            failures.append(f"{address}: {type(error).__name__}: {error}")
            timed_out = False
            continue
        try:
            return _exchange(target, connected, body=body, headers=headers, deadline=deadline)
        except TimeoutError:
            # It connected, then kept us waiting: the time is gone, for the other addresses too.
            failures.append(f"no answer from {address} within {timeout:g} s")
            timed_out = True
            break
        # ssl.SSLError is an OSError; a ValueError is a request http.client cannot write. Whatever
        # it is, it is this attempt's failure, counted and retried, never a task that dies uncounted.
        except (OSError, http.client.HTTPException, ValueError) as error:
            failures.append(f"{address}: {type(error).__name__}: {error}")
            timed_out = False
    raise TransportError("; ".join(failures), timed_out=timed_out)


def _exchange(
    target: Target, connected: socket.socket, *, body: bytes, headers: dict[str, str], deadline: float
) -> Answer:
    """Over a connected socket: TLS when asked for, the request, the status and the excerpt."""
    sock = connected
    try:
        if target.scheme == "https":
            tls = ssl.create_default_context()  # verifies the certificate and the host name
            # The handshake as a whole waits at most this long (ssl counts its timeout that way).
            connected.settimeout(_left(deadline))
            sock = tls.wrap_socket(connected, server_hostname=target.host)
        connection = _PinnedConnection(target, _DeadlineSocket(sock, deadline))
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Answer(status=response.status, excerpt=excerpt)
    finally:
        sock.close()


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the attempt's time is up")
    return left


class _DeadlineSocket:
    """The connected socket as http.client uses it (``sendall``, ``makefile``, ``close``), each
    read and write waiting only for what is left before ``deadline``."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            self._sock.settimeout(_left(self._deadline))
            view = view[self._sock.send(view) :]

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        pass  # http.client closes it before the body is read; _exchange closes the socket after


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        self._sock.settimeout(_left(self._deadline))
        return self._sock.recv_into(buffer)


class _PinnedConnection(http.client.HTTPConnection):
    """http.client over a socket already connected (and secured) to a checked address."""

    def __init__(self, target: Target, sock: _DeadlineSocket) -> None:
        super().__init__(target.host, target.port)
        self.default_port = DEFAULT_PORTS[target.scheme]  # "Host: example.org", without ":443"
        self.sock = sock  # not a socket, but all of one that http.client uses

    def connect(self) -> None:
        raise http.client.NotConnected("the connection was closed; an attempt does not reconnect")
