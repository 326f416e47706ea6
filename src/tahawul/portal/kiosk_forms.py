"""The kiosk's forms. They only turn text into values; the rules (a national ID has 9 digits, a
code 6, what a reference looks like) are the domain's, whose refusals come back as errors on the
field they name. Every field is typed on the kiosk's own keypad: autocomplete is off everywhere."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.core.digits import ascii_digits


class KioskForm(forms.Form):
    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        return {key: ascii_digits(value).strip() if isinstance(value, str) else value for key, value in cleaned.items()}


class NationalIdForm(KioskForm):
    national_id = forms.CharField(
        label=_("Your national ID number"),
        max_length=20,
        error_messages={"required": _("Enter the 9 digits of your national ID number.")},
    )


class CodeForm(KioskForm):
    code = forms.CharField(
        label=_("The code from the SMS"),
        max_length=12,
        error_messages={"required": _("Enter the 6 digits of the code we sent you.")},
    )


class StatusForm(KioskForm):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=24,
        error_messages={"required": _("Enter the reference, like TH-7K3M-9QPX-2CFA.")},
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        error_messages={"required": _("Enter the mobile number you gave, with its country code.")},
    )
