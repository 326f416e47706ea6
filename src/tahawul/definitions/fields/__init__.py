"""Field types of service definitions, by the name a definition uses in ``type:``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from tahawul.definitions.fields import choices, dates, files, identity, numeric, text
from tahawul.definitions.fields.base import FIELD_TYPES, AnswerError, Clock, FieldBase

__all__ = ["FIELD_TYPES", "MODULES", "AnswerError", "Clock", "FieldBase", "FieldDefinition"]

MODULES = (choices, dates, files, identity, numeric, text)  # importing them registers the types

if TYPE_CHECKING:
    FieldDefinition = FieldBase
else:
    # Built from the registry, so a new field type needs no change here.
    FieldDefinition = Annotated[Union[tuple(FIELD_TYPES.values())], Field(discriminator="type")]  # noqa: UP007
