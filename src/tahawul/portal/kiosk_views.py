"""Kiosk mode's own pages: the start, services to learn about, the status check, the services a
kiosk can apply for, ending a session, the heartbeat, and enrolling a browser as a kiosk.

Only an enrolled kiosk's browser sees them (``kiosk_mode`` finds the kiosk from its device
cookie); anyone else is told this is not a kiosk. Signing in is in ``kiosk_sign_in_views``, the
one-tap rating in ``kiosk_rating_views``; applying goes through the portal's own journey, shown in
the kiosk's layout. Views parse, call one action or selector, and render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tahawul.applications import actions
from tahawul.applications import selectors as applications
from tahawul.applications.models import DRAFT
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Service
from tahawul.catalog.selectors import ServiceFilters
from tahawul.core.choices import Channel, Maturity
from tahawul.core.errors import DomainError
from tahawul.core.references import normalise_reference
from tahawul.definitions import selectors as definitions
from tahawul.feedback import selectors as feedback
from tahawul.feedback.models import CaseStatus
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.kiosks.devices import device_credential, enrol_device
from tahawul.kiosks.errors import EnrolmentLinkInvalid
from tahawul.kiosks.models import Kiosk
from tahawul.kiosks.selectors import kiosk_for_enrolment
from tahawul.portal import journey
from tahawul.portal.kiosk_forms import StatusForm
from tahawul.portal.kiosk_mode import current_kiosk, set_device_cookie, start_url
from tahawul.portal.presenters import ServicePage

P = ParamSpec("P")
KioskView = Callable[Concatenate[HttpRequest, Kiosk, P], HttpResponse]
NEXT_SERVICE = "kiosk.next_service"  # what to apply for once signed in


def kiosk_page(view: KioskView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Only for an enrolled kiosk's browser, which the view receives; others are told what this is."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        kiosk = current_kiosk(request)
        if kiosk is None:
            return render(request, "portal/kiosk/not_enrolled.html", status=403)
        return view(request, kiosk, *args, **kwargs)

    return wrapped


def kiosk_services(kiosk: Kiosk, *, to_apply: bool = False) -> list[Service]:
    """The services this kiosk offers (those whose channels include the kiosk, of the centre's
    entity when it has one), most used first; ``to_apply``: only those one can apply for."""
    entity = kiosk.centre.entity.code if kiosk.centre.entity is not None else None
    filters = ServiceFilters(channel=Channel.KIOSK, entity=entity)
    services = catalog.search_services(filters=filters, page_size=1000).items
    return [service for service in services if not to_apply or service.maturity != Maturity.INFORMATIONAL]


def kiosk_problem(request: HttpRequest, message: object, *, status: int) -> HttpResponse:
    return render(request, "portal/kiosk/problem.html", {"message": message}, status=status)


def _signed_in(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


# --- the start and the services -----------------------------------------------------------------


@require_safe
@kiosk_page
def kiosk_start(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    response = render(request, "portal/kiosk/start.html", {"ended": request.GET.get("ended") == "1"})
    # Browsers keep a cookie 400 days at most: every start page renews the kiosk's.
    set_device_cookie(response, device_credential(kiosk), secure=request.is_secure())
    return response


@require_safe
@kiosk_page
def kiosk_services_page(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    return render(request, "portal/kiosk/services.html", {"services": kiosk_services(kiosk)})


@require_safe
@kiosk_page
def kiosk_service(request: HttpRequest, kiosk: Kiosk, code: str) -> HttpResponse:
    """What a service is, what it takes and costs, in large type; no sign-in."""
    try:
        listing = catalog.service_listing(code=code)
        version, definition = definitions.current_definition(code=code)
    except DomainError:
        raise Http404() from None
    page = ServicePage(listing=listing, version=version, definition=definition)
    can_apply = definition.workflow is not None and Channel.KIOSK in definition.channels
    return render(request, "portal/kiosk/service.html", {"page": page, "can_apply": can_apply})


# --- checking a status --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedItem:
    """What the status check shows of an application or case: no answer, no name, no comment."""

    reference: str
    kind: str
    service: Service | None
    entity_name: str
    status: str
    since: datetime | None
    expected_by: date | datetime | None


def _tracked(reference: str, mobile: str) -> TrackedItem | None:
    """The application or case ``reference`` for whoever gives the mobile number used with it."""
    try:
        if reference.startswith("CS-"):
            # Always as someone not signed in: on a kiosk the second factor is asked of everyone.
            case = feedback.access_case(AnonymousUser(), reference, contact=mobile)
            return TrackedItem(
                reference=case.reference,
                kind=_("Case"),
                service=case.service,
                entity_name=case.entity.name if case.entity else "",
                status=str(CaseStatus(case.status).label),
                since=case.created_at,
                expected_by=case.due_at if case.first_response_at is None else None,
            )
        application = applications.track_application(reference=reference, mobile=mobile)
    except NotFound:
        return None
    state = applications.current_state(application, applications.definition_of(application))
    return TrackedItem(
        reference=application.reference,
        kind=_("Application"),
        service=application.service,
        entity_name=application.entity.name,
        status=state.label.in_language() if state is not None else application.state,
        since=application.submitted_at,
        expected_by=application.expected_by if application.closed_at is None else None,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@kiosk_page
def kiosk_status(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    """A reference and the mobile number given with it, on the keypad; the answer is shown on the
    page that checked it, so neither ever appears in an address."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        reference = normalise_reference(form.cleaned_data["reference"])
        found = _tracked(reference, form.cleaned_data["mobile"])
        if found is not None:
            return render(request, "portal/kiosk/status_result.html", {"item": found})
        form.add_error(None, _("We found nothing with this reference and mobile number. Check both and try again."))
    return render(request, "portal/kiosk/status.html", {"form": form}, status=422 if form.errors else 200)


# --- applying -----------------------------------------------------------------------------------


@require_safe
@kiosk_page
def kiosk_apply_list(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    if _signed_in(request) is None:
        return HttpResponseRedirect(reverse("portal:kiosk_sign_in"))
    return render(request, "portal/kiosk/apply.html", {"services": kiosk_services(kiosk, to_apply=True)})


@require_POST
@kiosk_page
def kiosk_apply_start(request: HttpRequest, kiosk: Kiosk, code: str) -> HttpResponse:
    """Start (or pick up) the signed-in person's kiosk draft of a service, in the portal's journey."""
    user = _signed_in(request)
    if user is None:
        request.session[NEXT_SERVICE] = code[:60]
        return HttpResponseRedirect(reverse("portal:kiosk_sign_in"))
    draft = (
        applications.my_applications(user)
        .filter(service__code=code, state=DRAFT, channel=Channel.KIOSK, device=kiosk.code)
        .first()
    )
    if draft is None:
        try:
            draft = actions.start_application(
                applicant=user, service_code=code, channel=Channel.KIOSK, device=kiosk.code
            )
        except DomainError as error:
            return kiosk_problem(request, error.message, status=error.status)
    return HttpResponseRedirect(journey.resume_url(draft))


# --- ending, the heartbeat, enrolment -----------------------------------------------------------


@require_POST
def kiosk_end(request: HttpRequest) -> HttpResponse:
    """Finish: sign out and forget everything of this session, then the start page (in Arabic).
    What the idle timer posts when nobody answered its warning."""
    logout(request)
    return HttpResponseRedirect(start_url())


@require_POST
@kiosk_page
def kiosk_heartbeat(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    """The kiosk page's periodic beat: the middleware has recorded it; ``active=1`` says someone
    touched the screen since the last beat, which keeps their session alive."""
    return HttpResponse(status=204)


@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_enrol(request: HttpRequest, code: str) -> HttpResponse:
    """Open on the kiosk the one-time link staff made: confirm, and this browser becomes the kiosk.
    Whoever was signed in on it is signed out: a kiosk never carries a staff session."""
    try:
        if request.method != "POST":
            found = kiosk_for_enrolment(code)
            return render(request, "portal/kiosk/enrol.html", {"enrolling": found, "code": code})
        _enrolled, credential = enrol_device(code=code)
    except EnrolmentLinkInvalid as error:
        return render(request, "portal/kiosk/enrol.html", {"problem": error.message}, status=error.status)
    logout(request)
    response = HttpResponseRedirect(start_url())
    set_device_cookie(response, credential, secure=request.is_secure())
    return response
