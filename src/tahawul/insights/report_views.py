"""The cabinet report button: the PDF of the reader's scope, downloaded.

The authority's staff and analysts get the national report; an entity's staff get the same
report limited to their own entities (their plan, their KPIs, their late items), named an entity
report; anyone else signed in gets 404, as on the dashboards, and the public is sent to sign in.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tahawul.feedback.selectors import insight_entities
from tahawul.identity.selectors import NotFound
from tahawul.insights.cabinet import BadReportPeriod, last_complete_month, parse_report_period
from tahawul.insights.cabinet_pdf import LANGUAGES, cabinet_report_pdf, file_name
from tahawul.plans.selectors import plans_in_scope


@require_safe
@login_required
def cabinet_report(request: HttpRequest) -> HttpResponse:
    try:
        entity_ids = insight_entities(request.user)
    except NotFound:
        raise Http404() from None
    language = request.GET.get("language") or (get_language() or "ar")[:2]
    if language not in LANGUAGES:
        return HttpResponseBadRequest(
            _("Choose the report's language: ar (Arabic) or en (English)."), content_type="text/plain; charset=utf-8"
        )
    today = timezone.localdate()
    month = request.GET.get("month", "")
    try:
        period = parse_report_period(month) if month else last_complete_month(today)
    except BadReportPeriod as error:
        return HttpResponseBadRequest(str(error.message), content_type="text/plain; charset=utf-8")
    report, pdf = cabinet_report_pdf(
        plans=plans_in_scope(request.user), entity_ids=entity_ids, period=period, today=today, language=language
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = file_name(report)
    response["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
