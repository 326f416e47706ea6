"""The public status page (each channel's state, 90 days of uptime, incidents), one incident, one
component's daily figures as a table, and the load balancer's probes /healthz and /readyz.

The pages read ``tahawul.status.selectors`` only, which read the roll-ups: a fixed number of
queries however long the history. The probes touch no session and no template.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from tahawul.identity.selectors import NotFound
from tahawul.status import selectors
from tahawul.status.models import Component, State
from tahawul.status.readiness import readiness
from tahawul.status.uptime import DayUptime

PAST_PER_PAGE = 10

STATE_LABELS = {**dict(State.choices), selectors.UNKNOWN: _("No recent check")}
OVERALL = {
    State.UP: _("Everything is working."),
    State.DEGRADED: _("Some services are slow or partly working."),
    State.DOWN: _("Some services are not working."),
    selectors.UNKNOWN: _("We have no recent checks of our services."),
}
GRADE_LABELS = {
    "good": _("Working"),
    "fair": _("Some problems"),
    "poor": _("Serious problems"),
    "no_data": _("No data"),
}


def percent(share: float | None) -> float | None:
    """A share as a percentage rounded down to two decimals: 100 only when nothing went wrong."""
    # The epsilon undoes binary floating point (0.995 × 10,000 is 9,949.999…), not the rounding down.
    return None if share is None else math.floor(share * 10_000 + 1e-6) / 100


@dataclass(frozen=True)
class DayRow:
    day: DayUptime
    percent: float | None
    grade_label: str


def _days(days: list[DayUptime]) -> list[DayRow]:
    return [DayRow(day=day, percent=percent(day.uptime), grade_label=str(GRADE_LABELS[day.grade])) for day in days]


@dataclass(frozen=True)
class ComponentRow:
    item: selectors.ComponentStatus
    state_label: str
    percent: float | None
    days: list[DayRow]


def _component_rows(overview: selectors.StatusOverview) -> list[ComponentRow]:
    return [
        ComponentRow(
            item=item, state_label=STATE_LABELS[item.state], percent=percent(item.period.uptime), days=_days(item.days)
        )
        for item in overview.components
    ]


@require_safe
def status_page(request: HttpRequest) -> HttpResponse:
    overview = selectors.status_overview()
    past = Paginator(selectors.past_incidents(), PAST_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/status/status.html",
        {
            "overview": overview,
            "overall": OVERALL[overview.overall],
            "components": _component_rows(overview),
            "ongoing": selectors.ongoing_incidents(),
            "past": past,
            "grades": GRADE_LABELS,
            "history_days": selectors.HISTORY_DAYS,
        },
    )


@require_safe
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incident = selectors.public_incident(pk)
    except NotFound:
        raise Http404() from None
    return render(request, "portal/status/incident.html", {"incident": incident})


@require_safe
def component_page(request: HttpRequest, component: str) -> HttpResponse:
    """One component's daily uptime as a table: what the bars on the status page show, in numbers."""
    if component not in Component.values:
        raise Http404()
    overview = selectors.status_overview()
    row = next(row for row in _component_rows(overview) if row.item.component == component)
    return render(request, "portal/status/component.html", {"row": row, "history_days": selectors.HISTORY_DAYS})


# --- for load balancers --------------------------------------------------------------------------


def _probe_response(body: str, *, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers. Nothing else is looked at: not the database, not a session."""
    return _probe_response("ok\n")


@csrf_exempt
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """The database answers and the task queue's table can be read: 200, else 503 with the reason."""
    found = readiness()
    body = json.dumps({"status": "ready" if found.ready else "not ready", "checks": found.checks})
    return _probe_response(body, status=200 if found.ready else 503, content_type="application/json")
