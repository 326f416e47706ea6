"""The beneficiary's voice on the portal: rating a service or a transaction (on the web, from a
counter receipt's QR code; the kiosk's one-tap rating is in ``kiosk_rating_views``), filing a
suggestion, complaint, inquiry, compliment or technical problem, following it, and the public
"you said, we did" page.

Each view parses the request, calls one action or selector of ``tahawul.feedback``, and renders.
Refusals come back as domain errors: ``InvalidFeedback`` becomes errors on the fields it names,
anything else a message with the error's status. Nothing is saved when anything is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import groupby
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tahawul.applications.errors import BadDocument
from tahawul.applications.models import Application
from tahawul.catalog import selectors as catalog
from tahawul.catalog.models import Service
from tahawul.core.choices import Channel
from tahawul.core.errors import DomainError
from tahawul.core.references import normalise_reference
from tahawul.feedback import cases, ratings
from tahawul.feedback import selectors as feedback
from tahawul.feedback.errors import InvalidFeedback
from tahawul.feedback.models import Case, CaseEvent, CaseKind, CaseStatus, ContactPreference, Endpoint, Rating
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.portal.feedback_forms import (
    CaseForm,
    ContactProofForm,
    FeedbackForm,
    RatingForm,
    ReopenForm,
    ResponseRatingForm,
    initial_case_values,
)

T = TypeVar("T")

# What the session carries between a POST and the page after it (post-redirect-get).
RATED = "feedback.rated"
FILED = "feedback.filed"
PROOFS = "feedback.case_contacts"  # reference → the email or mobile the visitor proved
PROOFS_KEPT = 20

TIMELINE_TITLES = {
    "filed": gettext_lazy("We received your message"),
    "replied": gettext_lazy("Our reply"),
    "closed": gettext_lazy("Closed"),
    "reopened": gettext_lazy("You reopened it"),
    "service_changed": gettext_lazy("We changed the service because of what you told us"),
}


# --- helpers ----------------------------------------------------------------------------------


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", "") or get_language() or settings.LANGUAGE_CODE)[:2]


def _signed_in(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _client(request: HttpRequest) -> str:
    """Who is sending, for the flood limits: the account when signed in, else the address."""
    user = _signed_in(request)
    if user is not None:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def _or_404(read: Callable[[], T]) -> T:
    try:
        return read()
    except DomainError:
        raise Http404() from None


def _service(code: str) -> Service:
    return _or_404(lambda: catalog.service_listing(code=code))


def _problem(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal that is not about one field (too many ratings this hour, a case in another state)."""
    return render(request, "portal/feedback/problem.html", {"message": error.message}, status=error.status)


def _with_errors(form: FeedbackForm, error: InvalidFeedback) -> None:
    form.add_domain_errors(error.errors)


# --- rating on the web ------------------------------------------------------------------------


def _rated_application(request: HttpRequest) -> Application | None:
    """The signed-in applicant's own transaction named by ``application``; 404 for anyone else's."""
    reference = (request.POST.get("application") or request.GET.get("application", "")).strip()
    if not reference:
        return None
    user = _signed_in(request)
    if user is None:
        raise Http404()
    return _or_404(lambda: feedback.rateable_application(user, reference))


def _endpoint(request: HttpRequest, default: str) -> str:
    return (request.POST.get("endpoint") or request.GET.get("endpoint") or default)[:20]


def _thanked(request: HttpRequest, rating: Rating, *, replaced: bool) -> HttpResponse:
    follow_up: Case | None = getattr(rating, "case", None)
    user = _signed_in(request)
    request.session[RATED] = {
        "service": rating.service.code,
        "replaced": replaced,
        "case": follow_up.reference if follow_up is not None else "",
        # The follow-up is theirs to open only with an account: nobody gave a contact to prove.
        "case_link": follow_up is not None and user is not None and follow_up.filer_id == user.pk,
    }
    return HttpResponseRedirect(reverse("portal:rate_thanks"))


@require_http_methods(["GET", "HEAD", "POST"])
def rate_service(request: HttpRequest, service_code: str) -> HttpResponse:
    """Rate a service: a visit by anyone, or, with ``application``, the signed-in applicant's
    own transaction (a second rating replaces the first). The rating forms on the portal's end
    pages post here."""
    service = _service(service_code)
    application = _rated_application(request)
    endpoint = _endpoint(request, Endpoint.VISIT if application is None else Endpoint.COMPLETED)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        replaced = application is not None and hasattr(application, "rating")
        try:
            rating = ratings.record_rating(
                values=form.values(),
                channel=Channel.WEB,
                language=_language(request),
                client=_client(request),
                rater=_signed_in(request),
                service_code=service.code,
                application=application,
                endpoint=endpoint,
            )
        except InvalidFeedback as error:
            _with_errors(form, error)
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            return _problem(request, error)
        else:
            return _thanked(request, rating, replaced=replaced)
    return render(
        request,
        "portal/feedback/rate.html",
        {"service": service, "application": application, "endpoint": endpoint, "form": form},
        status=422 if form.errors else 200,
    )


@require_safe
def rate_thanks(request: HttpRequest) -> HttpResponse:
    rated = request.session.pop(RATED, None) or {}
    return render(request, "portal/feedback/thanks.html", {"rated": rated})


@require_http_methods(["GET", "HEAD", "POST"])
def rate_receipt(request: HttpRequest, token: str) -> HttpResponse:
    """The page a counter receipt's QR code opens: rate that one transaction, without signing in."""
    try:
        application = ratings.application_for_receipt(token)
    except NotFound:
        return render(request, "portal/feedback/receipt_not_found.html", status=404)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        replaced = hasattr(application, "rating")
        try:
            rating = ratings.record_rating(
                values=form.values(),
                channel=Channel.COUNTER,
                language=_language(request),
                client=_client(request),
                application=application,
                holds_receipt=True,
                endpoint=Endpoint.COMPLETED,
            )
        except InvalidFeedback as error:
            _with_errors(form, error)
        except DomainError as error:
            return _problem(request, error)
        else:
            return _thanked(request, rating, replaced=replaced)
    return render(
        request,
        "portal/feedback/receipt.html",
        {"service": application.service, "application": application, "form": form, "token": token},
        status=422 if form.errors else 200,
    )


# --- filing a case ----------------------------------------------------------------------------


def _services_by_entity() -> list[tuple[str, list[Service]]]:
    services = catalog.search_services(page_size=1000).items
    ordered = sorted(services, key=lambda service: (service.entity.name, service.name))
    return [(entity, list(group)) for entity, group in groupby(ordered, key=lambda service: service.entity.name)]


def _remember_proof(request: HttpRequest, reference: str, contact: str) -> None:
    proofs = dict(request.session.get(PROOFS) or {})
    proofs.pop(reference, None)
    proofs[reference] = contact
    request.session[PROOFS] = dict(list(proofs.items())[-PROOFS_KEPT:])


@require_http_methods(["GET", "HEAD", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """File a suggestion, complaint, inquiry, compliment or technical problem, signed in or not."""
    user = _signed_in(request)
    if request.method == "POST":
        form = CaseForm(request.POST)
        if form.is_valid():
            try:
                case = cases.open_case(
                    values=form.values(request.FILES.getlist("attachments")),
                    filed_on=Channel.WEB,
                    language=_language(request),
                    client=_client(request),
                    filer=user,
                )
            except InvalidFeedback as error:
                _with_errors(form, error)
            except BadDocument as error:
                form.add_error("attachments", str(error.message))
            except DomainError as error:
                return _problem(request, error)
            else:
                request.session[FILED] = case.reference
                contact = case.contact_email or case.contact_mobile
                if user is None and contact:
                    _remember_proof(request, case.reference, contact)
                return HttpResponseRedirect(reverse("portal:case_filed"))
    else:
        form = CaseForm(initial=initial_case_values(request.GET, request.user, request.headers.get("User-Agent", "")))
    return render(
        request,
        "portal/feedback/case_new.html",
        {
            "form": form,
            "kinds": CaseKind.choices,
            "channels": Channel.choices,
            "preferences": ContactPreference.choices,
            "services": _services_by_entity(),
        },
        status=422 if form.errors else 200,
    )


@require_safe
def case_filed(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(FILED)
    if not reference:
        return HttpResponseRedirect(reverse("portal:case_new"))
    proved = reference in (request.session.get(PROOFS) or {})
    return render(request, "portal/feedback/case_filed.html", {"reference": reference, "proved": proved})


# --- following a case -------------------------------------------------------------------------


def _proof(request: HttpRequest, reference: str) -> str:
    return str((request.session.get(PROOFS) or {}).get(normalise_reference(reference), ""))


def _case(request: HttpRequest, reference: str) -> Case:
    """The case for its filer, or for whoever proved in this session the contact it was filed with."""
    return feedback.access_case(request.user, reference, contact=_proof(request, reference))


def _actor(request: HttpRequest) -> User | None:
    return _signed_in(request)


def _timeline(case: Case) -> list[tuple[CaseEvent, str]]:
    return [(event, str(TIMELINE_TITLES.get(event.action, ""))) for event in feedback.public_timeline(case)]


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    reopen_form: ReopenForm | None = None,
    response_form: ResponseRatingForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    reopen_until = (
        case.closed_at + timedelta(days=settings.TAHAWUL_CASE_REOPEN_DAYS) if case.closed_at is not None else None
    )
    return render(
        request,
        "portal/feedback/case_status.html",
        {
            "case": case,
            "timeline": _timeline(case),
            "attachments": list(case.attachments.all()),
            "reopen_form": reopen_form or ReopenForm(),
            "reopen_until": reopen_until,
            "may_reopen": reopen_until is not None and timezone.now() <= reopen_until,
            "response_form": response_form or ResponseRatingForm(),
            "may_rate_response": case.first_response_at is not None,
            "problem": problem,
            "statuses": CaseStatus,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    """The case's status page. Anyone else is asked for the email or mobile used, and a wrong
    answer gets the same "not found" as a wrong reference: neither says whether the case exists."""
    if request.method == "POST":
        form = ContactProofForm(request.POST)
        if not form.is_valid():
            return render(
                request, "portal/feedback/case_contact.html", {"form": form, "reference": reference}, status=422
            )
        contact = form.cleaned_data["contact"]
        try:
            case = feedback.access_case(request.user, reference, contact=contact)
        except NotFound:
            return render(request, "portal/feedback/case_not_found.html", {"reference": reference}, status=404)
        _remember_proof(request, case.reference, contact)
        return HttpResponseRedirect(reverse("portal:case_status", kwargs={"reference": case.reference}))
    try:
        case = _case(request, reference)
    except NotFound:
        return render(
            request, "portal/feedback/case_contact.html", {"form": ContactProofForm(), "reference": reference}
        )
    return _case_page(request, case)


@require_POST
def case_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = _case(request, reference)
    except NotFound:
        raise Http404() from None
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            cases.reopen_case(
                case=case,
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
                expected_revision=form.cleaned_data["revision"],
            )
        except InvalidFeedback as error:
            _with_errors(form, error)
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            # Nothing was changed: the case as it stands now, and why.
            return _case_page(request, _case(request, reference), problem=str(error.message), status=error.status)
        else:
            messages.success(request, _("Your case is open again. We will answer you."))
            return HttpResponseRedirect(reverse("portal:case_status", kwargs={"reference": case.reference}))
    return _case_page(request, case, reopen_form=form, status=422)


@require_POST
def case_rate_response(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = _case(request, reference)
    except NotFound:
        raise Http404() from None
    form = ResponseRatingForm(request.POST)
    if form.is_valid():
        score = form.cleaned_data["score"]
        try:
            cases.rate_response(case=case, actor=_actor(request), score=score if score is not None else 0)
        except InvalidFeedback as error:
            _with_errors(form, error)
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            return _case_page(request, case, problem=str(error.message), status=error.status)
        else:
            messages.success(request, _("Thank you for telling us how we handled it."))
            return HttpResponseRedirect(reverse("portal:case_status", kwargs={"reference": case.reference}))
    return _case_page(request, case, response_form=form, status=422)


@login_required
@require_safe
def my_cases(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    assert user is not None  # behind login_required
    return render(request, "portal/feedback/my_cases.html", {"cases": feedback.my_cases(user)[:200]})


@require_safe
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    entity = request.GET.get("entity", "")[:20]
    return render(
        request,
        "portal/feedback/you_said_we_did.html",
        {"changes": feedback.you_said_we_did(entity_code=entity), "entity": entity},
    )


__all__ = [
    "case_filed",
    "case_new",
    "case_rate_response",
    "case_reopen",
    "case_status",
    "my_cases",
    "rate_receipt",
    "rate_service",
    "rate_thanks",
    "you_said_we_did",
]
