"""Version 1 of the JSON API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from tahawul.api.applications import router as applications_router
from tahawul.api.auth import router as auth_router
from tahawul.api.catalog import router as catalog_router
from tahawul.api.errors import install_handlers
from tahawul.api.feedback import router as feedback_router
from tahawul.api.renderers import UnicodeJSONRenderer

api = NinjaAPI(
    title="Tahawul API",
    version="1",
    description=(
        "Government services over JSON, for mobile apps and other systems. Texts come in Arabic "
        "and English; errors are application/problem+json (RFC 9457) in the language of "
        "Accept-Language (Arabic by default). Applications are the token holder's own: log in with "
        "POST /auth/token and send `Authorization: Bearer <token>` (see docs/api.md)."
    ),
    urls_namespace="api-v1",
    renderer=UnicodeJSONRenderer(),
)
api.add_router("", catalog_router)
# The bearer scheme is declared on the routers: applications need a token (applications.router
# carries auth=bearer); logging in does not, logging out does.
api.add_router("", auth_router)
api.add_router("", applications_router)
api.add_router("", feedback_router)
install_handlers(api)
