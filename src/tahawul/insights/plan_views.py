"""The national plan and each entity's plan, read-only: the authority and the analyst see every
entity, entity staff their own entities (their roll-up). Each table downloads as CSV or XLSX
(``?format=csv&section=…``, ``?format=xlsx&section=…``).

Anyone else signed in gets 404, as on the other dashboards; the public is sent to sign in.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tahawul.feedback.selectors import insight_entities
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.insights import exports, xlsx
from tahawul.insights.plan_dashboard import NationalPlanDashboard, PlanDashboard, current_plans
from tahawul.insights.plan_tables import Table
from tahawul.insights.views import scope_label
from tahawul.plans import selectors

FORMATS = ("csv", "xlsx")
NATIONAL_SECTIONS = ("stages", "entities", "late", "gantt", "changes")
PLAN_SECTIONS = ("items", "gantt", "stages")
# The names of the spreadsheets' sheets (31 characters at most).
SHEET_TITLES = {
    "stages": gettext_lazy("Stages by quarter"),
    "entities": gettext_lazy("Progress by entity"),
    "late": gettext_lazy("Late milestones"),
    "gantt": gettext_lazy("Timeline"),
    "changes": gettext_lazy("Changes"),
    "items": gettext_lazy("Services in the plan"),
}


def _viewer_scope(user: User) -> frozenset[int] | None:
    try:
        return insight_entities(user)
    except NotFound:
        raise Http404() from None


def _cabinet_report_url() -> str | None:
    # The cabinet report is its own module's URL; the page stands without it.
    try:
        return reverse("insights:cabinet_report")
    except NoReverseMatch:
        return None


def _download_links(request: HttpRequest, sections: tuple[str, ...]) -> dict[str, dict[str, str]]:
    links: dict[str, dict[str, str]] = {}
    for section in sections:
        links[section] = {}
        for kind in FORMATS:
            query = request.GET.copy()
            query["format"] = kind
            query["section"] = section
            links[section][kind] = f"?{query.urlencode()}"
    return links


def _csv_cell(value: xlsx.Value) -> exports.Cell:
    # Spreadsheets read ISO dates; a time is the local one, to the minute, as on the page.
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _download(request: HttpRequest, table: Table | None, *, stem: str, section: str) -> HttpResponseBase:
    if table is None:
        return HttpResponseBadRequest(_("There is no such table to download."))
    header, rows = table
    kind = request.GET.get("format")
    if kind == "csv":
        cells = ([_csv_cell(value) for value in row] for row in rows)
        return exports.csv_response(f"{stem}-{section}.csv", header, cells)
    title = str(SHEET_TITLES.get(section, section))
    return xlsx.xlsx_response(f"{stem}-{section}.xlsx", title, header, rows, right_to_left=get_language_bidi())


def _wants_download(request: HttpRequest) -> bool:
    return request.GET.get("format") in FORMATS


@require_safe
@login_required
def national_plan(request: HttpRequest) -> HttpResponseBase:
    entity_ids = _viewer_scope(request.user)  # type: ignore[arg-type]
    today = timezone.localdate()
    plans = current_plans(selectors.plans_in_scope(request.user), today=today)
    dashboard = NationalPlanDashboard(plans=plans, today=today, now=timezone.now(), rtl=get_language_bidi())
    if _wants_download(request):
        section = request.GET.get("section", "")
        return _download(request, dashboard.table(section), stem=f"national-plan-{today.isoformat()}", section=section)
    context = {
        "dashboard": dashboard,
        "scope_label": scope_label(entity_ids),
        "is_national": entity_ids is None,
        "downloads": _download_links(request, NATIONAL_SECTIONS),
        "cabinet_report_url": _cabinet_report_url(),
        "today": today,
    }
    return render(request, "insights/plans/national.html", context)


@require_safe
@login_required
def plan_dashboard(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    _viewer_scope(request.user)  # type: ignore[arg-type]
    try:
        plan = selectors.access_plan(request.user, plan_id)
    except NotFound:
        raise Http404() from None
    today: date = timezone.localdate()
    dashboard = PlanDashboard(plan=plan, today=today, rtl=get_language_bidi())
    if _wants_download(request):
        section = request.GET.get("section", "")
        stem = f"plan-{plan.entity.code}-{plan.first_year}-{plan.last_year}"
        return _download(request, dashboard.table(section), stem=stem, section=section)
    context = {
        "dashboard": dashboard,
        "plan": plan,
        "downloads": _download_links(request, PLAN_SECTIONS),
        "today": today,
    }
    return render(request, "insights/plans/plan.html", context)
