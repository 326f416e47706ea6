"""Parsing what the authority's staff send about incidents. Forms only parse: the status actions
decide what is acceptable, and their refusals are put back on these forms as field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.backoffice.forms import RevisionForm
from tahawul.core.text import LocalizedText
from tahawul.status.models import ONGOING_STATUSES, Component, IncidentStatus, State

ONGOING_CHOICES = [(status.value, status.label) for status in ONGOING_STATUSES]
IMPACT_CHOICES = [(State.DEGRADED.value, State.DEGRADED.label), (State.DOWN.value, State.DOWN.label)]


def _text(label: Any, *, textarea: bool = False, help_text: Any = "") -> forms.CharField:
    # Optional here: the action says what is missing, in the words it uses everywhere.
    widget = forms.Textarea if textarea else forms.TextInput
    return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)


class _Message(forms.Form):
    message_ar = _text(_("Message in Arabic"), textarea=True, help_text=_("The public reads it on the status page."))
    message_en = _text(_("Message in English"), textarea=True, help_text=_("The public reads it on the status page."))

    def message(self) -> LocalizedText:
        return LocalizedText(ar=self.cleaned_data["message_ar"], en=self.cleaned_data["message_en"])


class _Title(forms.Form):
    title_ar = _text(_("Title in Arabic"))
    title_en = _text(_("Title in English"))

    def title(self) -> LocalizedText:
        return LocalizedText(ar=self.cleaned_data["title_ar"], en=self.cleaned_data["title_en"])


class _Status(forms.Form):
    status = forms.ChoiceField(
        label=_("Where the work stands"), required=False, choices=ONGOING_CHOICES, widget=forms.RadioSelect
    )


class _Impact(forms.Form):
    impact = forms.ChoiceField(label=_("Effect"), required=False, choices=IMPACT_CHOICES, widget=forms.RadioSelect)


class OpenIncidentForm(_Status, _Impact, _Title, _Message):
    components = forms.MultipleChoiceField(
        label=_("What is affected"), required=False, choices=Component.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, initial={"status": IncidentStatus.INVESTIGATING}, auto_id="open-%s")


class ConfirmForm(RevisionForm, _Status, _Impact, _Title, _Message):
    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        super().__init__(
            data, initial={"status": IncidentStatus.INVESTIGATING, **(initial or {})}, auto_id="confirm-%s"
        )


class UpdateForm(RevisionForm, _Status, _Message):
    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial, auto_id="update-%s")


class ResolveForm(RevisionForm, _Message):
    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="resolve-%s")


class DismissForm(RevisionForm):
    note = _text(_("Why (for staff only)"), textarea=True)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="dismiss-%s")
