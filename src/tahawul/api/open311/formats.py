"""GeoReport v2's two formats from one document: XML (required, with its declaration) and JSON by
the Spark convention (the root container dropped; a container of repeated elements is an array).

A document is plain data: dicts (elements in order), lists (containers whose items are named by
``ITEM_TAGS``), strings, numbers, booleans and None (an empty element, JSON null).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# The element each repeated child of a container is called.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all (what a client typed may hold them).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Document = Mapping[str, Any] | Sequence[Any]


def render(document: Document, *, root: str, fmt: str, status: int = 200) -> HttpResponse:
    """The response for ``document`` in ``fmt`` (``xml`` or ``json``); ``root`` names the XML root."""
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False)
    else:
        body = XML_DECLARATION + _element(root, document) + "\n"
    return HttpResponse(body.encode(), status=status, content_type=FORMATS[fmt])


def _element(tag: str, value: Any) -> str:
    if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
        return f"<{tag}/>"
    if isinstance(value, Mapping):
        inner = "".join(_element(name, item) for name, item in value.items())
    elif isinstance(value, (list, tuple)):
        inner = "".join(_element(ITEM_TAGS[tag], item) for item in value)
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(_NOT_IN_XML.sub("", str(value)))
    return f"<{tag}>{inner}</{tag}>"
