"""Parsing what an entity admin and the authority send about plans: the period, an item, a
milestone, a decision. Bad values become form errors on the page; the plan rules themselves
(stage order, dates within the plan, reasons after approval) are the actions' and come back as
errors attached to the field they name."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tahawul.backoffice.forms import RevisionForm
from tahawul.core.choices import Channel
from tahawul.core.digits import ascii_digits
from tahawul.core.money import InvalidAmount, format_dinars, parse_dinars
from tahawul.core.text import LocalizedText
from tahawul.identity.models import User
from tahawul.plans.baselines import Baseline
from tahawul.plans.models import MilestoneStatus, PlanItem, Stage

NEW_SERVICE = "__new__"


class DigitsIntegerField(forms.IntegerField):
    """Accepts Arabic-Indic digits too: a keyboard set to Arabic types them."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(ascii_digits(value) if isinstance(value, str) else value)


class IsoDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]  # noqa: RUF012 - what <input type="date"> sends, whatever the language

    def to_python(self, value: Any) -> date | None:
        return super().to_python(ascii_digits(value) if isinstance(value, str) else value)


class DinarsField(forms.CharField):
    """An amount in dinars (``5.000``), held as fils; empty for a free service."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = ascii_digits(str(value or "")).replace("٫", ".").replace(" ", "").strip()
        if not text:
            return None
        try:
            return parse_dinars(text)
        except InvalidAmount:
            raise forms.ValidationError(_("Enter an amount in dinars, like 5.000.")) from None


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Why this changes"),
        help_text=_("The plan is approved: the authority sees every change with its reason."),
        required=False,
        widget=forms.Textarea,
    )


class NewPlanForm(forms.Form):
    first_year = DigitsIntegerField(label=_("First year"), min_value=2000, max_value=2100)
    last_year = DigitsIntegerField(label=_("Last year"), min_value=2000, max_value=2100)


class SubmitPlanForm(RevisionForm):
    pass


class DecisionForm(RevisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return for changes"))]
    )
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Needed when you return the plan: say what the entity must change."),
        required=False,
        widget=forms.Textarea,
    )


class ItemForm(RevisionForm):
    """An item: which service, where it stands (baseline) and where it must get to (target)."""

    service = forms.ChoiceField(label=_("Service"))
    new_name_ar = forms.CharField(label=_("New service's name in Arabic"), required=False, max_length=300)
    new_name_en = forms.CharField(label=_("New service's name in English"), required=False, max_length=300)
    baseline_stage = forms.ChoiceField(label=_("Stage now"), choices=Stage.choices)
    baseline_channels = forms.MultipleChoiceField(label=_("Channels now"), choices=Channel.choices, required=False)
    baseline_steps = DigitsIntegerField(label=_("Steps now"), min_value=0, max_value=500, initial=0)
    baseline_documents = DigitsIntegerField(label=_("Documents asked now"), min_value=0, max_value=500, initial=0)
    baseline_visits = DigitsIntegerField(label=_("Visits in person now"), min_value=0, max_value=100, initial=0)
    baseline_days = DigitsIntegerField(label=_("Working days now"), min_value=0, max_value=3650, required=False)
    baseline_fee = DinarsField(label=_("Fee now (BHD)"), required=False, help_text=_("Leave empty if it is free."))
    target_stage = forms.ChoiceField(label=_("Target stage"), choices=Stage.choices)
    target_channels = forms.MultipleChoiceField(label=_("Target channels"), choices=Channel.choices, required=False)
    target_date = IsoDateField(label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = _reason_field()

    def __init__(self, data: Any = None, *, services: list[tuple[str, str]], initial: dict[str, Any]) -> None:
        super().__init__(data, initial=initial)
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*services, (NEW_SERVICE, _("A new service, not yet defined"))]

    def new_name(self) -> LocalizedText | None:
        if self.cleaned_data["service"] != NEW_SERVICE:
            return None
        return LocalizedText(ar=self.cleaned_data["new_name_ar"], en=self.cleaned_data["new_name_en"])

    def service_code(self) -> str:
        code: str = self.cleaned_data["service"]
        return "" if code == NEW_SERVICE else code

    def baseline(self) -> Baseline:
        data = self.cleaned_data
        return Baseline(
            stage=data["baseline_stage"],
            channels=list(data["baseline_channels"]),
            steps=data["baseline_steps"],
            documents=data["baseline_documents"],
            visits=data["baseline_visits"],
            days=data["baseline_days"],
            fee_fils=data["baseline_fee"],
        )


def item_initial(item: PlanItem) -> dict[str, Any]:
    """The form's values for an item as it stands."""
    return {
        "service": item.service.code if item.service is not None else NEW_SERVICE,
        "new_name_ar": item.new_name_ar,
        "new_name_en": item.new_name_en,
        **baseline_initial(
            Baseline(
                stage=item.baseline_stage,
                channels=list(item.baseline_channels),
                steps=item.baseline_steps,
                documents=item.baseline_documents,
                visits=item.baseline_visits,
                days=item.baseline_days,
                fee_fils=item.baseline_fee_fils,
            )
        ),
        "target_stage": item.target_stage,
        "target_channels": list(item.target_channels),
        "target_date": item.target_date.isoformat(),
    }


def baseline_initial(baseline: Baseline) -> dict[str, Any]:
    return {
        "baseline_stage": baseline.stage,
        "baseline_channels": list(baseline.channels),
        "baseline_steps": baseline.steps,
        "baseline_documents": baseline.documents,
        "baseline_visits": baseline.visits,
        "baseline_days": baseline.days,
        "baseline_fee": format_dinars(baseline.fee_fils) if baseline.fee_fils is not None else "",
    }


def typed_values(data: QueryDict) -> dict[str, Any]:
    """What the person typed, as initial values for a redrawn form (lists kept as lists)."""
    return {key: data.getlist(key) if key.endswith("_channels") else data.get(key) for key in data}


class MilestoneForm(RevisionForm):
    due_on = IsoDateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)
    done_on = IsoDateField(
        label=_("Done on"),
        required=False,
        help_text=_("Needed when the status is done."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        help_text=_("What shows it is done: a note or a link."),
        widget=forms.Textarea,
    )
    reason = _reason_field()

    def __init__(self, data: Any = None, *, staff: list[User], initial: dict[str, Any]) -> None:
        super().__init__(data, initial=initial)
        self.staff = {str(person.pk): person for person in staff}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No one yet")), *((key, str(person)) for key, person in self.staff.items())]

    def chosen_owner(self) -> User | None:
        return self.staff.get(self.cleaned_data["owner"] or "")


class RemoveItemForm(RevisionForm):
    reason = _reason_field()
