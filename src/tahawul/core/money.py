"""Money in Bahraini dinars, held as integer fils (1 BHD = 1,000 fils); never a float."""

from __future__ import annotations

import re
from decimal import Decimal

FILS_PER_DINAR = 1000
_AMOUNT = re.compile(r"^(?P<dinars>\d{1,9})(?:\.(?P<fils>\d{1,3}))?$")


class InvalidAmount(ValueError):
    """Raised when a text is not an amount in dinars with at most three decimals."""


def parse_dinars(text: str) -> int:
    """``"12.5"`` → ``12500`` fils. Only digits and one point; at most three decimals."""
    match = _AMOUNT.match(text.strip())
    if match is None:
        raise InvalidAmount(text)
    fils_text = (match.group("fils") or "").ljust(3, "0")
    return int(match.group("dinars")) * FILS_PER_DINAR + int(fils_text)


def format_dinars(fils: int) -> str:
    """``12500`` → ``"12.500"``: the written form used in definitions and the API."""
    sign = "-" if fils < 0 else ""
    dinars, remainder = divmod(abs(fils), FILS_PER_DINAR)
    return f"{sign}{dinars}.{remainder:03d}"


def fils_to_decimal(fils: int) -> Decimal:
    return Decimal(fils) / FILS_PER_DINAR
