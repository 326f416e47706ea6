"""What the KPI dashboard shows, worked out from ``tahawul.performance.selectors``: shares as
percentages rounded once (half up, one decimal, as the satisfaction dashboard rounds them), cost
in dinars with its three decimals, each figure with the counts it was divided from.

The page, its charts and its CSV files all read these same values, so a number read off the table
is the number in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tahawul.core.money import fils_to_decimal
from tahawul.insights.presenters import Figures, figures_of, percentage, rounded
from tahawul.performance.selectors import KpiRow, ServiceKpis


def _percent_or_none(share: float | None) -> Decimal | None:
    return percentage(share) if share is not None else None


@dataclass(frozen=True)
class KpiFigures:
    """One scope's KPIs as displayed. A ratio is None when its denominator is zero."""

    transactions: int  # completed in Tahawul and outside it: the take-up denominator
    digital: int
    offline: int
    digital_take_up: Decimal | None
    started: int
    submitted: int
    completion_rate: Decimal | None
    satisfaction: Figures | None  # None: no response at all
    cost_per_transaction_fils: int | None
    cost_coverage: Decimal | None
    median_days: Decimal | None
    p90_days: int | None
    completed: int  # in Tahawul: the SLA denominator
    within_sla: int
    sla_compliance: Decimal | None
    complaints: int
    complaints_per_1000: Decimal | None

    @property
    def cost_per_transaction(self) -> Decimal | None:
        """In dinars, three decimals (the fils are exact)."""
        if self.cost_per_transaction_fils is None:
            return None
        return fils_to_decimal(self.cost_per_transaction_fils).quantize(Decimal("0.001"))

    @property
    def satisfied(self) -> Decimal | None:
        return self.satisfaction.satisfied if self.satisfaction is not None else None

    @property
    def satisfaction_text(self) -> str:
        """What stands in place of the satisfied share when it is not shown."""
        if self.satisfaction is None:
            return _("no responses")
        return self.satisfaction.too_few_text


def kpi_figures(found: ServiceKpis) -> KpiFigures:
    return KpiFigures(
        transactions=found.transactions,
        digital=found.digital,
        offline=found.offline,
        digital_take_up=_percent_or_none(found.digital_take_up),
        started=found.started,
        submitted=found.submitted,
        completion_rate=_percent_or_none(found.completion_rate),
        satisfaction=figures_of(found.satisfaction) if found.satisfaction is not None else None,
        cost_per_transaction_fils=found.cost_per_transaction_fils,
        cost_coverage=_percent_or_none(found.cost_coverage),
        median_days=rounded(found.median_days) if found.median_days is not None else None,
        p90_days=found.p90_days,
        completed=found.completed,
        within_sla=found.within_sla,
        sla_compliance=_percent_or_none(found.sla_compliance),
        complaints=found.complaints,
        complaints_per_1000=rounded(found.complaints_per_1000) if found.complaints_per_1000 is not None else None,
    )


@dataclass(frozen=True)
class KpiGroupRow:
    key: str  # a service code, a channel, an entity code, or YYYY-MM
    label: str
    figures: KpiFigures


def kpi_rows(rows: list[KpiRow]) -> list[KpiGroupRow]:
    return [KpiGroupRow(key=row.key, label=row.label.in_language(), figures=kpi_figures(row.kpis)) for row in rows]


def month_rows(rows: list[KpiRow]) -> list[KpiGroupRow]:
    """Month rows labelled in the active language's month format ("November 2026")."""
    found = []
    for row in rows:
        year, month = (int(part) for part in row.key.split("-"))
        label = date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
        found.append(KpiGroupRow(key=row.key, label=label, figures=kpi_figures(row.kpis)))
    return found
