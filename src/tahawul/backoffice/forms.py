"""Parsing what officers send: queue filters, workflow actions and counter submissions.
Bad values become form errors shown on the page, never exceptions."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.applications.selectors import QueueFilter, SlaStatus
from tahawul.backoffice.presenters import EntityService
from tahawul.core.choices import Channel
from tahawul.core.digits import ascii_digits
from tahawul.identity.models import User

SLA_CHOICES = [
    ("", _("Any")),
    (SlaStatus.ON_TRACK.value, _("On track")),
    (SlaStatus.DUE_SOON.value, _("Due within a day")),
    (SlaStatus.BREACHED.value, _("Overdue")),
]
ASSISTED_CHANNELS = [
    (Channel.COUNTER.value, Channel.COUNTER.label),
    (Channel.CALL_CENTRE.value, Channel.CALL_CENTRE.label),
]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _staff_choices(staff: list[User]) -> list[tuple[str, str]]:
    return [(str(person.pk), str(person)) for person in staff]


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string so a filtered queue can be bookmarked."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    sla = forms.ChoiceField(label=_("Time limit"), required=False, choices=SLA_CHOICES)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    closed = forms.BooleanField(label=_("Show closed applications instead of open ones"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)

    def __init__(
        self,
        data: Any,
        *,
        services: list[EntityService],
        states: list[tuple[str, str]],
        staff: list[User],
    ) -> None:
        super().__init__(data)
        _choice_field(self, "service").choices = [("", _("All services"))] + [
            (item.code, item.name) for item in services
        ]
        _choice_field(self, "state").choices = [("", _("Any status")), *states]
        _choice_field(self, "assignee").choices = [
            ("", _("Anyone or no one")),
            ("me", _("Me")),
            ("none", _("No one yet")),
            *_staff_choices(staff),
        ]

    def filters(self) -> QueueFilter:
        data = self.cleaned_data
        return QueueFilter(
            service=data["service"],
            state=data["state"],
            sla=data["sla"],
            assignee=data["assignee"],
            closed=data["closed"],
        )


class RevisionForm(forms.Form):
    """Every action names the revision the officer was looking at: a change since then wins."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AssignForm(RevisionForm):
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, data: Any = None, *, staff: list[User], current: int | None = None) -> None:
        super().__init__(data, initial={"assignee": str(current) if current else ""})
        self.staff = {str(person.pk): person for person in staff}
        _choice_field(self, "assignee").choices = _staff_choices(staff)

    def chosen(self) -> User:
        return self.staff[self.cleaned_data["assignee"]]


class TransitionForm(RevisionForm):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea)
    correction_fields = forms.MultipleChoiceField(
        label=_("What the applicant must correct"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        data: Any = None,
        *,
        requires_comment: bool = False,
        corrections: list[tuple[str, str]] | None = None,
        prefix_id: str = "",
    ) -> None:
        super().__init__(data, auto_id=f"{prefix_id}-%s" if prefix_id else "id_%s")
        self.fields["comment"].required = requires_comment
        if requires_comment:
            self.fields["comment"].error_messages["required"] = _("Say why: this action needs a comment.")
        _choice_field(self, "correction_fields").choices = corrections or []


def _service_label(item: EntityService) -> str:
    """A service's name, and the assisted channels it is offered on when not both."""
    offered = [label for value, label in ASSISTED_CHANNELS if value in item.definition.channels]
    if len(offered) == len(ASSISTED_CHANNELS):
        return item.name
    return _("%(service)s (%(channels)s only)") % {"service": item.name, "channels": ", ".join(map(str, offered))}


NATIONAL_ID = re.compile(r"^[0-9]{9}$")


class CounterForm(forms.Form):
    """Step one of an application made at the counter or by phone: who, how, which service."""

    national_id = forms.CharField(
        label=_("The applicant's national ID number"),
        help_text=_("9 digits, as on the identity card."),
        max_length=20,
    )
    channel = forms.ChoiceField(label=_("How the applicant is applying"), choices=ASSISTED_CHANNELS)
    service = forms.ChoiceField(label=_("Service"))

    def __init__(self, data: Any = None, *, services: list[EntityService]) -> None:
        super().__init__(data, initial={"channel": Channel.COUNTER.value})
        self.services = {item.code: item for item in services}
        _choice_field(self, "service").choices = [("", _("Choose a service"))] + [
            (item.code, _service_label(item)) for item in services
        ]

    def clean_national_id(self) -> str:
        digits = re.sub(r"[\s\-]", "", ascii_digits(self.cleaned_data["national_id"]))
        if not NATIONAL_ID.match(digits):
            raise forms.ValidationError(_("A national ID number has 9 digits."))
        return digits

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        service = self.services.get(data.get("service", ""))
        channel = data.get("channel")
        if service is not None and channel and channel not in service.definition.channels:
            self.add_error(
                "service",
                _("This service is not offered by %(channel)s.") % {"channel": Channel(channel).label},
            )
        return data
