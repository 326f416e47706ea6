"""The kiosk registry in the back office: service centres, their kiosks and last heartbeats,
registering, enrolling a kiosk's browser, deactivating. For the entity admins of a centre's
entity and for the authority (see ``tahawul.kiosks.selectors``); anyone else gets 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.identity.models import User
from tahawul.kiosks import registry
from tahawul.kiosks import selectors as kiosks
from tahawul.kiosks.errors import InvalidRegistration, KioskInactive
from tahawul.kiosks.models import Kiosk, ServiceCentre


class CentreForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=20, help_text=gettext_lazy("Letters, digits and hyphens, like ISA-TOWN.")
    )
    name_ar = forms.CharField(label=gettext_lazy("Name in Arabic"), max_length=150)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=150)
    entity = forms.ChoiceField(label=gettext_lazy("Entity"), required=False)

    def __init__(self, data: object, *, user: User) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        choices = [(entity.code, entity.name) for entity in kiosks.registrable_entities(user)]
        if kiosks.is_kiosk_authority(user):
            choices.insert(0, ("", _("Several entities (managed by the authority)")))
        self.fields["entity"].choices = choices  # type: ignore[attr-defined]


class KioskRegistrationForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kiosk identifier"),
        max_length=40,
        help_text=gettext_lazy("As written on the kiosk, like K-01. It is recorded on everything done on it."),
    )


def _add_errors(form: forms.Form, error: InvalidRegistration) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message.in_language())


@dataclass(frozen=True)
class KioskRow:
    kiosk: Kiosk
    seen: bool  # a heartbeat within the fleet-health window


def _rows(centre: ServiceCentre) -> list[KioskRow]:
    since = timezone.now() - timedelta(minutes=settings.TAHAWUL_KIOSK_SEEN_MINUTES)
    return [
        KioskRow(kiosk, kiosk.last_seen_at is not None and kiosk.last_seen_at >= since) for kiosk in centre.kiosks.all()
    ]


def _manager(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not kiosks.may_manage_kiosks(user):
        raise Http404()
    return user


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_registry(request: HttpRequest) -> HttpResponse:
    """The centres the user manages, each with its kiosks; registering a centre."""
    user = _manager(request)
    form = CentreForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        values = registry.CentreInput(
            code=form.cleaned_data["code"],
            name_ar=form.cleaned_data["name_ar"],
            name_en=form.cleaned_data["name_en"],
            entity_code=form.cleaned_data["entity"],
        )
        try:
            centre = or_404(lambda: registry.register_centre(actor=user, values=values))
        except InvalidRegistration as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The centre %(code)s is registered. Now register its kiosks.") % {"code": centre.code}
            )
            return HttpResponseRedirect(reverse("backoffice:kiosk_centre", kwargs={"code": centre.code}))
    centres = kiosks.manageable_centres(user).prefetch_related(
        Prefetch("kiosks", queryset=Kiosk.objects.order_by("code"))
    )
    return render(
        request,
        "backoffice/kiosks/registry.html",
        {"centres": [(centre, _rows(centre)) for centre in centres], "form": form, "current_page": "kiosks"},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_centre(request: HttpRequest, code: str) -> HttpResponse:
    """One centre: its kiosks, their last heartbeat, and registering a kiosk."""
    user = signed_in_user(request)
    centre = or_404(lambda: kiosks.access_centre(user, code))
    form = KioskRegistrationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            kiosk = registry.register_kiosk(actor=user, centre=centre, code=form.cleaned_data["code"])
        except InvalidRegistration as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The kiosk %(code)s is registered. Enrol its browser to start it.") % {"code": kiosk.code}
            )
            return HttpResponseRedirect(reverse("backoffice:kiosk_centre", kwargs={"code": centre.code}))
    return render(
        request,
        "backoffice/kiosks/centre.html",
        {
            "centre": centre,
            "rows": _rows(centre),
            "form": form,
            "window_minutes": settings.TAHAWUL_KIOSK_SEEN_MINUTES,
            "current_page": "kiosks",
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def kiosk_enrolment(request: HttpRequest, code: str) -> HttpResponse:
    """A new one-time enrolment link for the kiosk, shown once: open it on the kiosk."""
    user = signed_in_user(request)
    kiosk = or_404(lambda: kiosks.access_kiosk(user, code))
    try:
        link_code = registry.issue_enrolment(actor=user, kiosk=kiosk)
    except KioskInactive as error:
        messages.error(request, str(error.message))
        return HttpResponseRedirect(reverse("backoffice:kiosk_centre", kwargs={"code": kiosk.centre.code}))
    with translation.override(settings.LANGUAGE_CODE):  # a kiosk starts in Arabic
        link = request.build_absolute_uri(reverse("portal:kiosk_enrol", kwargs={"code": link_code}))
    return render(
        request,
        "backoffice/kiosks/enrolment.html",
        {"kiosk": kiosk, "link": link, "hours": settings.TAHAWUL_KIOSK_ENROLMENT_HOURS, "current_page": "kiosks"},
    )


@login_required
@require_POST
def kiosk_active(request: HttpRequest, code: str) -> HttpResponse:
    """Deactivate (its browser stops being a kiosk at once) or reactivate a kiosk."""
    user = signed_in_user(request)
    kiosk = or_404(lambda: kiosks.access_kiosk(user, code))
    active = request.POST.get("active") == "1"
    registry.set_kiosk_active(actor=user, kiosk=kiosk, active=active)
    if active:
        messages.success(request, _("The kiosk %(code)s is active again. Enrol its browser.") % {"code": kiosk.code})
    else:
        messages.success(request, _("The kiosk %(code)s is deactivated.") % {"code": kiosk.code})
    return HttpResponseRedirect(reverse("backoffice:kiosk_centre", kwargs={"code": kiosk.centre.code}))
