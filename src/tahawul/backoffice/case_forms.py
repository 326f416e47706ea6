"""Parsing what staff send about cases: queue filters, the case page's actions, a case filed for
a caller and a "you said, we did" change. Forms only parse; the feedback actions decide, and their
refusals are put back on these forms as field errors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.backoffice.forms import RevisionForm
from tahawul.catalog.models import Entity, Service
from tahawul.core.choices import Channel
from tahawul.core.text import LocalizedText
from tahawul.feedback.cases import CaseInput
from tahawul.feedback.models import CaseKind, CaseOutcome, CaseStatus, ContactPreference
from tahawul.feedback.selectors import CaseFilter
from tahawul.identity.models import User

FILED_FOR_CALLER = [
    (Channel.CALL_CENTRE.value, Channel.CALL_CENTRE.label),
    (Channel.COUNTER.value, Channel.COUNTER.label),
]
ENTITY_ONLY = "entity:"  # a choice value naming an entity rather than one of its services
Choices = list[tuple[str, Any]]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _by_label(items: Iterable[Service | Entity]) -> list[tuple[str, str]]:
    return sorted(((item.code, str(item.name)) for item in items), key=lambda choice: choice[1].casefold())


def service_choices(services: Iterable[Service], *, with_entities: bool) -> Choices:
    """Services grouped by entity (an <optgroup> each); ``with_entities`` adds, first in each
    group, a choice for the entity itself when the case is about none of its services."""
    groups: dict[int, tuple[Entity, list[tuple[str, str]]]] = {}
    for service in services:
        entry = groups.setdefault(service.entity_id, (service.entity, []))
        entry[1].append((service.code, str(service.name)))
    choices: Choices = []
    for entity, items in sorted(groups.values(), key=lambda group: str(group[0].name).casefold()):
        items.sort(key=lambda item: item[1].casefold())
        if with_entities:
            items.insert(
                0,
                (f"{ENTITY_ONLY}{entity.code}", _("%(entity)s: not about one service") % {"entity": entity.name}),
            )
        choices.append((str(entity.name), items))
    return choices


# --- the queues ----------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """A case queue's filters, read from the query string so a filtered queue can be bookmarked."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone or no one")), ("me", _("Me")), ("none", _("No one yet"))],
    )
    overdue = forms.BooleanField(label=_("Only cases past their response time"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)

    def __init__(self, data: Any, *, statuses: Sequence[str], unfiltered: str = "") -> None:
        """``unfiltered``: what the queue shows when no status is chosen (default: every case not closed)."""
        super().__init__(data)
        _choice_field(self, "status").choices = [("", unfiltered or _("Not closed"))] + [
            (value, label) for value, label in CaseStatus.choices if value in statuses
        ]
        _choice_field(self, "kind").choices = [("", _("Any kind")), *CaseKind.choices]

    def filters(self) -> CaseFilter:
        if not self.is_bound:
            return CaseFilter()
        data = self.cleaned_data
        return CaseFilter(status=data["status"], kind=data["kind"], assignee=data["assignee"], overdue=data["overdue"])

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_bound else None) or 1


# --- the case page -------------------------------------------------------------------------------


class CaseAssignForm(RevisionForm):
    assignee = forms.ChoiceField(label=_("Give the case to"))

    def __init__(self, data: Any = None, *, handlers: list[User], current: int | None = None) -> None:
        super().__init__(data, initial={"assignee": str(current) if current else ""}, auto_id="assign-%s")
        self.handlers = {str(person.pk): person for person in handlers}
        _choice_field(self, "assignee").choices = [(key, str(person)) for key, person in self.handlers.items()]

    def chosen(self) -> User:
        return self.handlers[self.cleaned_data["assignee"]]


class ReplyForm(RevisionForm):
    # Left optional here: the action says what is wrong with an empty or overlong reply.
    message = forms.CharField(label=_("Your reply"), required=False, widget=forms.Textarea, strip=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="reply-%s")


class CloseForm(RevisionForm):
    outcome = forms.ChoiceField(
        label=_("How the case ends"), required=False, choices=CaseOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea, strip=False)
    duplicate_of = forms.CharField(label=_("Reference of the case this one repeats"), required=False, max_length=40)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="close-%s")


class RouteForm(RevisionForm):
    service = forms.ChoiceField(label=_("Service"), required=False)
    entity = forms.ChoiceField(label=_("Or only the entity, when no service fits"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        services: Iterable[Service],
        entities: Iterable[Entity],
        suggested: str = "",
    ) -> None:
        super().__init__(data, initial={"service": suggested}, auto_id="route-%s")
        _choice_field(self, "service").choices = [
            ("", _("Choose a service")),
            *service_choices(services, with_entities=False),
        ]
        _choice_field(self, "entity").choices = [("", _("Choose an entity")), *_by_label(entities)]


# --- a case filed for a caller -------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the action checks how many, their types and sizes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class StaffCaseForm(forms.Form):
    """What a caller at the counter or on the telephone tells the officer filing for them."""

    channel = forms.ChoiceField(
        label=_("How the person reached you"),
        choices=FILED_FOR_CALLER,
        error_messages={"required": _("Choose how the person reached you.")},
    )
    kind = forms.ChoiceField(
        label=_("What kind of message this is"),
        choices=CaseKind.choices,
        error_messages={"required": _("Choose what kind of message this is.")},
    )
    service = forms.ChoiceField(
        label=_("Service or entity it is about"),
        error_messages={"required": _("Choose the service, or the entity when it is about none of its services.")},
    )
    channel_concerned = forms.ChoiceField(label=_("Channel it is about (optional)"), required=False)
    description = forms.CharField(label=_("What the person told you"), widget=forms.Textarea, required=False)
    contact_name = forms.CharField(label=_("The person's name"), required=False)
    contact_preference = forms.ChoiceField(
        label=_("How the person wants the answer"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the person wants the answer.")},
    )
    contact_email = forms.CharField(label=_("Email address"), required=False)
    contact_mobile = forms.CharField(
        label=_("Mobile number"), required=False, help_text=_("With the country code, for example +97333123456.")
    )
    language = forms.ChoiceField(
        label=_("Language of the answer"),
        choices=[("ar", _("Arabic")), ("en", _("English"))],
        error_messages={"required": _("Choose the language of the answer.")},
    )
    doing = forms.CharField(label=_("What the person was doing"), widget=forms.Textarea, required=False)
    page = forms.CharField(label=_("Page or screen"), required=False)
    client_version = forms.CharField(label=_("Browser or app version"), required=False)
    error_reference = forms.CharField(label=_("Error reference shown"), required=False)
    attachments = MultipleFileField(
        label=_("Screenshots or documents (optional)"),
        help_text=_("Up to 3 files: PNG, JPEG, WebP or PDF, 5 MB each."),
        required=False,
    )

    def __init__(self, data: Any = None, files: Any = None, *, services: Iterable[Service], language: str) -> None:
        super().__init__(
            data,
            files,
            initial={
                "channel": Channel.CALL_CENTRE.value,
                "contact_preference": ContactPreference.PHONE.value,
                "language": language,
            },
        )
        _choice_field(self, "service").choices = [
            ("", _("Choose a service")),
            *service_choices(services, with_entities=True),
        ]
        _choice_field(self, "channel_concerned").choices = [("", _("None in particular")), *Channel.choices]

    def case_input(self) -> CaseInput:
        data = self.cleaned_data
        chosen: str = data["service"]
        entity_code = chosen.removeprefix(ENTITY_ONLY) if chosen.startswith(ENTITY_ONLY) else ""
        return CaseInput(
            kind=data["kind"],
            description=data["description"],
            service_code="" if entity_code else chosen,
            entity_code=entity_code,
            channel_concerned=data["channel_concerned"],
            contact_preference=data["contact_preference"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_mobile=data["contact_mobile"],
            doing=data["doing"],
            page=data["page"],
            client_version=data["client_version"],
            error_reference=data["error_reference"],
            attachments=self.cleaned_data["attachments"],
        )


# Where the action's error keys are shown on this form.
STAFF_CASE_FIELDS = {"entity": "service", "filed_on": "channel"}


# --- "you said, we did" --------------------------------------------------------------------------


_REFERENCE_SEPARATORS = re.compile(r"[\s,،;]+")


class ServiceChangeForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service that changed"), error_messages={"required": _("Choose the service that changed.")}
    )
    you_said_ar = forms.CharField(label=_("What people said, in Arabic"), widget=forms.Textarea, required=False)
    you_said_en = forms.CharField(label=_("What people said, in English"), widget=forms.Textarea, required=False)
    we_did_ar = forms.CharField(label=_("What you changed, in Arabic"), widget=forms.Textarea, required=False)
    we_did_en = forms.CharField(label=_("What you changed, in English"), widget=forms.Textarea, required=False)
    cases = forms.CharField(
        label=_("Case references (optional)"),
        help_text=_("The cases that led to the change, separated by spaces or commas."),
        widget=forms.Textarea,
        required=False,
    )
    version = forms.IntegerField(
        label=_("Version of the service definition (optional)"),
        help_text=_("The number of the published version that made the change, if there is one."),
        required=False,
        min_value=1,
    )

    def __init__(self, data: Any = None, *, services: Iterable[Service]) -> None:
        super().__init__(data)
        _choice_field(self, "service").choices = [("", _("Choose a service")), *_by_label(services)]

    def you_said(self) -> LocalizedText:
        return LocalizedText(ar=self.cleaned_data["you_said_ar"], en=self.cleaned_data["you_said_en"])

    def we_did(self) -> LocalizedText:
        return LocalizedText(ar=self.cleaned_data["we_did_ar"], en=self.cleaned_data["we_did_en"])

    def case_references(self) -> list[str]:
        return [item for item in _REFERENCE_SEPARATORS.split(self.cleaned_data["cases"]) if item]


# Where the action's error keys are shown on this form.
SERVICE_CHANGE_FIELDS = {"you_said": "you_said_ar", "we_did": "we_did_ar", "cases": "cases", "version": "version"}
