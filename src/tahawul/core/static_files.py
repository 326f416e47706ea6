"""Static files that come from installed Python packages rather than from our apps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

import brotli
import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_PATH = "plotly/plotly.min.js"


class PlotlyFinder(BaseFinder):
    """Serves the plotly wheel's own ``plotly.min.js`` as ``plotly/plotly.min.js``: the charts'
    JavaScript is the exact version the Python package was built for, and never from a CDN. Only
    that one file: the package's other data (widget bundle, sample datasets) is not for browsers."""

    storage = FileSystemStorage(location=str(PLOTLY_DIR))

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...

    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        if path != PLOTLY_PATH:
            return []  # what Django's own finders answer for "not here", whichever mode
        found = str(PLOTLY_DIR / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield "plotly.min.js", _PrefixedStorage(location=str(PLOTLY_DIR))


class _PrefixedStorage(FileSystemStorage):
    prefix = "plotly"  # collectstatic puts it under plotly/


LARGE_FILE_BYTES = 1_000_000
LARGE_FILE_BROTLI_QUALITY = 9


class _QuickerBrotliForLargeFiles(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        # Brotli's top quality took 16 s on plotly.min.js (4.8 MB), for each of its two copies,
        # on every `tahawul run`; quality 9 takes 0.7 s for an 11 % larger file. Small files keep 11.
        quality = LARGE_FILE_BROTLI_QUALITY if len(data) > LARGE_FILE_BYTES else 11
        compressed: bytes = brotli.compress(data, quality=quality)
        return compressed


class CompressedStaticFiles(CompressedManifestStaticFilesStorage):
    """whitenoise's hashed, pre-compressed static files, with a quicker brotli for large files."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _QuickerBrotliForLargeFiles(**kwargs)
