"""A problem found in a service definition, located by its path (and line, when from a file)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.utils.functional import Promise

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Path
    message: Promise | str
    params: Mapping[str, object] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None

    @property
    def text(self) -> str:
        """The message in the active language."""
        return str(self.message % self.params) if self.params else str(self.message)

    @property
    def dotted_path(self) -> str:
        return format_path(self.path)

    def under(self, prefix: Path) -> Problem:
        return replace(self, path=prefix + self.path)

    def __str__(self) -> str:
        location = f"{self.file or '<document>'}:{self.line or 1}"
        return f"{location}: {self.dotted_path or '(document)'}: {self.text}"


def format_path(path: Sequence[str | int]) -> str:
    """``("sections", 0, "fields", 2, "type")`` → ``sections[0].fields[2].type``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
