"""The entity admin's forms for integrations: issuing a key (to a registered integrator or a new
one) and a service's Open311 setting. They parse; the integrations actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.integrations.models import Becomes, Integrator

NEW_INTEGRATOR = "new"


class IssueKeyForm(forms.Form):
    integrator = forms.ChoiceField(
        label=_("Integrator"), error_messages={"required": _("Choose the integrator, or register a new one.")}
    )
    new_name = forms.CharField(label=_("Name of the new integrator"), required=False, max_length=150)
    new_email = forms.EmailField(
        label=_("Contact email of the new integrator"),
        required=False,
        help_text=_("Where the integrator hears about its keys and the changes that concern it."),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )

    def __init__(self, *args: Any, integrators: list[Integrator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["integrator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose…")),
            *[(str(item.pk), item.name) for item in integrators],
            (NEW_INTEGRATOR, _("A new integrator (register it below)")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("integrator") == NEW_INTEGRATOR:
            if not data.get("new_name", "").strip():
                self.add_error("new_name", _("Give the new integrator's name."))
            if not data.get("new_email") and "new_email" not in self.errors:
                self.add_error("new_email", _("Give the new integrator's contact email."))
        return data


class Open311ServiceForm(forms.Form):
    exposed = forms.BooleanField(label=_("Offer this service to Open311 clients"), required=False)
    becomes = forms.ChoiceField(
        label=_("An Open311 request becomes"),
        choices=Becomes.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what a request becomes."),
            "invalid_choice": _("Choose what a request becomes."),
        },
    )
    public_location = forms.BooleanField(
        label=_("The places named in requests are public places (a road, a park), which the public list may show"),
        required=False,
    )
