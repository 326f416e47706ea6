"""The virus-scanner hook. No scanning by default; a configured scanner fails closed: if it
cannot say a file is clean (it is down, it times out), the upload is refused."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Infected(Exception):
    """The scanner found something."""


class Scanner(Protocol):
    def scan(self, content: bytes) -> None:
        """Return when ``content`` is clean; raise :class:`Infected` (or anything) otherwise."""


@cache
def configured_scanner(dotted_path: str) -> Scanner | None:
    return import_string(dotted_path)() if dotted_path else None


def is_clean(content: bytes) -> bool:
    scanner = configured_scanner(settings.TAHAWUL_VIRUS_SCANNER)
    if scanner is None:
        return True
    try:
        scanner.scan(content)
    except Exception:
        return False
    return True
