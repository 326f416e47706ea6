"""Signing in on a kiosk: the national ID number on the keypad, then the code sent by SMS.

The page after the number says the same whether or not an account holds it (the domain makes a
challenge either way). The challenge is named only in the session; nothing personal is in an
address. Once signed in, the person applies for what the kiosk offers; the idle timer or
"Finish" signs them out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tahawul.core.errors import DomainError
from tahawul.identity.models import User
from tahawul.kiosks import sign_in
from tahawul.kiosks.errors import CodeExpired, InvalidCode, InvalidNationalId
from tahawul.kiosks.models import Kiosk
from tahawul.portal.kiosk_forms import CodeForm, NationalIdForm
from tahawul.portal.kiosk_views import NEXT_SERVICE, kiosk_page

CHALLENGE = "kiosk.challenge"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    service = request.session.pop(NEXT_SERVICE, "")
    url = reverse("portal:kiosk_apply")
    return HttpResponseRedirect(f"{url}#service-{service}" if service else url)


@require_http_methods(["GET", "HEAD", "POST"])
@kiosk_page
def kiosk_sign_in(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    if isinstance(request.user, User):
        return _after_sign_in(request)
    form = NationalIdForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=form.cleaned_data["national_id"])
        except InvalidNationalId as error:
            form.add_error("national_id", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            request.session[CHALLENGE] = challenge.token
            return HttpResponseRedirect(reverse("portal:kiosk_sign_in_code"))
    if form.errors and status == 200:
        status = 422
    return render(request, "portal/kiosk/sign_in.html", {"form": form}, status=status)


def _start_again(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(CHALLENGE, None)
    messages.error(request, message)
    return HttpResponseRedirect(reverse("portal:kiosk_sign_in"))


@require_http_methods(["GET", "HEAD", "POST"])
@kiosk_page
def kiosk_sign_in_code(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    token = request.session.get(CHALLENGE)
    if not token:
        return HttpResponseRedirect(reverse("portal:kiosk_sign_in"))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = sign_in.verify_sign_in_code(kiosk=kiosk, token=token, code=form.cleaned_data["code"])
        except InvalidCode as error:
            form.add_error("code", str(error.message))
        except CodeExpired as error:
            return _start_again(request, str(error.message))
        else:
            login(request, user, backend=BACKEND)  # keeps the session's data: nobody was signed in
            request.session.pop(CHALLENGE, None)
            return _after_sign_in(request)
    context = {"form": form, "code_minutes": settings.TAHAWUL_KIOSK_CODE_MINUTES}
    return render(request, "portal/kiosk/sign_in_code.html", context, status=422 if form.errors else 200)


@require_POST
@kiosk_page
def kiosk_sign_in_resend(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    token = request.session.get(CHALLENGE)
    if not token:
        return HttpResponseRedirect(reverse("portal:kiosk_sign_in"))
    try:
        sign_in.resend_sign_in_code(kiosk=kiosk, token=token)
    except CodeExpired as error:
        return _start_again(request, str(error.message))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("We have sent a new code. The one before no longer works."))
    return HttpResponseRedirect(reverse("portal:kiosk_sign_in_code"))
