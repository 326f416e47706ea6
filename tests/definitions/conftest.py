from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "service-definitions.md"


@pytest.fixture
def example_yaml() -> str:
    """The complete example of docs/service-definitions.md, so the documentation stays true."""
    match = re.search(r"## The document\n\n```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None
    return match.group(1)
