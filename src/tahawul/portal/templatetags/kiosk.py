"""Template helpers for kiosk mode: the on-screen keypads."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

from tahawul.core.references import ALPHABET

register = template.Library()

DIGITS = list("1234567890")
KEYS = {
    "digits": DIGITS,
    "mobile": ["+", *DIGITS],
    # A reference's two prefixes, then the characters references are made of (no I, L, O, U).
    "reference": ["TH-", "CS-", *DIGITS, *[letter for letter in ALPHABET if letter.isalpha()]],
}


@register.inclusion_tag("portal/kiosk/_keypad.html")
def keypad(field: BoundField, kind: str) -> dict[str, Any]:
    """The keypad that types into ``field``: ``digits``, ``mobile`` (with +) or ``reference``."""
    return {"target": f"kiosk-{field.name}", "label": field.label, "keys": KEYS[kind], "kind": kind}
