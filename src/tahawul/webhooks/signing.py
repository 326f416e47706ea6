"""Webhook signatures: how Tahawul signs a delivery, and how a receiver checks one.

Standard library only, so that a receiver can copy this file as it is.

Every delivery carries a header such as::

    Tahawul-Signature: t=1767261600,v1=3f1c...e9a2

``t`` is when the attempt was signed, in Unix seconds. ``v1`` is the hexadecimal HMAC-SHA256,
keyed with the subscription's secret, of ``t``, a full stop and the request body exactly as
received (bytes, before any JSON parsing). While a secret is being rotated the header carries one
``v1`` per secret; a request is genuine when any of them matches.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

HEADER = "Tahawul-Signature"
TOLERANCE_SECONDS = 300  # the replay window: older (or later) signatures are refused
TIMESTAMP_MAX_DIGITS = 12  # Unix seconds for the next 30,000 years; a longer "time" is not one


class InvalidSignature(ValueError):
    """Not signed with this secret, changed on the way, or signed outside the replay window."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hexadecimal HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed with ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    """The value of the Tahawul-Signature header: the time, then one ``v1`` per secret."""
    return ",".join([f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)])


def verify(
    body: bytes, header: str, secret: str, *, tolerance: int = TOLERANCE_SECONDS, now: float | None = None
) -> int:
    """Check a delivery's Tahawul-Signature ``header`` against its raw ``body``; return the time it
    was signed. Raise InvalidSignature when the header is malformed, when the time is more than
    ``tolerance`` seconds away from ``now`` (a replay, or a badly wrong clock), or when no ``v1``
    matches ``secret``."""
    timestamp = None
    candidates = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= TIMESTAMP_MAX_DIGITS:
            timestamp = int(value)
        elif key == "v1" and value.isascii():  # compare_digest refuses other text
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("The signature header has no time or no signature.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature("The signature was made outside the replay window.")
    expected = signature(secret, timestamp, body)
    # compare_digest takes as long whatever matches: timing tells an attacker nothing.
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("No signature matches the secret.")
    return timestamp
