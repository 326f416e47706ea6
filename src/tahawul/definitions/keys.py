"""Constrained strings used throughout the definition schema."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
ServiceCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$", max_length=60)]
EntityCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*$", max_length=20)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
