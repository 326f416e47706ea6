"""Search quality: what people in a Gulf state type, and the service they should find.

The cases live in ``search_quality.yaml`` next to this file. Each is either
``{query, expect_first: CODE}`` (the first result must be CODE) or
``{query, expect_in_top: N, expect: [CODE, ...]}`` (several answers are equally right: the
best-placed of them must be within the first N results).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tahawul.catalog.selectors import search_services

pytestmark = pytest.mark.django_db

CASES_FILE = Path(__file__).resolve().parent / "search_quality.yaml"
MINIMUM_CASES = 40


def _load_cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as stream:
        cases: list[dict[str, Any]] = yaml.safe_load(stream)["cases"]
    return cases


CASES = _load_cases()


def _top_codes(query: str, count: int) -> list[str]:
    return [service.code for service in search_services(query=query, page_size=max(count, 5)).items[:count]]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= MINIMUM_CASES


def test_cases_are_well_formed() -> None:
    queries = [case["query"] for case in CASES]
    assert len(queries) == len(set(queries)), "a query appears twice"
    for case in CASES:
        assert isinstance(case["query"], str)
        assert case["query"].strip()
        if "expect_first" in case:
            assert set(case) == {"query", "expect_first"}, case
        else:
            assert set(case) == {"query", "expect_in_top", "expect"}, case
            assert isinstance(case["expect_in_top"], int)
            assert case["expect_in_top"] >= 1
            assert case["expect"], case


@pytest.mark.parametrize("case", CASES, ids=[case["query"] for case in CASES])
def test_search_finds_what_people_mean(case: dict[str, Any]) -> None:
    query: str = case["query"]
    if "expect_first" in case:
        top = _top_codes(query, 5)
        assert top[:1] == [case["expect_first"]], f"{query!r}: expected {case['expect_first']} first, got {top}"
    else:
        limit: int = case["expect_in_top"]
        expected: list[str] = case["expect"]
        top = _top_codes(query, max(limit, 5))
        assert any(code in expected for code in top[:limit]), (
            f"{query!r}: expected one of {expected} in the top {limit}, got {top}"
        )
