"""Digits as people type them: Arabic-Indic and Persian digits read as ASCII digits."""

from __future__ import annotations

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)
