"""The Open311 tests use the integrations tests' world, and parse both formats as clients do."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from django.http import HttpResponse
from django.test import Client

from tests.integrations.conftest import Open311World, world

__all__ = ["Open311World", "call", "parsed", "world"]

BASE = "/open311/v2"


def call(client: Client, method: str, path: str, params: dict[str, Any] | None = None, **headers: str) -> HttpResponse:
    """A GeoReport v2 request: parameters in the query string for GET, form-encoded for POST."""
    if method == "POST":
        return client.post(f"{BASE}/{path}", params or {}, headers=headers)
    return client.generic(method, f"{BASE}/{path}", headers=headers, QUERY_STRING=_query(params))


def _query(params: dict[str, Any] | None) -> str:
    return urlencode(params or {}, doseq=True)


def parsed(response: HttpResponse) -> Any:
    """The body as the client reads it: JSON, or the XML root element (after checking the declaration)."""
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return json.loads(body)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    return ElementTree.fromstring(body.encode())
