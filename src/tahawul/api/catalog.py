"""The catalogue over JSON: services (searchable), one service with its definition, entities."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from tahawul.api.errors import InvalidParameters
from tahawul.api.schemas import EntityOut, Problem, ServiceDetail, ServicePage, ServiceQuery, ServiceSummary
from tahawul.catalog import selectors as catalog
from tahawul.catalog.selectors import ServiceFilters
from tahawul.definitions import selectors as definitions

router = Router(tags=["catalogue"])


@router.get("/services", response={200: ServicePage, 422: Problem}, summary="Search and list services")
def list_services(request: HttpRequest, params: Query[ServiceQuery]) -> ServicePage:
    """Services matching `q` (ranked: the best match first) and the filters; without `q`, the
    most used first. Arabic is matched whatever the spelling of hamza, taa marbuta or alef maqsura."""
    filters = ServiceFilters(
        entity=params.entity,
        category=params.category,
        channel=params.channel.value if params.channel else None,
        life_event=params.life_event,
    )
    problems = catalog.filter_problems(filters)
    if problems:
        raise InvalidParameters({f"query.{name}": message for name, message in problems.items()})
    page = catalog.search_services(query=params.q, filters=filters, page=params.page, page_size=params.page_size)
    return ServicePage(
        count=page.total,
        page=page.number,
        page_size=page.size,
        pages=page.pages,
        items=[ServiceSummary.of(service) for service in page.items],
    )


@router.get(
    "/services/{code}",
    response={200: ServiceDetail, 404: Problem},
    by_alias=True,
    summary="A service and its current published definition",
)
def get_service(request: HttpRequest, code: str) -> ServiceDetail:
    listing = catalog.service_listing(code=code)
    version, definition = definitions.current_definition(code=code)
    summary = ServiceSummary.of(listing)
    return ServiceDetail(**summary.model_dump(), published_at=version.published_at, definition=definition)


@router.get("/entities", response=list[EntityOut], summary="Government entities and how many services each has")
def list_entities(request: HttpRequest) -> list[EntityOut]:
    return [EntityOut.of(entity) for entity in catalog.entities_with_counts()]
