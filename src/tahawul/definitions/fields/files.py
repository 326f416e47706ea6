"""The file field type: the answer refers to a file uploaded separately."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, get_args

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from tahawul.definitions.fields.base import AnswerError, Clock, FieldBase, register

MediaType = Literal["application/pdf", "image/jpeg", "image/png"]
MEDIA_TYPES: tuple[MediaType, ...] = get_args(MediaType)
MEDIA_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
_REFERENCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def media_type_names(types: Iterable[str]) -> str:
    """Accepted file types as people know them: "PDF, JPEG"."""
    return ", ".join(MEDIA_TYPE_NAMES.get(media_type, media_type) for media_type in types)


@register
class FileField(FieldBase):
    type: Literal["file"]
    types: list[MediaType] = Field(default_factory=lambda: list(MEDIA_TYPES), min_length=1)
    max_mb: float = Field(default=5, gt=0, le=20)

    def clean(self, raw: object, clock: Clock) -> str:
        # Whether the upload exists and belongs to the applicant is the applications app's check.
        if isinstance(raw, str) and _REFERENCE.match(raw.strip()):
            return raw.strip()
        raise AnswerError(_("Upload a file."))
