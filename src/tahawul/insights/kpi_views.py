"""The KPI dashboard for entity staff (their entities) and for the authority and the analyst
(every entity): parse the filters, read through ``tahawul.performance.selectors``, render or
export. Who sees what is the satisfaction dashboard's rule (``feedback.selectors.insight_entities``):
anyone else signed in gets 404, the public is sent to sign in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tahawul.feedback.selectors import insight_entities
from tahawul.identity.selectors import NotFound
from tahawul.insights import exports, kpi_exports
from tahawul.insights.kpi_dashboard import KpiDashboard, KpiFilters
from tahawul.insights.kpi_forms import KPI_SECTIONS, KpiFilterForm
from tahawul.insights.selectors import scope_services
from tahawul.insights.views import csv_links, scope_label


@require_safe
@login_required
def kpis(request: HttpRequest) -> HttpResponseBase:
    try:
        entity_ids = insight_entities(request.user)
    except NotFound:
        raise Http404() from None
    several_entities = entity_ids is None or len(entity_ids) > 1
    today = timezone.localdate()
    form = KpiFilterForm(
        request.GET, services=scope_services(entity_ids), several_entities=several_entities, today=today
    )
    wants_csv = request.GET.get("format") == "csv"
    if not form.is_valid():
        if wants_csv:
            return HttpResponseBadRequest(_("Correct the filters on the dashboard, then download again."))
        context: dict[str, object] = {"form": form, "dashboard": None, "scope_label": scope_label(entity_ids)}
        return render(request, "insights/kpis.html", context)
    service = form.cleaned_data["service"]
    dashboard = KpiDashboard(
        entity_ids=entity_ids,
        filters=KpiFilters(
            period=form.cleaned_data["period"],
            group_by=form.cleaned_data["group_by"],
            service_id=service.pk if service is not None else None,
            channel=form.cleaned_data["channel"],
        ),
        today=today,
        rtl=get_language_bidi(),
    )
    if wants_csv:
        return _download(dashboard, request.GET.get("section", ""))
    context = {
        "form": form,
        "dashboard": dashboard,
        "scope_label": scope_label(entity_ids),
        "csv_links": csv_links(request, KPI_SECTIONS),
    }
    return render(request, "insights/kpis.html", context)


def _download(dashboard: KpiDashboard, section: str) -> HttpResponseBase:
    period = dashboard.period.name
    if section == "headline":
        header, rows = kpi_exports.kpi_table(dashboard.headline_rows, _("Scope"))
    elif section == "groups":
        header, rows = kpi_exports.kpi_table(dashboard.groups, dashboard.group_title)
    elif section == "trend":
        header, rows = kpi_exports.kpi_table(dashboard.trend, _("Month"))
    else:
        return HttpResponseBadRequest(_("There is no such table to download."))
    return exports.csv_response(f"kpis-{section}-{period}.csv", header, rows)
