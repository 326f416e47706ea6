"""Checking and storing uploaded files: type by content, size by the definition, random names
outside the web root, SHA-256 kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tahawul.applications.errors import BadDocument
from tahawul.applications.scanning import is_clean
from tahawul.definitions.fields.files import media_type_names


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    content_type: str
    size: int
    sha256: str


def root() -> Path:
    return Path(settings.TAHAWUL_DOCUMENT_ROOT)


def check_and_store(upload: UploadedFile[bytes], *, allowed_types: list[str], max_mb: float) -> StoredFile:
    """Refuse a file of another type (whatever its name says), too large, empty or not clean."""
    limit = int(max_mb * 1024 * 1024)
    if upload.size is None or upload.size == 0:
        raise BadDocument(_("The file is empty."))
    if upload.size > limit:
        raise BadDocument(_("The file is larger than %(max)s MB.") % {"max": f"{max_mb:g}"})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise BadDocument(_("The file is larger than %(max)s MB.") % {"max": f"{max_mb:g}"})
    kind = filetype.guess(content)
    content_type = kind.mime if kind is not None else ""
    if content_type not in allowed_types:
        types = media_type_names(allowed_types)
        raise BadDocument(_("This file is not one of the accepted types (%(types)s).") % {"types": types})
    if not is_clean(content):
        raise BadDocument(_("The file could not be checked for viruses, or it contains one. It was not saved."))
    storage_name = f"{secrets.token_hex(2)}/{secrets.token_hex(16)}"
    path = root() / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return StoredFile(
        storage_name=storage_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def path_of(storage_name: str) -> Path:
    return root() / storage_name
