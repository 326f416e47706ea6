"""Parsing the portal's query strings; bad values become form errors, never exceptions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel

MAX_QUERY_LENGTH = 2000


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for a service"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 200, "autocomplete": "off"}),
    )
    entity = forms.CharField(label=_("Entity"), required=False, max_length=20)
    category = forms.SlugField(label=_("Topic"), required=False, max_length=60)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices])
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=10_000)

    def clean_q(self) -> str:
        # A pasted essay is searched by its beginning rather than refused.
        return str(self.cleaned_data.get("q") or "")[:MAX_QUERY_LENGTH]
