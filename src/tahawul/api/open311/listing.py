"""GET requests: the Open311 requests the filters select, with the ``status`` filter read from
the application or case each became, one page at a time."""

from __future__ import annotations

from tahawul.api.open311.parsing import STATUSES, ListQuery
from tahawul.feedback.selectors import closed_by_reference
from tahawul.integrations.models import ServiceRequest
from tahawul.integrations.selectors import service_requests


def listed_requests(query: ListQuery) -> list[ServiceRequest]:
    """One page of the requests ``query`` selects, the most recent first. ``service_request_id``
    overrides every other filter, as GeoReport v2 says. Raises InvalidServiceRequest."""
    rows = service_requests(query.filters)
    if query.statuses and not query.filters.ids and set(query.statuses) != set(STATUSES):
        closed = closed_by_reference()
        rows = rows.filter(closed) if "closed" in query.statuses else rows.exclude(closed)
    first = (query.page - 1) * query.page_size
    return list(rows[first : first + query.page_size])
