"""Forms of the entity admin's performance figures: channel costs per quarter (amounts typed in
dinars, kept in fils) and transactions done outside Tahawul per month."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tahawul.core.digits import ascii_digits
from tahawul.core.money import InvalidAmount, format_dinars, parse_dinars
from tahawul.performance.actions import MAX_VOLUME, Cost
from tahawul.performance.entries import CostLine, VolumeLine
from tahawul.performance.models import OfflineChannel
from tahawul.performance.spans import add_months, quarter_of

QUARTERS_OFFERED = 12
MONTHS_OFFERED = 24
_TOO_MANY_DECIMALS = re.compile(r"^\d*\.\d{4,}$")


class DinarField(forms.CharField):
    """An amount in Bahraini dinars with up to three decimals (fils), read as integer fils.
    Arabic-Indic digits and the Arabic decimal separator are accepted."""

    default_error_messages = {  # noqa: RUF012 (Django's own pattern)
        "invalid": _("Give an amount in dinars, such as 1250.500."),
        "negative": _("A cost cannot be negative."),
        "decimals": _("Give at most three decimals: 1 BHD is 1,000 fils."),
    }

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        text = ascii_digits(text).replace("٫", ".").replace(" ", "")
        if text.startswith(("-", "−")):
            raise ValidationError(self.error_messages["negative"], code="negative")
        if _TOO_MANY_DECIMALS.match(text):
            raise ValidationError(self.error_messages["decimals"], code="decimals")
        try:
            return parse_dinars(text)
        except InvalidAmount:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def quarter_name(quarter: date) -> str:
    """The quarter as written in addresses and files: ``2026-Q3``."""
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def quarter_label(quarter: date) -> str:
    """The quarter as people read it, in the active language."""
    return str(_("Quarter %(number)s of %(year)s") % {"number": (quarter.month - 1) // 3 + 1, "year": quarter.year})


def parse_quarter(text: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-Q([1-4])", text.strip().upper())
    return date(int(match[1]), 3 * int(match[2]) - 2, 1) if match else None


def parse_month(text: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


class QuarterPicker(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        current = quarter_of(today)
        self.fields["quarter"].choices = [  # type: ignore[attr-defined]
            (quarter_name(quarter), quarter_label(quarter))
            for quarter in (add_months(current, -3 * step) for step in range(QUARTERS_OFFERED))
        ]
        self.fields["quarter"].initial = quarter_name(current)
        self.current = current

    def chosen(self) -> date:
        if self.is_bound and self.is_valid():
            return parse_quarter(self.cleaned_data["quarter"]) or self.current
        return self.current


class MonthPicker(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        current = today.replace(day=1)
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (f"{month:%Y-%m}", date_format(month, "F Y"))
            for month in (add_months(current, -step) for step in range(MONTHS_OFFERED))
        ]
        self.fields["month"].initial = f"{current:%Y-%m}"
        self.current = current

    def chosen(self) -> date:
        if self.is_bound and self.is_valid():
            return parse_month(self.cleaned_data["month"]) or self.current
        return self.current


def shown_dinars(fils: int | None) -> str | None:
    """``12500`` → "12.500 BHD"; None stays None (the template shows a dash read as "not known")."""
    if fils is None:
        return None
    return str(_("%(amount)s BHD") % {"amount": format_dinars(fils)})


@dataclass(frozen=True)
class CostRow:
    line: CostLine
    label: str
    staff: forms.BoundField
    running: forms.BoundField
    quarter_total: str | None
    quarter_rate: str | None
    rolling_rate: str | None


_KEEP_ENTERED = _("This is already entered: change it, or give 0.")


class ChannelCostsForm(forms.Form):
    """A staff and a running cost per channel. Leave both empty for a channel the entity does not run."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    quarter = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, quarter: date, lines: list[CostLine], seen: str) -> None:
        super().__init__(data, initial={"seen": seen, "quarter": quarter_name(quarter)})
        self.lines = lines
        for line in lines:
            for part, value, label in (
                ("staff", line.staff_fils, _("%(channel)s: staff cost (BHD)")),
                ("running", line.running_fils, _("%(channel)s: running cost (BHD)")),
            ):
                self.fields[f"{line.channel}-{part}"] = DinarField(
                    label=label % {"channel": line.label.in_language()},
                    required=False,
                    initial=None if value is None else format_dinars(value),
                )

    def rows(self) -> list[CostRow]:
        return [
            CostRow(
                line=line,
                label=line.label.in_language(),
                staff=self[f"{line.channel}-staff"],
                running=self[f"{line.channel}-running"],
                quarter_total=shown_dinars(line.total_fils),
                quarter_rate=shown_dinars(line.quarter_cost_per_transaction_fils),
                rolling_rate=shown_dinars(line.rolling_cost_per_transaction_fils),
            )
            for line in self.lines
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        costs: dict[str, Cost] = {}
        for line in self.lines:
            staff, running = cleaned.get(f"{line.channel}-staff"), cleaned.get(f"{line.channel}-running")
            names = (f"{line.channel}-staff", f"{line.channel}-running")
            if any(name in self.errors for name in names):
                continue
            if staff is None and running is None:
                if line.staff_fils is not None:
                    self.add_error(names[0], _KEEP_ENTERED)
                continue
            if staff is None or running is None:
                self.add_error(names[0] if staff is None else names[1], _("Give both costs, 0 if there is none."))
                continue
            if (staff, running) != (line.staff_fils, line.running_fils):
                costs[line.channel] = Cost(staff, running)
        cleaned["costs"] = costs
        return cleaned


class OfflineVolumesForm(forms.Form):
    """How many transactions of each service were completed outside Tahawul, per offline channel."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    month = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, month: date, lines: list[VolumeLine], seen: str) -> None:
        super().__init__(data, initial={"seen": seen, "month": f"{month:%Y-%m}"})
        self.lines = lines
        self.channels = list(OfflineChannel)
        for line in lines:
            for channel in self.channels:
                value = line.offline[channel.value]
                self.fields[f"{line.service_id}-{channel.value}"] = forms.IntegerField(
                    label=_("%(service)s: %(channel)s")
                    % {"service": line.name.in_language(), "channel": channel.label},
                    required=False,
                    min_value=0,
                    max_value=MAX_VOLUME,
                    initial=value,
                    error_messages={
                        "invalid": _("Give a whole number of transactions, 0 or more."),
                        "min_value": _("Give a whole number of transactions, 0 or more."),
                        "max_value": _("That number is too large. Check the number of digits."),
                    },
                )

    def rows(self) -> list[tuple[VolumeLine, list[tuple[forms.BoundField, OfflineChannel]]]]:
        return [
            (line, [(self[f"{line.service_id}-{channel.value}"], channel) for channel in self.channels])
            for line in self.lines
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        volumes: dict[tuple[int, str], int] = {}
        for line in self.lines:
            for channel in self.channels:
                name = f"{line.service_id}-{channel.value}"
                value = cleaned.get(name)
                if name in self.errors:
                    continue
                if value is None:
                    if line.offline[channel.value] is not None:
                        self.add_error(name, _KEEP_ENTERED)
                    continue
                if value != line.offline[channel.value]:
                    volumes[(line.service_id, channel.value)] = value
        cleaned["volumes"] = volumes
        return cleaned


class OfflineImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of offline transactions"),
        help_text=_("Columns: month (2026-11), service (its code), channel (counter, call_centre or post), completed."),
        error_messages={"required": _("Choose a CSV file.")},
    )
