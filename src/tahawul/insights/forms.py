"""The dashboard's filters, read from the query string so that a filtered view can be bookmarked
and shared. Bad values become form errors shown beside their field, never exceptions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.core.choices import Channel
from tahawul.core.digits import ascii_digits
from tahawul.feedback.errors import InvalidFeedback
from tahawul.feedback.periods import Period, parse_period
from tahawul.feedback.satisfaction import GroupBy
from tahawul.insights.selectors import ServiceChoice

SECTIONS = ("headline", "groups", "trend", "worst", "themes", "cases")


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class SatisfactionFilterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("A month (2026-11), a quarter (2026-Q3), a year (2026) or the last days (90d)."),
    )
    group_by = forms.ChoiceField(label=_("Show satisfaction by"))
    service = forms.ChoiceField(label=_("Service"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, data: Any, *, services: list[ServiceChoice], several_entities: bool, today: date) -> None:
        # Missing fields take the defaults, so a first visit shows this month without a click;
        # someone who sees several entities starts from the comparison between them.
        grouping = GroupBy.ENTITY if several_entities else GroupBy.SERVICE
        defaults = {"period": f"{today:%Y-%m}", "group_by": grouping.value, "service": "", "channel": ""}
        super().__init__({**defaults, **{key: value for key, value in data.items() if key in defaults}})
        self._today = today
        self._services = {item.code: item for item in services}
        groupings = [(GroupBy.SERVICE.value, _("Service")), (GroupBy.CHANNEL.value, _("Channel"))]
        if several_entities:
            groupings.append((GroupBy.ENTITY.value, _("Entity")))
        _choice_field(self, "group_by").choices = groupings
        _choice_field(self, "service").choices = [("", _("All services"))] + [
            (item.code, item.label) for item in services
        ]
        _choice_field(self, "channel").choices = [("", _("All channels")), *Channel.choices]

    def clean_period(self) -> Period:
        text = ascii_digits(self.cleaned_data["period"])
        try:
            return parse_period(text, today=self._today)
        except InvalidFeedback as error:
            raise forms.ValidationError(str(error.errors["period"])) from None

    def clean_service(self) -> ServiceChoice | None:
        code = self.cleaned_data["service"]
        return self._services[code] if code else None
