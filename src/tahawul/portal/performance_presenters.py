"""What the public performance pages and the open data show, worked out from
``tahawul.performance.selectors``: shares as percentages rounded once (half up, one decimal: the
rounding of the staff dashboards, so the public and the staff read the same numbers), the
satisfaction index's small-sample rules (docs/satisfaction-index.md) and, for the open data, the
small-cell rule that keeps one person's experience out of the published figures
(docs/open-data.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tahawul.core.money import fils_to_decimal
from tahawul.feedback.index import Reliability, RolledUp
from tahawul.performance.selectors import KpiRow, ServiceKpis
from tahawul.performance.spans import MonthSpan, add_months

ONE_DECIMAL = Decimal("0.1")
PUBLIC_MONTHS = 12
# Below this many transactions completed in Tahawul, a cell's figures about what happened to
# people (satisfaction, processing times, SLA, complaints) are withheld from the open data.
MIN_TRANSACTIONS_PUBLISHED = 10


def rounded(value: float) -> Decimal:
    """``value`` to one decimal, half up; through the float's repr rounded to nine places first,
    so a share like 0.7245 (stored as 72.44999...) does not round down."""
    return Decimal(repr(round(value, 9))).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percentage(share: float | None) -> Decimal | None:
    return rounded(share * 100) if share is not None else None


def format_number(value: int | Decimal) -> str:
    return number_format(value, decimal_pos=1 if isinstance(value, Decimal) else None, force_grouping=True)


def format_percent(value: Decimal) -> str:
    return _("%(value)s%%") % {"value": format_number(value)}


def public_span(today: date) -> MonthSpan:
    """The twelve whole months before ``today``'s: a month still running is not published."""
    return MonthSpan.ending(add_months(today.replace(day=1), -1), PUBLIC_MONTHS)


@dataclass(frozen=True)
class Satisfaction:
    """The satisfaction index as the public sees it: no share below 30 responses (30 once
    weighted by transactions), "indicative" from 30 to 99."""

    n: int
    reliability: Reliability
    satisfied: Decimal | None
    dissatisfied: Decimal | None
    low: Decimal | None
    high: Decimal | None
    effective_n: int | None  # when weighting leaves fewer responses' worth than n

    @property
    def shown(self) -> bool:
        return self.reliability is not Reliability.TOO_FEW

    @property
    def indicative(self) -> bool:
        return self.reliability is Reliability.INDICATIVE

    @property
    def too_few_text(self) -> str:
        if not self.n:
            return _("no responses")
        if self.effective_n is not None:
            return _("not enough responses (n = %(n)s, worth %(effective)s once weighted by transactions)") % {
                "n": format_number(self.n),
                "effective": format_number(self.effective_n),
            }
        return _("not enough responses (n = %(n)s)") % {"n": format_number(self.n)}


NO_RESPONSES = Satisfaction(0, Reliability.TOO_FEW, None, None, None, None, None)


def satisfaction_of(index: RolledUp | None) -> Satisfaction:
    if index is None:
        return NO_RESPONSES
    shown = index.reliability is not Reliability.TOO_FEW
    effective = round(index.effective_n)
    return Satisfaction(
        n=index.n,
        reliability=index.reliability,
        satisfied=percentage(index.satisfied) if shown else None,
        dissatisfied=percentage(index.dissatisfied) if shown else None,
        low=percentage(index.interval[0]) if shown else None,
        high=percentage(index.interval[1]) if shown else None,
        effective_n=effective if effective < index.n else None,
    )


@dataclass(frozen=True)
class PublicKpis:
    transactions: int
    digital: int
    offline: int
    digital_take_up: Decimal | None
    started: int
    submitted: int
    completion_rate: Decimal | None
    satisfaction: Satisfaction
    cost_per_transaction_fils: int | None

    @property
    def cost_per_transaction(self) -> Decimal | None:
        if self.cost_per_transaction_fils is None:
            return None
        return fils_to_decimal(self.cost_per_transaction_fils).quantize(Decimal("0.001"))


def public_kpis(found: ServiceKpis) -> PublicKpis:
    return PublicKpis(
        transactions=found.transactions,
        digital=found.digital,
        offline=found.offline,
        digital_take_up=percentage(found.digital_take_up),
        started=found.started,
        submitted=found.submitted,
        completion_rate=percentage(found.completion_rate),
        satisfaction=satisfaction_of(found.satisfaction),
        cost_per_transaction_fils=found.cost_per_transaction_fils,
    )


@dataclass(frozen=True)
class MonthRow:
    month: str  # 2026-11
    label: str  # November 2026, in the active language
    kpis: PublicKpis


def month_rows(rows: list[KpiRow]) -> list[MonthRow]:
    found = []
    for row in rows:
        year, month = (int(part) for part in row.key.split("-"))
        label = date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
        found.append(MonthRow(month=row.key, label=label, kpis=public_kpis(row.kpis)))
    return found
