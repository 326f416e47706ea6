"""The beneficiary's journey: fill in, upload, check, pay, submit, follow, correct, verify.

Views parse the request, call one action or selector, and render. Every rule (what may be
changed, what must be answered, what is owed, who may act) is the domain's: a refusal comes back
as a :class:`DomainError` and is shown to the person, never as a server error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tahawul.applications import actions, selectors
from tahawul.applications.certificates import CertificateContent, kind_label, render_certificate_pdf
from tahawul.applications.documents import path_of
from tahawul.applications.errors import BadDocument, InvalidAnswers, NotEligible, PaymentRequired, StaleApplication
from tahawul.applications.models import Application, Certificate, Document, Event, Payment
from tahawul.applications.payments import TestProvider, provider
from tahawul.core.downloads import private_file
from tahawul.core.errors import DomainError
from tahawul.core.references import normalise_reference
from tahawul.core.text import LocalizedText
from tahawul.definitions.fields import FieldBase
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.schema import Section, ServiceDefinition, State, Transition
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.portal.answer_forms import (
    ADDRESS_PARTS,
    Visibility,
    anchor_for,
    display_answer,
    document_id,
    document_inputs,
    inputs,
    raw_answers,
    shown_questions,
)

log = logging.getLogger(__name__)
P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def shows_domain_errors(view: View[P]) -> View[P]:
    """A refusal the view did not expect is shown as a page saying what happened, never a 500."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            return render(request, "portal/apply/problem.html", {"message": error.message}, status=error.status)

    return wrapped


# --- finding the application and the way through it ----------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the views are behind login_required
    return request.user


def _application(request: HttpRequest, reference: str) -> Application:
    """The application being filled in, for its applicant or the officer filling it in with them."""
    user = _user(request)
    application = selectors.access_application(user, reference)
    if user.pk not in {application.applicant_id, application.assisted_by_id}:
        raise NotFound()
    return application


def _own(request: HttpRequest, reference: str) -> Application:
    """The applicant's own application (the "my applications" pages are theirs alone)."""
    application = selectors.access_application(_user(request), reference)
    if application.applicant_id != request.user.pk:
        raise NotFound()
    return application


def _url(name: str, application: Application, **kwargs: str) -> str:
    return reverse(f"portal:{name}", kwargs={"reference": application.reference, **kwargs})


@dataclass
class Journey:
    """The pages of one draft, in order: its shown sections, the documents page, the check page."""

    application: Application
    definition: ServiceDefinition
    visibility: Visibility

    @classmethod
    def of(cls, application: Application, answers: Mapping[str, Any] | None = None) -> Journey:
        definition = selectors.definition_of(application)
        answers = application.answers if answers is None else answers
        return cls(application, definition, Visibility(definition, answers))

    @property
    def sections(self) -> list[Section]:
        return self.visibility.sections()

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)

    def section_url(self, key: str) -> str:
        return _url("application_section", self.application, section=key)

    def after(self, key: str | None) -> str:
        """The page after section ``key`` (``None``: the first page)."""
        order = [section.key for section in self.definition.sections]
        start = order.index(key) + 1 if key in order else 0
        following = [section for section in self.definition.sections[start:] if self.visibility.section(section)]
        if following:
            return self.section_url(following[0].key)
        if self.visibility.documents():
            return _url("application_documents", self.application)
        return _url("application_review", self.application)

    def before(self, key: str) -> str | None:
        order = [section.key for section in self.definition.sections]
        earlier = self.definition.sections[: order.index(key)] if key in order else []
        shown = [section for section in earlier if self.visibility.section(section)]
        return self.section_url(shown[-1].key) if shown else None

    def last_section_url(self) -> str | None:
        return self.section_url(self.sections[-1].key) if self.sections else None

    def resume(self) -> str:
        """Where to pick up a draft: the first page with a required question still unanswered."""
        answers = self.application.answers
        for section in self.sections:
            unanswered = [
                question
                for question in section.fields
                if question.required and question.key not in answers and self.visibility.field(question.key)
            ]
            if unanswered or not answers:
                return self.section_url(section.key)
        if actions.missing_documents(self.application, self.definition):
            return _url("application_documents", self.application)
        return _url("application_review", self.application)

    def error_link(self, key: str) -> str:
        """Where a person fixes the answer or document ``key`` (``key.part`` for an address part)."""
        base = key.partition(".")[0]
        for section in self.definition.sections:
            for question in section.fields:
                if question.key == base:
                    return f"{self.section_url(section.key)}?return=review#{anchor_for(question, key)}"
        return f"{_url('application_documents', self.application)}#{document_id(base)}"


def resume_url(application: Application) -> str:
    return Journey.of(application).resume()


def _after_submission(application: Application, user: User) -> str:
    if application.applicant_id == user.pk:
        return _url("my_application", application)
    return _url("application_done", application)


@dataclass(frozen=True)
class ErrorLink:
    href: str
    text: str


def _field_errors(
    questions: Iterable[FieldBase], errors: Mapping[str, str], href: Callable[[FieldBase, str], str]
) -> list[ErrorLink]:
    """The error summary of a page, in the order of its questions."""
    links = []
    for question in questions:
        label = question.label.in_language()
        if question.key in errors:
            links.append(ErrorLink(href(question, question.key), f"{label}: {errors[question.key]}"))
        for part, part_label in ADDRESS_PARTS:
            key = f"{question.key}.{part}"
            if key in errors:
                links.append(ErrorLink(href(question, key), f"{label} – {part_label}: {errors[key]}"))
    return links


def _anchor(question: FieldBase, key: str) -> str:
    return f"#{anchor_for(question, key)}"


def _uploaded(application: Application) -> dict[str, Document]:
    return {document.key: document for document in selectors.documents_of(application)}


def _revision(request: HttpRequest) -> int | None:
    text = request.POST.get("revision", "")
    return int(text) if text.isdigit() else None


def _localized(errors: Mapping[str, LocalizedText]) -> dict[str, str]:
    return {key: message.in_language() for key, message in errors.items()}


def _attach_files(request: HttpRequest, application: Application, keys: Iterable[str], errors: dict[str, str]) -> None:
    """Keep each file uploaded for ``keys``; a refused one becomes that input's error."""
    for key in keys:
        upload = request.FILES.get(key)
        if upload is None:
            continue
        try:
            actions.attach_document(application=application, actor=_user(request), key=key, upload=upload)
        except BadDocument as error:
            errors[key] = str(error.message)


# --- filling in -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@shows_domain_errors
def application_section(request: HttpRequest, reference: str, section: str) -> HttpResponse:
    application = _application(request, reference)
    if not application.is_draft:
        return HttpResponseRedirect(_after_submission(application, _user(request)))
    journey = Journey.of(application)
    spec = journey.section(section)
    if spec is None:
        if any(item.key == section for item in journey.definition.sections):
            return HttpResponseRedirect(journey.resume())  # a page the answers so far make not apply
        raise Http404()
    questions = shown_questions(spec, journey.visibility)
    returning = request.GET.get("return") == "review" or request.POST.get("return") == "review"
    errors: dict[str, str] = {}
    problem = ""
    status = 200
    if request.method == "POST":
        try:
            check = actions.save_answers(
                application=application,
                actor=_user(request),
                answers=raw_answers(questions, request.POST),
                sections=[spec.key],
                expected_revision=_revision(request),
            )
        except StaleApplication as error:
            # Changed elsewhere (another device, the counter): nothing was saved; what was typed stays.
            problem, status = str(error.message), error.status
            application = _application(request, reference)
        else:
            errors = _localized(check.errors)
            if not errors:
                # Files only once the answers are kept: a page with errors keeps nothing.
                file_keys = [question.key for question in questions if isinstance(question, FileField)]
                _attach_files(request, application, file_keys, errors)
                if not errors:
                    missing = actions.missing_documents(application, journey.definition)
                    errors = {item.key: _("Upload this file.") for item in missing if item.key in file_keys}
            if not errors:
                following = Journey.of(application)
                target = _url("application_review", application) if returning else following.after(spec.key)
                return HttpResponseRedirect(target)
            status = 422
            # Show what the typed answers make apply, so a question just made relevant is on the page.
            journey = Journey.of(application, {**application.answers, **check.cleaned})
            questions = shown_questions(spec, journey.visibility)
    keys = [question.key for question in spec.fields]
    fields = inputs(
        questions,
        stored=application.answers,
        posted=request.POST if request.method == "POST" else None,
        errors=errors,
        documents=_uploaded(application),
        same_page=keys,
    )
    position = [item.key for item in journey.sections].index(spec.key)
    return render(
        request,
        "portal/apply/section.html",
        {
            "application": application,
            "definition": journey.definition,
            "section": spec,
            "fields": fields,
            "multipart": any(item.kind == "file" for item in fields),
            "error_links": _field_errors(questions, errors, _anchor),
            "problem": problem,
            "back_url": _url("application_review", application) if returning else journey.before(spec.key),
            "returning": returning,
            "step": position + 1,
            "steps": len(journey.sections),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@shows_domain_errors
def application_documents(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    if not application.is_draft:
        return HttpResponseRedirect(_after_submission(application, _user(request)))
    journey = Journey.of(application)
    specs = journey.visibility.documents()
    errors: dict[str, str] = {}
    if request.method == "POST":
        _attach_files(request, application, [spec.key for spec in specs], errors)
        if not errors:
            asked = {spec.key for spec in specs}
            missing = actions.missing_documents(application, journey.definition)
            errors = {item.key: _("Upload this document.") for item in missing if item.key in asked}
        if not errors:
            return HttpResponseRedirect(_url("application_review", application))
    items = document_inputs(specs, _uploaded(application), errors)
    return render(
        request,
        "portal/apply/documents.html",
        {
            "application": application,
            "definition": journey.definition,
            "documents": items,
            "error_links": [ErrorLink(f"#{item.id}", f"{item.label}: {item.error}") for item in items if item.error],
            "back_url": journey.last_section_url(),
        },
        status=422 if errors else 200,
    )


# --- checking, paying, submitting -------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    question: FieldBase
    answer: str
    change_url: str


@dataclass(frozen=True)
class SectionSummary:
    section: Section
    rows: list[AnswerRow]


def _summaries(journey: Journey, documents: Mapping[str, Document], *, returning: bool = True) -> list[SectionSummary]:
    summaries = []
    suffix = "?return=review" if returning else ""
    for section in journey.sections:
        rows = [
            AnswerRow(
                question=question,
                answer=display_answer(question, journey.application.answers.get(question.key), documents),
                change_url=f"{journey.section_url(section.key)}{suffix}#{anchor_for(question, question.key)}",
            )
            for question in section.fields
            if journey.visibility.field(question.key)
        ]
        summaries.append(SectionSummary(section, rows))
    return summaries


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@shows_domain_errors
def application_review(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    user = _user(request)
    if not application.is_draft:
        return HttpResponseRedirect(_after_submission(application, user))
    fee = actions.prepare_payment(application=application, actor=user)
    journey = Journey.of(application)
    error_links: list[ErrorLink] = []
    problem = ""
    status = 200
    ineligible = False
    if request.method == "POST":
        try:
            actions.submit(application=application, actor=user, expected_revision=_revision(request))
        except PaymentRequired:
            return HttpResponseRedirect(_url("application_pay", application))
        except InvalidAnswers as error:
            labels = _labels(journey.definition)
            error_links = [
                ErrorLink(journey.error_link(key), f"{labels.get(key.partition('.')[0], key)}: {message.in_language()}")
                for key, message in error.errors.items()
            ]
            problem, status = str(error.message), error.status
        except NotEligible as error:
            problem, status = str(error.message), error.status
            error_links = [ErrorLink("", reason.in_language()) for reason in error.reasons]
            ineligible = True  # an end point too: asking only on success flatters a service
        except DomainError as error:
            problem, status = str(error.message), error.status
        else:
            return HttpResponseRedirect(_url("application_done", application))
    documents = _uploaded(application)
    owed = actions.fee_owed_online(application=application, actor=user) > 0
    return render(
        request,
        "portal/apply/review.html",
        {
            "application": application,
            "definition": journey.definition,
            "summaries": _summaries(journey, documents),
            "documents": [(spec, documents.get(spec.key)) for spec in journey.visibility.documents()],
            "documents_url": _url("application_documents", application),
            "fee": fee,
            "owed": owed,
            "problem": problem,
            "error_links": error_links,
            "ineligible": ineligible,
        },
        status=status,
    )


def _labels(definition: ServiceDefinition) -> dict[str, str]:
    labels = {question.key: question.label.in_language() for question in definition.fields()}
    labels.update({spec.key: spec.label.in_language() for spec in definition.documents})
    return labels


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@shows_domain_errors
def application_pay(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    user = _user(request)
    if not application.is_draft:
        return HttpResponseRedirect(_after_submission(application, user))
    fee = actions.prepare_payment(application=application, actor=user)
    if not fee or application.paid_at is not None:
        return HttpResponseRedirect(_url("application_review", application))
    problem = ""
    status = 200
    if request.method == "POST":
        try:
            payment = actions.start_payment(application=application, actor=user)
        except DomainError as error:
            problem, status = str(error.message), error.status
        else:
            chosen = provider()
            assert chosen is not None  # start_payment refuses when no provider is configured
            return HttpResponseRedirect(chosen.checkout_url(payment.token))
    return render(
        request,
        "portal/apply/pay.html",
        {
            "application": application,
            "definition": selectors.definition_of(application),
            "fee": fee,
            "problem": problem,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def test_payment(request: HttpRequest, token: str) -> HttpResponse:
    """The test provider's checkout: moves no money, and exists only while it is the provider."""
    if TestProvider.name != settings.TAHAWUL_PAYMENT_PROVIDER:
        raise Http404()
    payment = selectors.payment_by_token(token)
    if payment.provider != TestProvider.name:
        raise Http404()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        decision = request.POST.get("decision")
        if decision in {"pay", "decline"}:
            settled = actions.settle_payment(
                token=token, succeeded=decision == "pay", provider_reference=f"TEST-{payment.pk}"
            )
            if settled.status == Payment.Status.PAID:
                messages.success(request, _("Payment received. Now submit your application."))
            else:
                messages.error(request, _("The payment was declined and nothing was charged. You can try again."))
            return HttpResponseRedirect(_url("application_review", payment.application))
    return render(request, "portal/apply/test_payment.html", {"payment": payment})


@login_required
@require_safe
@shows_domain_errors
def application_done(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    if application.is_draft:
        return HttpResponseRedirect(_url("application_review", application))
    definition = selectors.definition_of(application)
    return render(
        request,
        "portal/apply/done.html",
        {
            "application": application,
            "definition": definition,
            "state": selectors.current_state(application, definition),
            "for_applicant": application.applicant_id == request.user.pk,
        },
    )


# --- following --------------------------------------------------------------------------------


def _state_label(application: Application, definition: ServiceDefinition) -> str:
    if application.is_draft:
        return _("Not submitted yet")
    state = selectors.current_state(application, definition)
    return state.label.in_language() if state is not None else application.state


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    definition: ServiceDefinition
    state_label: str
    url: str


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = []
    for application in selectors.my_applications(_user(request))[:500]:
        definition = selectors.definition_of(application)
        url = resume_url(application) if application.is_draft else _url("my_application", application)
        rows.append(ApplicationRow(application, definition, _state_label(application, definition), url))
    return render(
        request,
        "portal/apply/my_applications.html",
        {
            "drafts": [row for row in rows if row.application.is_draft],
            "submitted": [row for row in rows if not row.application.is_draft],
        },
    )


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    title: str
    comment: str


def _timeline(application: Application, definition: ServiceDefinition) -> list[TimelineEntry]:
    """What the applicant is shown of the history: the states, payment, and the reasons they must read."""
    states = definition.workflow.states if definition.workflow else {}
    entries = []
    for event in selectors.timeline(application):
        state = states.get(event.to_state)
        if event.action == "start":
            title = _("Application started")
        elif event.action == "pay":
            title = _("Fee paid")
        elif state is not None:
            title = state.label.in_language()
        else:
            continue  # uploads, assignments and SLA marks are the office's own bookkeeping
        # Officers' comments are shown where they are addressed to the applicant: a correction to
        # make, a refusal to understand.
        addressed = state is not None and (state.actor == "applicant" or state.outcome == "rejected")
        entries.append(TimelineEntry(event, title, event.comment if addressed else ""))
    return entries


@dataclass(frozen=True)
class ActionButton:
    transition: Transition
    label: str
    confirm: bool  # ends the application: asked again on a page of its own


def _applicant_actions(application: Application, user: User, definition: ServiceDefinition) -> list[ActionButton]:
    states = definition.workflow.states if definition.workflow else {}
    return [
        ActionButton(transition, transition.label.in_language(), states[transition.to].final)
        for transition in selectors.allowed_transitions(application, user, definition)
        if transition.role == "applicant" and transition.to in states
    ]


def _correction_items(application: Application, definition: ServiceDefinition) -> list[str]:
    labels = _labels(definition)
    return [labels[key] for key in application.correction_fields if key in labels]


def _my_application_page(
    request: HttpRequest,
    application: Application,
    *,
    problem: str = "",
    error_links: list[ErrorLink] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    definition = selectors.definition_of(application)
    state: State | None = selectors.current_state(application, definition)
    labels = _labels(definition)
    documents = [(labels.get(item.key, item.key), item) for item in selectors.documents_of(application)]
    certificate: Certificate | None = getattr(application, "certificate", None)
    return render(
        request,
        "portal/apply/my_application.html",
        {
            "application": application,
            "definition": definition,
            "state_label": _state_label(application, definition),
            "timeline": _timeline(application, definition),
            "documents": documents,
            "actions": _applicant_actions(application, user, definition),
            "correcting": state is not None and state.actor == "applicant" and not application.is_closed,
            "correction_items": _correction_items(application, definition),
            "certificate": certificate,
            "problem": problem,
            "error_links": error_links or [],
        },
        status=status,
    )


@login_required
@require_safe
@shows_domain_errors
def my_application(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own(request, reference)
    if application.is_draft:
        return HttpResponseRedirect(resume_url(application))
    return _my_application_page(request, application)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@shows_domain_errors
def application_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Withdraw, cancel, resubmit: the applicant's own workflow steps. Ending steps are confirmed first."""
    application = _own(request, reference)
    user = _user(request)
    definition = selectors.definition_of(application)
    offered = next(
        (item for item in _applicant_actions(application, user, definition) if item.transition.action == action), None
    )
    if request.method != "POST":
        if offered is None:
            return HttpResponseRedirect(_url("my_application", application))
        return render(
            request,
            "portal/apply/confirm_action.html",
            {"application": application, "definition": definition, "offered": offered},
        )
    try:
        actions.perform(
            application=application,
            actor=user,
            action=action,
            comment=request.POST.get("comment", "")[:2000],
            expected_revision=_revision(request),
            channel="web",
        )
    except InvalidAnswers as error:
        labels = _labels(definition)
        correction = _url("application_correction", application)
        links = [
            ErrorLink(
                f"{correction}#{_correction_anchor(definition, key)}",
                f"{labels.get(key.partition('.')[0], key)}: {message.in_language()}",
            )
            for key, message in error.errors.items()
        ]
        fresh = selectors.access_application(user, reference)
        return _my_application_page(request, fresh, problem=str(error.message), error_links=links, status=error.status)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        # Nothing was changed: show the application as it stands now, with why.
        fresh = selectors.access_application(user, reference)
        return _my_application_page(request, fresh, problem=str(error.message), status=error.status)
    label = offered.label if offered is not None else action
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return HttpResponseRedirect(_url("my_application", application))


def _correction_anchor(definition: ServiceDefinition, key: str) -> str:
    base = key.partition(".")[0]
    question = definition.field(base)
    return anchor_for(question, key) if question is not None else document_id(base)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@shows_domain_errors
def application_correction(request: HttpRequest, reference: str) -> HttpResponse:
    """Only what the officer asked to be corrected (everything, when they named nothing)."""
    application = _own(request, reference)
    definition = selectors.definition_of(application)
    state = selectors.current_state(application, definition)
    if state is None or state.actor != "applicant" or application.is_closed:
        return HttpResponseRedirect(_url("my_application", application))
    journey = Journey.of(application)
    asked = set(application.correction_fields)
    questions = [
        question
        for section in journey.sections
        for question in section.fields
        if journey.visibility.field(question.key) and (not asked or question.key in asked)
    ]
    specs = [spec for spec in journey.visibility.documents() if not asked or spec.key in asked]
    errors: dict[str, str] = {}
    problem = ""
    status = 200
    if request.method == "POST":
        answerable = [question for question in questions if not isinstance(question, FileField)]
        try:
            if answerable:
                shown_in = {section.key for section in journey.sections for q in section.fields if q in answerable}
                check = actions.save_answers(
                    application=application,
                    actor=_user(request),
                    answers=raw_answers(answerable, request.POST),
                    sections=sorted(shown_in),
                    expected_revision=_revision(request),
                )
                errors = _localized(check.errors)
        except StaleApplication as error:
            problem, status = str(error.message), error.status
            application = _own(request, reference)
        else:
            if not errors:
                file_keys = [q.key for q in questions if isinstance(q, FileField)] + [spec.key for spec in specs]
                _attach_files(request, application, file_keys, errors)
            if not errors:
                messages.success(request, _("Your corrections are saved. Resubmit the application when you are ready."))
                return HttpResponseRedirect(_url("my_application", application))
            status = 422
    uploaded = _uploaded(application)
    fields = inputs(
        questions,
        stored=application.answers,
        posted=request.POST if request.method == "POST" else None,
        errors=errors,
        documents=uploaded,
    )
    items = document_inputs(specs, uploaded, errors)
    links = _field_errors(questions, errors, _anchor) + [
        ErrorLink(f"#{item.id}", f"{item.label}: {item.error}") for item in items if item.error
    ]
    # An answer not on this page can fail too (a date limit counted from today has moved on):
    # it is named, without a link, and the entity can be asked to reopen it.
    on_page = {question.key for question in questions} | {spec.key for spec in specs}
    labels = _labels(definition)
    links += [
        ErrorLink("", f"{labels.get(key.partition('.')[0], key)}: {message}")
        for key, message in errors.items()
        if key.partition(".")[0] not in on_page
    ]
    return render(
        request,
        "portal/apply/correction.html",
        {
            "application": application,
            "definition": definition,
            "fields": fields,
            "documents": items,
            "error_links": links,
            "problem": problem,
        },
        status=status,
    )


# --- files ------------------------------------------------------------------------------------


@login_required
@require_safe
def document(request: HttpRequest, token: str) -> FileResponse:
    """A document, for its applicant and the entity's staff; every staff look is recorded."""
    try:
        found = selectors.access_document(_user(request), token)
    except NotFound:
        raise Http404() from None
    response = private_file(
        path_of(found.storage_name),
        content_type=found.content_type,
        name=found.original_name,
        fallback_name="document",
        inline=True,
    )
    actions.record_document_view(document=found, viewer=_user(request))  # only a file actually served
    return response


def _verify_url(number: str) -> str:
    return settings.TAHAWUL_PUBLIC_URL + reverse("portal:verify_number", kwargs={"number": number})


@login_required
@require_safe
@shows_domain_errors
def certificate_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own(request, reference)
    certificate: Certificate | None = getattr(application, "certificate", None)
    if certificate is None:
        raise Http404()
    definition = selectors.definition_of(application)
    kind = kind_label(certificate.kind)
    content = CertificateContent(
        number=certificate.number,
        kind=certificate.kind,
        kind_label_ar=kind.ar,
        kind_label_en=kind.en,
        service_name_ar=definition.name.ar,
        service_name_en=definition.name.en,
        entity_name_ar=application.entity.name_ar,
        entity_name_en=application.entity.name_en,
        holder_name_ar=certificate.holder_name_ar,
        holder_name_en=certificate.holder_name_en,
        reference=application.reference,
        issued_at=certificate.issued_at,
        verify_url=_verify_url(certificate.number),
    )
    response = HttpResponse(render_certificate_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- public verification ----------------------------------------------------------------------


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone holding a printed certificate can check it against the register."""
    number = request.GET.get("number", "").strip()
    error = ""
    if number:
        if len(number) <= 40:
            return HttpResponseRedirect(reverse("portal:verify_number", kwargs={"number": normalise_reference(number)}))
        error = _("Enter the certificate number as printed, like CE-7K3M-9QPX-2CFA.")
    elif "number" in request.GET:
        error = _("Enter the certificate number.")
    return render(
        request, "portal/apply/verify.html", {"number": number[:40], "error": error}, status=400 if error else 200
    )


@dataclass(frozen=True)
class VerifiedCertificate:
    """Exactly what the certificate itself prints about its holder and nothing else."""

    number: str
    kind: str
    service: str
    entity: str
    holder_name_ar: str
    holder_name_en: str
    issued_at: Any
    revoked: bool


@require_safe
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    try:
        certificate = selectors.certificate_by_number(normalise_reference(number))
    except NotFound:
        return render(request, "portal/apply/verify.html", {"number": number[:40], "not_found": True}, status=404)
    application = certificate.application
    definition = selectors.definition_of(application)
    verified = VerifiedCertificate(
        number=certificate.number,
        kind=kind_label(certificate.kind).in_language(),
        service=definition.name.in_language(),
        entity=application.entity.name,
        holder_name_ar=certificate.holder_name_ar,
        holder_name_en=certificate.holder_name_en,
        issued_at=certificate.issued_at,
        revoked=certificate.revoked_at is not None,
    )
    return render(request, "portal/apply/verify.html", {"number": certificate.number, "certificate": verified})
