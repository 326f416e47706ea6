"""The beneficiary's pages: parse the request, call one selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from tahawul.applications import actions
from tahawul.applications import selectors as applications
from tahawul.applications.models import DRAFT
from tahawul.catalog import selectors as catalog
from tahawul.catalog.selectors import ServiceFilters
from tahawul.core.choices import Channel
from tahawul.core.errors import DomainError
from tahawul.definitions import selectors as definitions
from tahawul.identity.models import User
from tahawul.portal import journey
from tahawul.portal.forms import SearchForm
from tahawul.portal.presenters import ServicePage

PAGE_SIZE = 20
T = TypeVar("T")


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    """``/`` → the portal in the language last chosen, Arabic by default."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return HttpResponseRedirect(f"/{'en' if language == 'en' else 'ar'}/")


@require_safe
def switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Remember the language chosen and go to ``next`` (the same page in that language)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"/{language}/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "form": SearchForm(),
            "categories": catalog.categories_with_counts(),
            "life_events": catalog.life_events_with_counts(),
            "popular": catalog.search_services(page_size=6).items,
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        filters = ServiceFilters(
            entity=data["entity"] or None, category=data["category"] or None, channel=data["channel"] or None
        )
        results = catalog.search_services(query=data["q"], filters=filters, page=data["page"] or 1, page_size=PAGE_SIZE)
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "results": results,
            # The filters need names only: counting every service per request would grow with the catalogue.
            "entities": catalog.entities(),
            "categories": catalog.categories(),
        },
        status=200 if form.is_valid() else 400,
    )


@require_safe
def entity_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/entity_list.html", {"entities": catalog.entities_with_counts()})


@require_safe
def entity_detail(request: HttpRequest, code: str) -> HttpResponse:
    entity = _or_404(lambda: catalog.entity(code=code))
    services = catalog.search_services(filters=ServiceFilters(entity=code), page_size=1000).items
    return render(request, "portal/entity_detail.html", {"entity": entity, "services": services})


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = _or_404(lambda: catalog.category(slug=slug))
    services = catalog.search_services(filters=ServiceFilters(category=slug), page_size=1000).items
    return render(request, "portal/category_detail.html", {"category": category, "services": services})


@require_safe
def life_event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _or_404(lambda: catalog.life_event(slug=slug))
    services = catalog.search_services(filters=ServiceFilters(life_event=slug), page_size=1000).items
    return render(request, "portal/life_event_detail.html", {"life_event": event, "services": services})


@require_safe
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "portal/service_detail.html", {"page": _service_page(code)})


@require_http_methods(["GET", "HEAD", "POST"])
def service_apply(request: HttpRequest, code: str) -> HttpResponse:
    """The start page: what applying takes; "Start now" makes a draft kept on the server."""
    page = _service_page(code)
    definition = page.definition
    can_apply = definition.workflow is not None and Channel.WEB in definition.channels
    problem = ""
    status = 200
    if request.method == "POST" and can_apply:
        if not isinstance(request.user, User):
            return redirect_to_login(request.get_full_path())
        try:
            started = actions.start_application(applicant=request.user, service_code=code, channel=Channel.WEB)
        except DomainError as error:
            problem, status = str(error.message), error.status
        else:
            return HttpResponseRedirect(journey.resume_url(started))
    draft = None
    if can_apply and isinstance(request.user, User):
        draft = applications.my_applications(request.user).filter(service__code=code, state=DRAFT).first()
    return render(
        request,
        "portal/service_apply.html",
        {
            "page": page,
            "can_apply": can_apply,
            "draft": draft,
            "draft_url": journey.resume_url(draft) if draft is not None else "",
            "problem": problem,
        },
        status=status,
    )


def _service_page(code: str) -> ServicePage:
    listing = _or_404(lambda: catalog.service_listing(code=code))
    version, definition = _or_404(lambda: definitions.current_definition(code=code))
    return ServicePage(listing=listing, version=version, definition=definition)


def _or_404(read: Callable[[], T]) -> T:
    try:
        return read()
    except DomainError as error:
        raise Http404(str(error.message)) from None
