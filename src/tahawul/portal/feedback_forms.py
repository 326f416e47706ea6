"""Parsing the feedback pages' forms. The forms only turn text into types: every rule (what is
required, how long, which values) is the feedback domain's, whose refusals come back as
``InvalidFeedback`` and are shown here as errors on the fields they name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel
from tahawul.core.text import LocalizedText
from tahawul.feedback.cases import CaseInput
from tahawul.feedback.models import CaseKind, ContactPreference, Face
from tahawul.feedback.ratings import COMMENT_MAX_CHARS, RatingInput

SCORES = range(1, 6)
EASE_SCALE = range(1, 8)
CLIENT_VERSION_MAX_CHARS = 200


@dataclass(frozen=True)
class ErrorLink:
    """One line of an error summary: the field's anchor and what is wrong with it."""

    href: str
    text: str


class FeedbackForm(forms.Form):
    """A form whose fields each have one element the error summary links to."""

    anchors: ClassVar[Mapping[str, str]] = {}
    # The domain's names for what a form calls otherwise ("entity" is chosen through the service).
    aliases: ClassVar[Mapping[str, str]] = {}

    def add_domain_errors(self, errors: Mapping[str, LocalizedText]) -> None:
        for name, message in errors.items():
            field = self.aliases.get(name, name)
            self.add_error(field if field in self.fields else None, message.in_language())

    def error_links(self) -> list[ErrorLink]:
        links = [
            ErrorLink(f"#{self.anchors.get(name, name)}", f"{self[name].label}: {message}")
            for name in self.fields
            for message in self.errors.get(name, [])
        ]
        return links + [ErrorLink("", str(message)) for message in self.non_field_errors()]


class RatingForm(FeedbackForm):
    face = forms.CharField(label=_("How did it go?"), required=False, max_length=20)
    score = forms.IntegerField(label=_("Your score"), required=False)
    ease = forms.IntegerField(label=_("It was easy to do"), required=False)
    comment = forms.CharField(label=_("Your comment"), required=False)
    wants_contact = forms.BooleanField(label=_("I would like to be contacted about this"), required=False)

    anchors: ClassVar[Mapping[str, str]] = {
        "face": f"rate-face-{Face.HAPPY}",
        "score": "rate-score-1",
        "ease": "rate-ease-1",
        "comment": "rate-comment",
        "wants_contact": "rate-wants-contact",
    }

    def values(self) -> RatingInput:
        data = self.cleaned_data
        return RatingInput(
            face=data["face"],
            score=data["score"],
            ease=data["ease"],
            comment=data["comment"],
            wants_contact=bool(data["wants_contact"]),
        )


class KioskCommentForm(FeedbackForm):
    comment = forms.CharField(label=_("Tell us more"), required=False)
    anchors: ClassVar[Mapping[str, str]] = {"comment": "kiosk-comment"}
    aliases: ClassVar[Mapping[str, str]] = {"description": "comment"}  # it is filed as a case


class CaseForm(FeedbackForm):
    kind = forms.CharField(label=_("What is it?"), required=False, max_length=20)
    service = forms.CharField(label=_("Service"), required=False, max_length=60)
    channel_concerned = forms.CharField(label=_("Where did it happen?"), required=False, max_length=20)
    description = forms.CharField(label=_("Tell us about it"), required=False, strip=False)
    attachments = forms.Field(label=_("Screenshots or documents"), required=False)
    contact_preference = forms.CharField(label=_("May we contact you?"), required=False, max_length=10)
    contact_name = forms.CharField(label=_("Your name"), required=False)
    contact_email = forms.CharField(label=_("Email address"), required=False)
    contact_mobile = forms.CharField(label=_("Mobile number"), required=False)
    doing = forms.CharField(label=_("What were you doing when it happened?"), required=False)
    page = forms.CharField(label=_("Page or screen"), required=False)
    client_version = forms.CharField(label=_("Browser or app version"), required=False)
    error_reference = forms.CharField(label=_("Error reference shown"), required=False)

    anchors: ClassVar[Mapping[str, str]] = {
        "kind": f"case-kind-{CaseKind.COMPLAINT}",
        "service": "case-service",
        "channel_concerned": "case-channel_concerned",
        "description": "case-description",
        "attachments": "case-attachments",
        "contact_preference": f"case-contact_preference-{ContactPreference.NONE}",
        "contact_name": "case-contact_name",
        "contact_email": "case-contact_email",
        "contact_mobile": "case-contact_mobile",
        "doing": "case-doing",
        "page": "case-page",
        "client_version": "case-client_version",
        "error_reference": "case-error_reference",
    }
    aliases: ClassVar[Mapping[str, str]] = {"entity": "service"}

    def values(self, attachments: Sequence[UploadedFile[bytes]]) -> CaseInput:
        data = self.cleaned_data
        technical = data["kind"] == CaseKind.TECHNICAL
        return CaseInput(
            kind=data["kind"],
            description=data["description"],
            service_code=data["service"],
            channel_concerned=data["channel_concerned"],
            contact_preference=data["contact_preference"] or ContactPreference.NONE,
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_mobile=data["contact_mobile"],
            # What a technical problem asks is kept only for one: the browser's version, filled
            # in for everyone, says nothing about a complaint.
            doing=data["doing"] if technical else "",
            page=data["page"] if technical else "",
            client_version=data["client_version"] if technical else "",
            error_reference=data["error_reference"] if technical else "",
            attachments=list(attachments),
        )


class ContactProofForm(FeedbackForm):
    contact = forms.CharField(label=_("The email address or mobile number you gave"), required=True, max_length=254)
    anchors: ClassVar[Mapping[str, str]] = {"contact": "case-contact"}


class ReopenForm(FeedbackForm):
    reason = forms.CharField(label=_("Why is it not settled?"), required=False)
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    anchors: ClassVar[Mapping[str, str]] = {"reason": "case-reopen-reason"}


class ResponseRatingForm(FeedbackForm):
    score = forms.IntegerField(label=_("How did we handle it?"), required=False)
    anchors: ClassVar[Mapping[str, str]] = {"score": "case-response-score-1"}


def initial_case_values(query: Mapping[str, str], user: Any, user_agent: str) -> dict[str, str]:
    """What the new-case form starts with: the service, page and error reference a link passes
    in, the account's contact details, and the browser's own description of itself."""
    initial = {
        "service": query.get("service", "")[:60],
        "page": query.get("page", "")[:500],
        "error_reference": query.get("error", "")[:40],
        "kind": query.get("kind", "") if query.get("kind", "") in CaseKind.values else "",
        "channel_concerned": Channel.WEB,
        "contact_preference": ContactPreference.NONE,
        "client_version": user_agent[:CLIENT_VERSION_MAX_CHARS],
    }
    if initial["error_reference"] and not initial["kind"]:
        initial["kind"] = CaseKind.TECHNICAL
    if user.is_authenticated:
        initial |= {
            "contact_name": str(user),
            "contact_email": user.email,
            "contact_mobile": user.mobile,
            "contact_preference": ContactPreference.EMAIL if user.email else ContactPreference.NONE,
        }
    return initial


__all__ = [
    "COMMENT_MAX_CHARS",
    "EASE_SCALE",
    "SCORES",
    "CaseForm",
    "ContactProofForm",
    "ErrorLink",
    "KioskCommentForm",
    "RatingForm",
    "ReopenForm",
    "ResponseRatingForm",
    "initial_case_values",
]
