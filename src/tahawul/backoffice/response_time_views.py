"""The entity admin's page for the entity's response times to cases, per kind."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tahawul.backoffice.case_views import _nav
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.catalog import selectors as catalog
from tahawul.feedback.cases import MAX_RESPONSE_DAYS, response_days, set_response_days
from tahawul.feedback.errors import InvalidFeedback
from tahawul.feedback.models import CaseKind
from tahawul.identity.models import Role
from tahawul.identity.selectors import roles_in


class ResponseTimesForm(forms.Form):
    def __init__(self, data: object = None, *, initial: dict[str, int]) -> None:
        super().__init__(data, initial=initial)  # type: ignore[arg-type]
        for kind in CaseKind:
            self.fields[kind.value] = forms.IntegerField(
                label=kind.label,
                min_value=1,
                max_value=MAX_RESPONSE_DAYS,
                help_text=gettext_lazy("Working days. The platform's default is %(days)s.")
                % {"days": settings.TAHAWUL_CASE_SLA_DAYS[kind.value]},
                error_messages={
                    "required": gettext_lazy("Give a number of working days."),
                    "invalid": gettext_lazy("Give a whole number of working days from 1 to 60."),
                    "min_value": gettext_lazy("Give a whole number of working days from 1 to 60."),
                    "max_value": gettext_lazy("Give a whole number of working days from 1 to 60."),
                },
            )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def response_times(request: HttpRequest, entity_code: str) -> HttpResponse:
    """How many working days the entity gives itself to answer each kind of case."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    if Role.ENTITY_ADMIN not in roles_in(user, entity.pk):
        raise Http404()
    current = {kind.value: response_days(entity, kind.value) for kind in CaseKind}
    form = ResponseTimesForm(request.POST if request.method == "POST" else None, initial=current)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                set_response_days(actor=user, entity=entity, days=form.cleaned_data)
            except InvalidFeedback as error:
                for kind, text in error.errors.items():
                    form.add_error(kind if kind in form.fields else None, text.in_language())
            else:
                messages.success(request, _("The response times are saved. They apply to cases filed from now on."))
                return HttpResponseRedirect(reverse("backoffice:response_times", kwargs={"entity_code": entity.code}))
    return render(
        request,
        "backoffice/cases/response_times.html",
        {**_nav(user, entity, "response_times"), "form": form},
        status=status,
    )
