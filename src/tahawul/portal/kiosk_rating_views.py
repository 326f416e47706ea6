"""The kiosk's one-tap rating: three big faces, no sign-in, no typing; after an unhappy tap,
"tell us more" adds a comment to that rating, which the entity follows up as a complaint.

It ends every kiosk journey (a submitted application, a status check, a service read about) and
stands alone at ``/kiosk/rate/<service>/`` for a screen that only asks how a visit went. Every
rating records channel ``kiosk`` and the kiosk's registered identifier. Rating the application
just submitted ends the signed-in session: the next tap is the next person's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from tahawul.applications.models import Application
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Service
from tahawul.core.choices import Channel
from tahawul.core.errors import DomainError
from tahawul.feedback import ratings
from tahawul.feedback import selectors as feedback
from tahawul.feedback.errors import InvalidFeedback
from tahawul.feedback.models import Endpoint, Face, Rating
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.kiosks.models import Kiosk
from tahawul.portal.feedback_forms import KioskCommentForm, RatingForm
from tahawul.portal.kiosk_mode import start_url
from tahawul.portal.kiosk_views import kiosk_page, kiosk_services

KIOSK_TAP = "feedback.kiosk_tap"
KIOSK_MORE_MINUTES = 10  # how long after an unhappy tap "tell us more" may add to it
KIOSK_RETURN_SECONDS = 5
KIOSK_OFFER_SECONDS = 20  # after an unhappy tap: time to read the offer to tell more and reach it
BACK_TO_START = "start"  # ?back=start: after thanks, the kiosk's start page rather than the faces


def _service(code: str) -> Service:
    try:
        return catalog.service_listing(code=code)
    except DomainError:
        raise Http404() from None


def _back(request: HttpRequest) -> str:
    return BACK_TO_START if (request.POST.get("back") or request.GET.get("back")) == BACK_TO_START else ""


def _faces_url(service: Service, back: str) -> str:
    url = reverse("portal:kiosk_rate", kwargs={"service_code": service.code})
    return f"{url}?{urlencode({'back': back})}" if back else url


def _return_url(service: Service, back: str) -> str:
    return start_url() if back == BACK_TO_START else _faces_url(service, back)


def _context(service: Service, back: str, **more: Any) -> dict[str, Any]:
    return {"service": service, "back": back, "return_url": _return_url(service, back), **more}


def _rated_application(request: HttpRequest) -> Application | None:
    """The signed-in person's own application named by the form (the end of a kiosk journey)."""
    reference = request.POST.get("application", "").strip()
    if not reference:
        return None
    if not isinstance(request.user, User):
        raise Http404()
    try:
        return feedback.rateable_application(request.user, reference)
    except NotFound:
        raise Http404() from None


def _kiosk_tap(request: HttpRequest, service: Service) -> int | None:
    """The unhappy rating just tapped on this kiosk, which "tell us more" may add a comment to."""
    tap = request.session.get(KIOSK_TAP) or {}
    if tap.get("service") != service.code:
        return None
    tapped_at = datetime.fromisoformat(tap["at"])
    if timezone.now() - tapped_at > timedelta(minutes=KIOSK_MORE_MINUTES):
        return None
    return int(tap["rating"])


@require_safe
@kiosk_page
def kiosk_rate_choose(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    """Which service to rate: one tap on its name."""
    return render(request, "portal/kiosk/rate_choose.html", {"services": kiosk_services(kiosk)})


@require_http_methods(["GET", "HEAD", "POST"])
@kiosk_page
def kiosk_rate(request: HttpRequest, kiosk: Kiosk, service_code: str) -> HttpResponse:
    service = _service(service_code)
    back = _back(request)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        application = _rated_application(request)
        rater = request.user if isinstance(request.user, User) else None
        default = Endpoint.VISIT if application is None else Endpoint.SUBMITTED
        try:
            rating = ratings.record_rating(
                values=form.values(),
                channel=Channel.KIOSK,
                language=(get_language() or "ar")[:2],
                client=f"kiosk:{kiosk.code}",
                rater=rater,
                service_code=service.code,
                application=application,
                endpoint=request.POST.get("endpoint", "")[:20] or default,
                device=kiosk.code,
            )
        except InvalidFeedback as error:
            form.add_domain_errors(error.errors)
        except DomainError as error:
            context = _context(service, back, message=error.message)
            return render(request, "portal/kiosk/problem.html", context, status=error.status)
        else:
            return _thanked(request, rating, service, back=BACK_TO_START if rater is not None else back)
    return render(
        request, "portal/kiosk/rate.html", _context(service, back, form=form), status=422 if form.errors else 200
    )


def _thanked(request: HttpRequest, rating: Rating, service: Service, *, back: str) -> HttpResponse:
    if isinstance(request.user, User):
        logout(request)  # the journey is over: the person is signed out before the next one comes
    if rating.face == Face.UNHAPPY:
        request.session[KIOSK_TAP] = {"service": service.code, "rating": rating.pk, "at": timezone.now().isoformat()}
    else:
        request.session.pop(KIOSK_TAP, None)
    query = {**({"back": back} if back else {}), **({"more": "1"} if rating.face == Face.UNHAPPY else {})}
    url = reverse("portal:kiosk_thanks", kwargs={"service_code": service.code})
    return HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)


@require_safe
@kiosk_page
def kiosk_thanks(request: HttpRequest, kiosk: Kiosk, service_code: str) -> HttpResponse:
    service = _service(service_code)
    offer_more = request.GET.get("more") == "1" and _kiosk_tap(request, service) is not None
    context = _context(
        service,
        _back(request),
        offer_more=offer_more,
        told=request.GET.get("told") == "1",
        return_seconds=KIOSK_OFFER_SECONDS if offer_more else KIOSK_RETURN_SECONDS,
    )
    return render(request, "portal/kiosk/thanks.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@kiosk_page
def kiosk_more(request: HttpRequest, kiosk: Kiosk, service_code: str) -> HttpResponse:
    """After an unhappy tap, the comment box: the comment joins the rating, and is followed up as a complaint."""
    service = _service(service_code)
    back = _back(request)
    rating_id = _kiosk_tap(request, service)
    if rating_id is None:
        return HttpResponseRedirect(_faces_url(service, back))
    form = KioskCommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        rating = Rating.objects.filter(pk=rating_id, comment="").first()
        if rating is None:
            return HttpResponseRedirect(_faces_url(service, back))
        try:
            ratings.add_comment(rating=rating, comment=form.cleaned_data["comment"])
        except InvalidFeedback as error:
            form.add_domain_errors(error.errors)
        except DomainError as error:
            context = _context(service, back, message=error.message)
            return render(request, "portal/kiosk/problem.html", context, status=error.status)
        else:
            request.session.pop(KIOSK_TAP, None)
            url = reverse("portal:kiosk_thanks", kwargs={"service_code": service.code})
            return HttpResponseRedirect(f"{url}?{urlencode({**({'back': back} if back else {}), 'told': '1'})}")
    return render(
        request, "portal/kiosk/more.html", _context(service, back, form=form), status=422 if form.errors else 200
    )
