"""Dashboards for entity staff (their entities) and for the authority and the analyst (every
entity): parse the filters, read through the feedback selectors, render or export.

Anyone else signed in gets 404, as in the back office, so the dashboards never confirm what
exists; the public is sent to sign in first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tahawul.feedback.satisfaction import GroupBy
from tahawul.feedback.selectors import insight_entities
from tahawul.identity.selectors import NotFound
from tahawul.insights import exports
from tahawul.insights.dashboard import Filters, SatisfactionDashboard
from tahawul.insights.forms import SECTIONS, SatisfactionFilterForm
from tahawul.insights.selectors import scope_entity_names, scope_services


def scope_label(entity_ids: frozenset[int] | None) -> str:
    if entity_ids is None:
        return _("Every government entity")
    return _(", ").join(name.in_language() for name in scope_entity_names(entity_ids))


def csv_links(request: HttpRequest, sections: Iterable[str]) -> dict[str, str]:
    """The page's own address with format=csv and each section, for the download links."""
    links = {}
    for section in sections:
        query = request.GET.copy()
        query["format"] = "csv"
        query["section"] = section
        links[section] = f"?{query.urlencode()}"
    return links


@require_safe
@login_required
def satisfaction(request: HttpRequest) -> HttpResponseBase:
    try:
        entity_ids = insight_entities(request.user)
    except NotFound:
        raise Http404() from None
    several_entities = entity_ids is None or len(entity_ids) > 1
    today = timezone.localdate()
    form = SatisfactionFilterForm(
        request.GET, services=scope_services(entity_ids), several_entities=several_entities, today=today
    )
    wants_csv = request.GET.get("format") == "csv"
    if not form.is_valid():
        if wants_csv:
            return HttpResponseBadRequest(_("Correct the filters on the dashboard, then download again."))
        context: dict[str, object] = {"form": form, "dashboard": None, "scope_label": scope_label(entity_ids)}
        return render(request, "insights/satisfaction.html", context)
    service = form.cleaned_data["service"]
    dashboard = SatisfactionDashboard(
        entity_ids=entity_ids,
        filters=Filters(
            period=form.cleaned_data["period"],
            group_by=GroupBy(form.cleaned_data["group_by"]),
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
        "csv_links": csv_links(request, SECTIONS),
    }
    return render(request, "insights/satisfaction.html", context)


def _download(dashboard: SatisfactionDashboard, section: str) -> HttpResponseBase:
    period = dashboard.period.name
    if section == "headline":
        header, rows = exports.group_table([dashboard.headline], _("Scope"))
    elif section == "groups":
        header, rows = exports.group_table(dashboard.groups, dashboard.group_title)
    elif section == "trend":
        header, rows = exports.trend_table(dashboard.trend)
    elif section == "worst":
        header, rows = exports.worst_table(dashboard.worst)
    elif section == "themes":
        header, rows = exports.themes_table(dashboard.themes)
    elif section == "cases":
        header, rows = exports.cases_table(dashboard.cases)
    else:
        return HttpResponseBadRequest(_("There is no such table to download."))
    return exports.csv_response(f"satisfaction-{section}-{period}.csv", header, rows)
