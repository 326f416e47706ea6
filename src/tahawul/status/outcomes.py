"""What one check found."""

from __future__ import annotations

from dataclasses import dataclass, field

from tahawul.core.text import LocalizedText


@dataclass(frozen=True)
class Outcome:
    """``state`` is a models.State value; ``latency_ms`` is how long the component took to answer,
    when that means something; ``reason`` says in both languages what was wrong (empty, or a detail
    for staff, when up)."""

    state: str
    latency_ms: int | None = None
    reason: LocalizedText = field(default_factory=LocalizedText)
