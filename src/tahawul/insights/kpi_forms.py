"""The KPI dashboard's filters: the satisfaction dashboard's, read the same way, with the two
differences KPIs need. The KPIs are counted per month, so a period is a month, a quarter or a
year (not "the last 90 days", which would cut months in two); and the channel list holds the
post too, where transactions are still handled on paper."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tahawul.feedback.periods import Period
from tahawul.insights.forms import SatisfactionFilterForm
from tahawul.insights.selectors import ServiceChoice
from tahawul.performance.models import CostChannel

KPI_SECTIONS = ("headline", "groups", "trend")


class KpiFilterForm(SatisfactionFilterForm):
    def __init__(self, data: Any, *, services: list[ServiceChoice], several_entities: bool, today: date) -> None:
        super().__init__(data, services=services, several_entities=several_entities, today=today)
        self.fields["period"].help_text = _("A month (2026-11), a quarter (2026-Q3) or a year (2026).")
        self.fields["group_by"].label = _("Show the KPIs by")
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = [("", _("All channels")), *CostChannel.choices]

    def clean_period(self) -> Period:
        period = super().clean_period()
        if period.start.day != 1 or period.name.endswith("d"):
            raise forms.ValidationError(
                _("The KPIs are counted per month: give a month (2026-11), a quarter (2026-Q3) or a year (2026).")
            )
        return period
