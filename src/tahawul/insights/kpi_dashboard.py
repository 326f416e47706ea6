"""The KPI dashboard of one viewer for one set of filters: the four service KPIs (digital take-up,
completion rate, satisfaction, cost per transaction) with processing time, SLA compliance and
complaints beside them, read from ``tahawul.performance.selectors``. Each section is read once,
when first asked for, so a CSV download of one section reads only what that section needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from tahawul.feedback.periods import Period
from tahawul.insights import kpi_charts
from tahawul.insights.charts import MAX_BARS, RANKABLE_COLOUR, Spec
from tahawul.insights.kpi_charts import P90_COLOUR, TrendLine
from tahawul.insights.kpi_presenters import KpiFigures, KpiGroupRow, kpi_figures, kpi_rows, month_rows
from tahawul.performance import selectors as performance
from tahawul.performance.selectors import GroupBy
from tahawul.performance.spans import MonthSpan

TREND_MONTHS = 12


@dataclass(frozen=True)
class KpiFilters:
    period: Period
    group_by: GroupBy
    service_id: int | None
    channel: str


@dataclass(frozen=True)
class TrendChart:
    key: str  # names the chart's data element: chart-trend-<key>-data
    title: str
    spec: Spec | None


class KpiDashboard:
    def __init__(self, *, entity_ids: frozenset[int] | None, filters: KpiFilters, today: date, rtl: bool) -> None:
        self.entity_ids = entity_ids
        self.filters = filters
        self.period = filters.period
        self.span = MonthSpan.of_period(filters.period)
        self.today = today
        self.rtl = rtl
        self.service_ids = None if filters.service_id is None else [filters.service_id]
        self.channels = [filters.channel] if filters.channel else None

    @property
    def cost_window(self) -> MonthSpan:
        """The twelve months cost per transaction is read over: those ending with the period's last."""
        return self.span.rolling_window()

    @property
    def group_title(self) -> str:
        return {"service": _("Service"), "channel": _("Channel"), "entity": _("Entity"), "month": _("Month")}[
            self.filters.group_by
        ]

    @property
    def groups_title(self) -> str:
        return {
            "service": _("KPIs by service"),
            "channel": _("KPIs by channel"),
            "entity": _("KPIs by entity"),
            "month": _("KPIs by month"),
        }[self.filters.group_by]

    @property
    def groups_download_text(self) -> str:
        return {
            "service": _("Download the KPIs by service (CSV)"),
            "channel": _("Download the KPIs by channel (CSV)"),
            "entity": _("Download the KPIs by entity (CSV)"),
            "month": _("Download the KPIs by month (CSV)"),
        }[self.filters.group_by]

    # --- sections --------------------------------------------------------------------------------

    @cached_property
    def headline(self) -> KpiFigures:
        return kpi_figures(
            performance.kpis(
                span=self.span, entity_ids=self.entity_ids, service_ids=self.service_ids, channels=self.channels
            )
        )

    @property
    def headline_rows(self) -> list[KpiGroupRow]:
        return [KpiGroupRow(key="all", label=_("All in this view"), figures=self.headline)]

    @cached_property
    def groups(self) -> list[KpiGroupRow]:
        rows = performance.kpis_by(
            group_by=self.filters.group_by,
            span=self.span,
            entity_ids=self.entity_ids,
            service_ids=self.service_ids,
            channels=self.channels,
        )
        return kpi_rows(rows)

    @cached_property
    def trend_span(self) -> MonthSpan:
        # The twelve months up to the chosen period, not up to today, so an old period has its context.
        until = min(self.period.end, self.today)
        return MonthSpan.ending(until, TREND_MONTHS)

    @cached_property
    def trend(self) -> list[KpiGroupRow]:
        rows = performance.kpis_by(
            group_by="month",
            span=self.trend_span,
            entity_ids=self.entity_ids,
            service_ids=self.service_ids,
            channels=self.channels,
        )
        return month_rows(rows)

    # --- charts ----------------------------------------------------------------------------------

    def groups_chart(self) -> Spec | None:
        return kpi_charts.groups_chart(self.groups, self.rtl)

    @property
    def groups_chart_is_partial(self) -> bool:
        return len(self.groups) > MAX_BARS

    @property
    def chart_rows(self) -> int:
        return MAX_BARS

    def trend_charts(self) -> list[TrendChart]:
        """One chart per KPI, each over the months of the trend table."""
        months = [row.label for row in self.trend]

        def line(name: str, values: list[Decimal | int | None], colour: str = RANKABLE_COLOUR) -> TrendLine:
            return TrendLine(name=name, values=values, colour=colour)

        figures = [row.figures for row in self.trend]
        percent_title = ""  # the axis' ticks say "%"
        found = [
            (
                "take-up",
                _("Digital take-up"),
                [line(_("Digital take-up"), [item.digital_take_up for item in figures])],
                percent_title,
                True,
            ),
            (
                "completion",
                _("Completion rate"),
                [line(_("Completion rate"), [item.completion_rate for item in figures])],
                percent_title,
                True,
            ),
            (
                "satisfaction",
                _("Satisfaction"),
                [line(_("Satisfied"), [item.satisfied for item in figures])],
                percent_title,
                True,
            ),
            (
                "cost",
                _("Cost per transaction"),
                [line(_("Cost per transaction"), [item.cost_per_transaction for item in figures])],
                _("BHD"),
                False,
            ),
            (
                "processing",
                _("Processing time"),
                [
                    line(_("Median"), [item.median_days for item in figures]),
                    line(_("90th percentile"), [item.p90_days for item in figures], P90_COLOUR),
                ],
                _("Working days"),
                False,
            ),
            (
                "sla",
                _("SLA compliance"),
                [line(_("SLA compliance"), [item.sla_compliance for item in figures])],
                percent_title,
                True,
            ),
            (
                "complaints",
                _("Complaints per 1,000 transactions"),
                [line(_("Complaints per 1,000 transactions"), [item.complaints_per_1000 for item in figures])],
                _("Per 1,000"),
                False,
            ),
        ]
        return [
            TrendChart(
                key=key,
                title=title,
                spec=kpi_charts.trend_chart(months, lines, self.rtl, axis_title=axis, percent=percent),
            )
            for key, title, lines, axis, percent in found
        ]
