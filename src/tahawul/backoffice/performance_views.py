"""The entity admin's screens for the figures Tahawul cannot count itself: what each channel
costs per quarter, and the transactions still done outside Tahawul per month."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tahawul.backoffice.case_views import _nav
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.backoffice.performance_forms import (
    ChannelCostsForm,
    MonthPicker,
    OfflineImportForm,
    OfflineVolumesForm,
    QuarterPicker,
    parse_month,
    parse_quarter,
    quarter_label,
    quarter_name,
)
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in
from tahawul.performance.actions import set_channel_costs, set_offline_volumes
from tahawul.performance.errors import InvalidFigures, StaleFigures
from tahawul.performance.offline_import import import_offline_volumes
from tahawul.performance.selectors import cost_version, month_volumes, quarter_costs, volume_version

UNPROCESSABLE = 422
CONFLICT = 409


def _admin_entity(request: HttpRequest, entity_code: str) -> tuple[User, Entity]:
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    if Role.ENTITY_ADMIN not in roles_in(user, entity.pk):
        raise Http404()
    return user, entity


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def channel_costs(request: HttpRequest, entity_code: str) -> HttpResponse:
    """A quarter's staff and running costs per channel, with the cost per transaction they give."""
    user, entity = _admin_entity(request, entity_code)
    picker = QuarterPicker(request.GET or None, today=timezone.localdate())
    quarter = picker.chosen()
    if request.method == "POST":
        posted_quarter = parse_quarter(request.POST.get("quarter", ""))
        if posted_quarter is None:
            return HttpResponseBadRequest()  # the hidden field was tampered with
        quarter = posted_quarter
        picker.fields["quarter"].initial = quarter_name(quarter)
    lines = quarter_costs(entity_id=entity.pk, quarter=quarter)
    seen = cost_version(entity_id=entity.pk, quarter=quarter)
    form = ChannelCostsForm(request.POST if request.method == "POST" else None, quarter=quarter, lines=lines, seen=seen)
    status = 200
    if form.is_bound:
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                set_channel_costs(
                    actor=user,
                    entity=entity,
                    quarter=quarter,
                    costs=form.cleaned_data["costs"],
                    seen=form.cleaned_data["seen"] or None,
                )
            except InvalidFigures as error:
                for name, text in error.errors.items():
                    form.add_error(name if name in form.fields else None, text.in_language())
            except StaleFigures as error:
                messages.error(request, str(error.message))
                status = CONFLICT
                form = ChannelCostsForm(None, quarter=quarter, lines=lines, seen=seen)
            else:
                messages.success(request, _("The costs are saved."))
                url = reverse("backoffice:channel_costs", kwargs={"entity_code": entity.code})
                return HttpResponseRedirect(f"{url}?quarter={quarter_name(quarter)}")
    return render(
        request,
        "backoffice/performance/channel_costs.html",
        {
            **_nav(user, entity, "channel_costs"),
            "picker": picker,
            "quarter": quarter,
            "quarter_label": quarter_label(quarter),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offline_volumes(request: HttpRequest, entity_code: str) -> HttpResponse:
    """A month's transactions per service completed at counters, by phone or by post outside Tahawul."""
    user, entity = _admin_entity(request, entity_code)
    picker = MonthPicker(request.GET or None, today=timezone.localdate())
    month = picker.chosen()
    posted = request.POST if request.method == "POST" and "import" not in request.POST else None
    if posted is not None:
        posted_month = parse_month(posted.get("month", ""))
        if posted_month is None:
            return HttpResponseBadRequest()  # the hidden field was tampered with
        month = posted_month
        picker.fields["month"].initial = f"{month:%Y-%m}"
    lines = month_volumes(entity_id=entity.pk, month=month)
    seen = volume_version(entity_id=entity.pk, month=month)
    form = OfflineVolumesForm(posted, month=month, lines=lines, seen=seen)
    upload = (
        OfflineImportForm(request.POST, request.FILES)
        if request.method == "POST" and posted is None
        else OfflineImportForm()
    )
    status = 200
    url = reverse("backoffice:offline_volumes", kwargs={"entity_code": entity.code})
    if form.is_bound:
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                set_offline_volumes(
                    actor=user,
                    entity=entity,
                    month=month,
                    volumes=form.cleaned_data["volumes"],
                    seen=form.cleaned_data["seen"] or None,
                )
            except InvalidFigures as error:
                for name, text in error.errors.items():
                    form.add_error(name if name in form.fields else None, text.in_language())
            except StaleFigures as error:
                messages.error(request, str(error.message))
                status = CONFLICT
                form = OfflineVolumesForm(None, month=month, lines=lines, seen=seen)
            else:
                messages.success(request, _("The transactions are saved."))
                return HttpResponseRedirect(f"{url}?month={month:%Y-%m}")
    elif upload.is_bound:
        status = UNPROCESSABLE
        if upload.is_valid():
            try:
                count = import_offline_volumes(actor=user, entity=entity, content=upload.cleaned_data["file"].read())
            except InvalidFigures as error:
                for text in error.errors.values():
                    upload.add_error("file", text.in_language())
            else:
                messages.success(request, _("%(count)s figures are saved from the file.") % {"count": count})
                return HttpResponseRedirect(f"{url}?month={month:%Y-%m}")
    return render(
        request,
        "backoffice/performance/offline_volumes.html",
        {
            **_nav(user, entity, "offline_volumes"),
            "picker": picker,
            "month": month,
            "form": form,
            "upload": upload,
        },
        status=status,
    )
