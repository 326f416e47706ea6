"""Serving a stored personal file (an application document, a case attachment) over HTTP."""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from django.http import FileResponse, Http404

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;]')


def header_filename(name: str, fallback: str) -> str:
    """The uploaded name, fit for a header: no path, no control characters, no quotes."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or fallback
    return cleaned[:150]


def private_file(path: Path, *, content_type: str, name: str, fallback_name: str, inline: bool) -> FileResponse:
    """The file at ``path`` under its uploaded ``name``: never cached by shared caches, never
    sniffed into another type; ``inline`` shows it in the browser, else it is downloaded.
    Http404 (and an error in the log) when the store has lost it."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        log.error("stored file %s is missing", path.name)
        raise Http404() from None
    response = FileResponse(handle, content_type=content_type)
    shown = header_filename(name, fallback_name)
    ascii_name = shown.encode("ascii", "replace").decode().replace("?", "_")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(shown)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
