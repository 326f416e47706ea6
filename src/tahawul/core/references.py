"""Human-readable references that reveal nothing on their own.

Crockford's base32 (no I, L, O, U: nothing to misread on a phone call), 12 random characters
(60 bits), grouped in fours: ``TH-7K3M-9QPX-2CFA``.
"""

from __future__ import annotations

import re
import secrets

from tahawul.core.digits import ascii_digits

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
PATTERN = re.compile(r"^[A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def new_reference(prefix: str = "TH") -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{prefix}-{body[:4]}-{body[4:8]}-{body[8:]}"


def normalise_reference(text: str) -> str:
    """What a person typed, as stored: upper case, spaces removed, misreadable letters fixed."""
    compact = re.sub(r"[\s-]", "", ascii_digits(text).upper())
    if len(compact) != 14:
        return ascii_digits(text).strip().upper()
    prefix, body = compact[:2], compact[2:].translate(_MISREAD)
    return f"{prefix}-{body[:4]}-{body[4:8]}-{body[8:]}"
