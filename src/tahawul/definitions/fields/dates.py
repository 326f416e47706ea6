"""The date field type, with limits that may be relative to today (``today-18y``)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

from tahawul.core.digits import ascii_digits
from tahawul.definitions.fields.base import AnswerError, Clock, FieldBase, register, setting_error

_BOUND = re.compile(r"^(?:(?P<iso>\d{4}-\d{2}-\d{2})|today(?:(?P<sign>[+-])(?P<count>\d{1,3})(?P<unit>[dmy]))?)$")


def _check_bound(text: str) -> str:
    match = _BOUND.match(text)
    if match is None:
        raise setting_error(
            _("write a date as YYYY-MM-DD, today, or today plus or minus days, months or years (today-18y)")
        )
    if match.group("iso"):
        try:
            date.fromisoformat(match.group("iso"))
        except ValueError:
            raise setting_error(_("not a real date")) from None
    return text


DateBound = Annotated[str, AfterValidator(_check_bound)]
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def resolve_bound(bound: str, today: date) -> date:
    """``"today-18y"`` on 2026-02-28 → 2008-02-28; month ends are clamped (31 Jan + 1m → 28 Feb)."""
    match = _BOUND.match(bound)
    assert match is not None  # checked when the definition was validated
    if match.group("iso"):
        return date.fromisoformat(match.group("iso"))
    if not match.group("sign"):
        return today
    count = int(match.group("count")) * (1 if match.group("sign") == "+" else -1)
    unit = match.group("unit")
    if unit == "d":
        return date.fromordinal(today.toordinal() + count)
    months = count * (12 if unit == "y" else 1)
    year, month_index = divmod(today.year * 12 + today.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@register
class DateField(FieldBase):
    type: Literal["date"]
    min: DateBound | None = None
    max: DateBound | None = None

    def clean(self, raw: object, clock: Clock) -> str:
        if isinstance(raw, date) and not isinstance(raw, datetime):
            value = raw
        else:
            text = ascii_digits(raw).strip() if isinstance(raw, str) else ""
            if not _ISO_DATE.match(text):
                raise AnswerError(_("Enter a date like 2026-03-31."))
            try:
                value = date.fromisoformat(text)
            except ValueError:
                raise AnswerError(_("Enter a real date like 2026-03-31.")) from None
        if self.min is not None and value < (earliest := resolve_bound(self.min, clock.today)):
            raise AnswerError(_("Enter a date on or after %(date)s."), date=earliest.isoformat())
        if self.max is not None and value > (latest := resolve_bound(self.max, clock.today)):
            raise AnswerError(_("Enter a date on or before %(date)s."), date=latest.isoformat())
        return value.isoformat()
