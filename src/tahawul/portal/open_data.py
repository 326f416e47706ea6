"""The service KPIs as open data: one row per service × channel × month with any activity, every
ratio beside the counts it was divided from, in CSV and JSON (docs/open-data.md documents every
column and the privacy rule).

Only aggregates are read (``tahawul.performance.selectors``), never an application or a person.
A cell with fewer than ``MIN_TRANSACTIONS_PUBLISHED`` transactions completed in Tahawul has its
figures about people's experience withheld: satisfaction, processing times, SLA compliance and
complaints. When a service's month has exactly one such cell, the next smallest of its cells is
withheld too, so that no withheld figure can be worked back from the service's monthly figures on
its public performance page.

The rows are produced month by month while the response is being sent, so a long range starts
downloading at once and never holds the whole file in memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tahawul.applications.models import ServiceMonth
from tahawul.catalog.models import Service
from tahawul.core.digits import ascii_digits
from tahawul.core.text import bilingual
from tahawul.feedback.models import SatisfactionDay
from tahawul.performance import selectors as performance
from tahawul.performance.models import CostChannel, OfflineVolume
from tahawul.performance.selectors import ServiceKpis
from tahawul.performance.spans import MonthSpan, add_months
from tahawul.portal.performance_presenters import (
    MIN_TRANSACTIONS_PUBLISHED,
    percentage,
    rounded,
    satisfaction_of,
)

DEFAULT_MONTHS = 24
MAX_MONTHS = 120
CHANNELS: tuple[str, ...] = tuple(CostChannel.values)  # Tahawul's channels and the post
DIGITAL_CHANNELS = frozenset({"web", "mobile", "kiosk", "open311"})
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
BYTE_ORDER_MARK = "\ufeff"

Value = str | int | bool | Decimal | None

# The columns, in order, with what each holds (also in docs/open-data.md).
FIELDS: tuple[tuple[str, Promise], ...] = (
    ("month", gettext_lazy("The month, YYYY-MM (local time, Asia/Bahrain).")),
    ("service_code", gettext_lazy("The service's code in the catalogue.")),
    ("service_name_ar", gettext_lazy("The service's name in Arabic.")),
    ("service_name_en", gettext_lazy("The service's name in English.")),
    ("entity_code", gettext_lazy("The code of the government entity that provides the service.")),
    ("entity_name_ar", gettext_lazy("The entity's name in Arabic.")),
    ("entity_name_en", gettext_lazy("The entity's name in English.")),
    ("channel", gettext_lazy("web, mobile, kiosk, open311, counter, call_centre or post.")),
    ("started", gettext_lazy("Applications started in the month on this channel (each draft once).")),
    ("submitted", gettext_lazy("Of the applications started in the month, those submitted.")),
    ("completion_rate_percent", gettext_lazy("submitted / started, in percent, one decimal.")),
    ("completed_in_tahawul", gettext_lazy("Transactions that reached a decision in Tahawul in the month.")),
    ("completed_outside_tahawul", gettext_lazy("Transactions completed outside Tahawul (paper, older systems).")),
    ("transactions", gettext_lazy("completed_in_tahawul + completed_outside_tahawul.")),
    ("digital_take_up_percent", gettext_lazy("completed_in_tahawul / transactions, in percent, one decimal.")),
    ("satisfaction_responses", gettext_lazy("Ratings counted in the satisfaction index.")),
    ("satisfaction_reliability", gettext_lazy("too_few (no share published), indicative, or rankable.")),
    ("satisfied_percent", gettext_lazy("Share of ratings satisfied, in percent; empty when withheld.")),
    ("dissatisfied_percent", gettext_lazy("Share of ratings dissatisfied, in percent; empty when withheld.")),
    ("satisfied_ci95_low_percent", gettext_lazy("Lower end of the interval of satisfied_percent (95%).")),
    ("satisfied_ci95_high_percent", gettext_lazy("Upper end of the interval of satisfied_percent (95%).")),
    (
        "cost_per_transaction_fils",
        gettext_lazy(
            "The entity's staff and running costs of the channel over the 12 months to this month, divided by "
            "the transactions completed on it in those months, in fils (1 BHD = 1,000 fils)."
        ),
    ),
    ("median_processing_working_days", gettext_lazy("Median working days from submission to decision.")),
    ("p90_processing_working_days", gettext_lazy("90th percentile of those working days.")),
    ("within_sla", gettext_lazy("Of completed_in_tahawul, those never past a step's time limit.")),
    ("sla_compliance_percent", gettext_lazy("within_sla / completed_in_tahawul, in percent, one decimal.")),
    ("complaints", gettext_lazy("Complaints about the service filed in the month on this channel.")),
    ("complaints_per_1000", gettext_lazy("complaints × 1000 / transactions, one decimal.")),
    ("withheld", gettext_lazy("true when the figures about people's experience are withheld (see the privacy rule).")),
)
FIELD_NAMES = tuple(name for name, _description in FIELDS)


class InvalidRange(ValueError):
    """A ``from`` or ``to`` that cannot be read, or a range that cannot be served."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _month(text: str, name: str) -> date:
    match = _MONTH.match(ascii_digits(text.strip()))
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise InvalidRange(
            _("%(name)s must be a month written YYYY-MM, like 2026-01; got “%(value)s”.")
            % {"name": name, "value": text}
        )
    return date(int(match[1]), int(match[2]), 1)


def parse_range(query: Mapping[str, str], *, today: date) -> MonthSpan:
    """The months ``?from=YYYY-MM&to=YYYY-MM`` ask for; by default the 24 whole months before
    ``today``'s. Raises InvalidRange with a message for people."""
    this_month = today.replace(day=1)
    last = _month(query["to"], "to") if query.get("to") else add_months(this_month, -1)
    first = _month(query["from"], "from") if query.get("from") else add_months(last, -(DEFAULT_MONTHS - 1))
    if first > last:
        raise InvalidRange(_("from must not be after to."))
    if last > this_month:
        raise InvalidRange(
            _("There are no figures after %(month)s yet: give a to of %(month)s or earlier.")
            % {"month": f"{this_month:%Y-%m}"}
        )
    span = MonthSpan(first, last)
    if len(span) > MAX_MONTHS:
        raise InvalidRange(
            _("A download covers at most %(months)s months: ask for a shorter range, or for several.")
            % {"months": MAX_MONTHS}
        )
    return span


@dataclass(frozen=True)
class _ServiceNames:
    name_ar: str
    name_en: str
    entity_code: str
    entity_name_ar: str
    entity_name_en: str


def _services() -> dict[str, _ServiceNames]:
    return {
        code: _ServiceNames(name_ar, name_en, entity_code, entity_ar, entity_en)
        for code, name_ar, name_en, entity_code, entity_ar, entity_en in Service.objects.values_list(
            "code", "name_ar", "name_en", "entity__code", "entity__name_ar", "entity__name_en"
        )
    }


def _is_empty(found: ServiceKpis) -> bool:
    return not (found.completed or found.complaints or found.satisfaction is not None)


def _is_small(found: ServiceKpis) -> bool:
    # A cell done only on paper has nothing about people to withhold: no processing times, no
    # complaint, no rating; withholding it would only hide that it is empty.
    return not _is_empty(found) and found.completed < MIN_TRANSACTIONS_PUBLISHED


def _withheld(cells: dict[str, ServiceKpis]) -> set[str]:
    """The channels of one service's month whose experience figures are withheld."""
    small = {channel for channel, found in cells.items() if _is_small(found)}
    others = sorted(
        (found.completed, channel) for channel, found in cells.items() if channel not in small and not _is_empty(found)
    )
    if len(small) == 1 and others:
        # One withheld cell could be worked out from the service's month minus the others.
        small.add(others[0][1])
    return small


def _row(month: date, code: str, channel: str, found: ServiceKpis, names: _ServiceNames, withheld: bool) -> list[Value]:
    satisfaction = satisfaction_of(found.satisfaction)
    shares_shown = satisfaction.shown and not withheld
    return [
        f"{month:%Y-%m}",
        code,
        names.name_ar,
        names.name_en,
        names.entity_code,
        names.entity_name_ar,
        names.entity_name_en,
        channel,
        found.started,
        found.submitted,
        percentage(found.completion_rate),
        found.completed,
        found.offline,
        found.transactions,
        percentage(found.digital_take_up),
        satisfaction.n,
        satisfaction.reliability.value,
        satisfaction.satisfied if shares_shown else None,
        satisfaction.dissatisfied if shares_shown else None,
        satisfaction.low if shares_shown else None,
        satisfaction.high if shares_shown else None,
        found.cost_per_transaction_fils,
        None if withheld or found.median_days is None else rounded(found.median_days),
        None if withheld else found.p90_days,
        None if withheld else found.within_sla,
        None if withheld else percentage(found.sla_compliance),
        None if withheld else found.complaints,
        None if withheld or found.complaints_per_1000 is None else rounded(found.complaints_per_1000),
        withheld,
    ]


def _channels_in(month: date) -> list[str]:
    """The channels with any count in ``month``, in the order of CHANNELS. Each KPI read of one
    channel reads the twelve months before it too, so skipping empty channels saves whole reads."""
    found = set(ServiceMonth.objects.filter(month=month).values_list("channel", flat=True).distinct())
    found |= set(OfflineVolume.objects.filter(month=month).values_list("channel", flat=True).distinct())
    last_day = MonthSpan(month, month).last_day
    found |= set(
        SatisfactionDay.objects.filter(day__gte=month, day__lte=last_day).values_list("channel", flat=True).distinct()
    )
    return [channel for channel in CHANNELS if channel in found]


def rows(span: MonthSpan) -> Iterator[list[Value]]:
    """Every service × channel cell of every month of ``span`` with anything to count, month by
    month (oldest first), then by service code and channel."""
    names = _services()
    for month in span:
        by_service: dict[str, dict[str, ServiceKpis]] = defaultdict(dict)
        for channel in _channels_in(month):
            for found in performance.kpis_by(group_by="service", span=MonthSpan(month, month), channels=[channel]):
                by_service[found.key][channel] = found.kpis
        for code in sorted(by_service):
            if code not in names:
                continue
            cells = by_service[code]
            withheld = _withheld(cells)
            for channel in CHANNELS:
                if channel in cells:
                    yield _row(month, code, channel, cells[channel], names[code], channel in withheld)


# --- formats ----------------------------------------------------------------------------------


class _Line:
    def write(self, value: str) -> str:
        return value


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_lines(span: MonthSpan) -> Iterator[str]:
    """The CSV file, a line at a time; a byte order mark first so that Excel reads the Arabic."""
    writer = csv.writer(_Line())
    yield BYTE_ORDER_MARK + writer.writerow(FIELD_NAMES)
    for row in rows(span):
        yield writer.writerow([_csv_value(value) for value in row])


def _json_value(value: Value) -> Any:
    # A Decimal of one decimal place is exact as a JSON number; the figures are never NaN.
    return float(value) if isinstance(value, Decimal) else value


def json_chunks(span: MonthSpan) -> Iterator[str]:
    """The JSON document: what it holds and its columns first, then the rows as they are read."""
    head = {
        "title": bilingual(gettext_lazy("Government service KPIs by service, channel and month")).model_dump(),
        "from": f"{span.first:%Y-%m}",
        "to": f"{span.last:%Y-%m}",
        "min_transactions_published": MIN_TRANSACTIONS_PUBLISHED,
        "documentation": "docs/open-data.md",
        "fields": [{"name": name, "description": bilingual(text).model_dump()} for name, text in FIELDS],
    }
    opening = json.dumps(head, ensure_ascii=False)
    yield opening[:-1] + ', "rows": ['
    separator = ""
    for row in rows(span):
        record = {name: _json_value(value) for name, value in zip(FIELD_NAMES, row, strict=True)}
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ", "
    yield "]}"
