"""Public, without signing in: each service's performance (the four KPIs over the last twelve
whole months, with their trend), the list of every service's figures, and the open-data export
(docs/open-data.md). Every figure is an aggregate read through ``tahawul.performance.selectors``."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tahawul.catalog import selectors as catalog
from tahawul.core.errors import DomainError
from tahawul.performance import selectors as performance
from tahawul.portal import open_data
from tahawul.portal.performance_charts import trend_chart
from tahawul.portal.performance_presenters import month_rows, public_kpis, public_span

# The open data changes once a month; shared caches may keep a copy for an hour.
OPEN_DATA_CACHE = "public, max-age=3600"
SERVICES_LISTED = 2_000  # every service of a government in one table; the catalogue holds ~120


@require_safe
def service_performance(request: HttpRequest, code: str) -> HttpResponse:
    try:
        service = catalog.service_listing(code=code)
    except DomainError as error:
        raise Http404(str(error.message)) from None
    span = public_span(timezone.localdate())
    headline = public_kpis(performance.kpis(span=span, service_ids=[service.pk]))
    trend = month_rows(performance.kpis_by(group_by="month", span=span, service_ids=[service.pk]))
    rtl = get_language_bidi()
    months = [row.label for row in trend]
    charts = [
        (
            "take-up",
            _("Digital take-up"),
            trend_chart(months, [row.kpis.digital_take_up for row in trend], rtl, percent=True),
        ),
        (
            "completion",
            _("Completion rate"),
            trend_chart(months, [row.kpis.completion_rate for row in trend], rtl, percent=True),
        ),
        (
            "satisfaction",
            _("Satisfaction"),
            trend_chart(months, [row.kpis.satisfaction.satisfied for row in trend], rtl, percent=True),
        ),
        (
            "cost",
            _("Cost per transaction"),
            trend_chart(
                months, [row.kpis.cost_per_transaction for row in trend], rtl, percent=False, axis_title=_("BHD")
            ),
        ),
    ]
    context = {
        "service": service,
        "span": span,
        "headline": headline,
        "trend": trend,
        "charts": [
            {"key": key, "title": title, "spec": spec, "data_id": f"chart-trend-{key}-data"}
            for key, title, spec in charts
        ],
    }
    return render(request, "portal/performance/service.html", context)


@require_safe
def performance_index(request: HttpRequest) -> HttpResponse:
    span = public_span(timezone.localdate())
    figures = {row.key: public_kpis(row.kpis) for row in performance.kpis_by(group_by="service", span=span)}
    # Every service is listed, the most used first; one with nothing recorded says so.
    services = catalog.search_services(page_size=SERVICES_LISTED).items
    rows = [{"service": service, "kpis": figures.get(service.code)} for service in services]
    return render(request, "portal/performance/index.html", {"span": span, "rows": rows})


def _range_problem(message: str, *, as_json: bool) -> HttpResponse:
    if as_json:
        body = {
            "type": "about:blank",
            "title": _("The months asked for cannot be served."),
            "status": 400,
            "detail": message,
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False), status=400, content_type="application/problem+json; charset=utf-8"
        )
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@require_safe
def open_data_kpis_csv(request: HttpRequest) -> HttpResponseBase:
    try:
        span = open_data.parse_range(request.GET, today=timezone.localdate())
    except open_data.InvalidRange as error:
        return _range_problem(error.message, as_json=False)
    response = StreamingHttpResponse(open_data.csv_lines(span), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{span.first:%Y-%m}-{span.last:%Y-%m}.csv"'
    response["Cache-Control"] = OPEN_DATA_CACHE
    return response


@require_safe
def open_data_kpis_json(request: HttpRequest) -> HttpResponseBase:
    try:
        span = open_data.parse_range(request.GET, today=timezone.localdate())
    except open_data.InvalidRange as error:
        return _range_problem(error.message, as_json=True)
    response = StreamingHttpResponse(open_data.json_chunks(span), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = OPEN_DATA_CACHE
    return response
