"""Version 1 of the JSON API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from tahawul.api.catalog import router as catalog_router
from tahawul.api.errors import install_handlers
from tahawul.api.renderers import UnicodeJSONRenderer

api = NinjaAPI(
    title="Tahawul API",
    version="1",
    description=(
        "Government services over JSON, for mobile apps and other systems. Texts come in Arabic "
        "and English; errors are application/problem+json (RFC 9457) in the language of "
        "Accept-Language (Arabic by default)."
    ),
    urls_namespace="api-v1",
    renderer=UnicodeJSONRenderer(),
)
api.add_router("", catalog_router)
install_handlers(api)
