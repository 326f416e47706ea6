"""Reading GeoReport v2 requests: the parameters of a POST (with every attribute encoding the
specification allows) and the filters of GET requests. Bad input raises InvalidServiceRequest
naming the parameter, in both languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.integrations.errors import InvalidServiceRequest
from tahawul.integrations.open311 import Submission
from tahawul.integrations.selectors import RequestFilter
from tahawul.integrations.texts import both

STATUSES = ("open", "closed")
DEFAULT_PAGE_SIZE = 1000  # GeoReport v2: "first 1000 requests returned"
MAX_IDS = 1000
MAX_PAGE = 1_000_000  # a billion requests, and an offset every database can take
# The dates a filter may name: far enough apart for any real search, and 90 days from either
# end is still a date Python can hold.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
# attribute[code]=value, and attribute[code][]=a&attribute[code][]=b for a multivaluelist.
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_W3C = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")
_SUBMISSION_FIELDS = [name for name in Submission.__dataclass_fields__ if name != "attributes"]


def parameters(request: HttpRequest) -> QueryDict:
    """The request's parameters: the form-encoded body, and the query string for any it lacks
    (some clients send everything in the URL), except the api_key, taken from the body only: an
    address ends up in access logs."""
    merged = request.GET.copy()
    merged.pop("api_key", None)
    for name in request.POST:
        merged.setlist(name, request.POST.getlist(name))
    return merged


@dataclass(frozen=True)
class PostedRequest:
    api_key: str
    service_code: str
    submission: Submission


def posted_request(params: QueryDict) -> PostedRequest:
    """A POST requests's parameters. Raises InvalidServiceRequest for a malformed attribute."""
    attributes: dict[str, list[str]] = {}
    errors: dict[str, LocalizedText] = {}
    for name in params:
        match = _ATTRIBUTE.match(name)
        if match:
            attributes.setdefault(match.group(1), []).extend(params.getlist(name))
        elif name.startswith("attribute"):
            errors[name] = both(_("Write each attribute as attribute[code]=value."))
    if errors:
        raise InvalidServiceRequest(errors)
    values = {name: params.get(name, "") for name in _SUBMISSION_FIELDS}
    return PostedRequest(
        api_key=params.get("api_key", ""),
        service_code=params.get("service_code", "").strip(),
        submission=Submission(**values, attributes=attributes),
    )


@dataclass(frozen=True)
class ListQuery:
    filters: RequestFilter
    statuses: tuple[str, ...]
    page: int
    page_size: int


def list_query(params: QueryDict) -> ListQuery:
    """GET requests' filters, every problem at once. Raises InvalidServiceRequest."""
    errors: dict[str, LocalizedText] = {}
    ids = _listed(params, "service_request_id")
    if len(ids) > MAX_IDS:
        errors["service_request_id"] = both(_("Ask for at most 1,000 requests at once."))
    statuses = [status.lower() for status in _listed(params, "status")]
    if any(status not in STATUSES for status in statuses):
        errors["status"] = both(_("Use open, closed, or both separated by a comma."))
    start = _moment(params.get("start_date", ""), "start_date", errors)
    end = _moment(params.get("end_date", ""), "end_date", errors)
    page = _whole_number(params.get("page", ""), "page", 1, MAX_PAGE, errors)
    page_size = _whole_number(params.get("page_size", ""), "page_size", 1, DEFAULT_PAGE_SIZE, errors)
    if errors:
        raise InvalidServiceRequest(errors)
    return ListQuery(
        filters=RequestFilter(
            ids=tuple(ids), service_codes=tuple(_listed(params, "service_code")), start=start, end=end
        ),
        statuses=tuple(statuses),
        page=page or 1,
        page_size=page_size or DEFAULT_PAGE_SIZE,
    )


def _listed(params: QueryDict, name: str) -> list[str]:
    """A list filter's values: comma-separated, the parameter repeated, or both."""
    return [item.strip() for value in params.getlist(name) for item in value.split(",") if item.strip()]


def _moment(text: str, name: str, errors: dict[str, LocalizedText]) -> datetime | None:
    """A W3C date-time (``2026-03-01T00:00:00Z``); a date alone, or a time without a zone, is
    read in Bahrain's time."""
    text = text.strip()
    if not text:
        return None
    moment: datetime | None = None
    if _W3C.match(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        errors[name] = both(_("Write the date and time in the W3C format, like 2026-03-01T00:00:00Z."))
        return None
    if "T" not in text:
        moment = datetime.combine(moment.date(), time.min)
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    if not EARLIEST <= moment <= LATEST:
        errors[name] = both(
            _("Give a date from %(earliest)s to %(latest)s."),
            earliest=EARLIEST.date().isoformat(),
            latest=LATEST.date().isoformat(),
        )
        return None
    return moment


def _whole_number(text: str, name: str, low: int, high: int, errors: dict[str, LocalizedText]) -> int | None:
    text = text.strip()
    if not text:
        return None
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    if not text.isdecimal() or len(text) > len(str(high)) or not low <= int(text) <= high:
        errors[name] = both(_("Give a whole number from %(low)s to %(high)s."), low=low, high=high)
        return None
    return int(text)
