"""The satisfaction dashboard of one viewer for one set of filters: each section read once, when
first asked for, so a CSV download of one section reads only what that section needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils.translation import gettext as _

from tahawul.feedback import satisfaction
from tahawul.feedback.periods import Period
from tahawul.feedback.satisfaction import GroupBy, Scope
from tahawul.feedback.selectors import case_statistics
from tahawul.feedback.text.themes import themes
from tahawul.insights import charts, presenters
from tahawul.insights.charts import Spec
from tahawul.insights.presenters import CaseFigures, GroupRow, ThemeFigures, TrendRow, WorstRow
from tahawul.insights.selectors import local_day_bounds, theme_comments

TREND_MONTHS = 12
WORST_CELLS = 10


@dataclass(frozen=True)
class Filters:
    period: Period
    group_by: GroupBy
    service_id: int | None
    channel: str


class SatisfactionDashboard:
    def __init__(self, *, entity_ids: frozenset[int] | None, filters: Filters, today: date, rtl: bool) -> None:
        self.filters = filters
        self.period = filters.period
        self.previous = filters.period.previous()
        self.scope = Scope(entity_ids=entity_ids, service_id=filters.service_id, channel=filters.channel)
        self.today = today
        self.rtl = rtl

    @property
    def group_title(self) -> str:
        return {
            GroupBy.SERVICE: _("Service"),
            GroupBy.CHANNEL: _("Channel"),
            GroupBy.ENTITY: _("Entity"),
        }[self.filters.group_by]

    @property
    def groups_title(self) -> str:
        return {
            GroupBy.SERVICE: _("Satisfaction by service"),
            GroupBy.CHANNEL: _("Satisfaction by channel"),
            GroupBy.ENTITY: _("Satisfaction by entity"),
        }[self.filters.group_by]

    @property
    def groups_download_text(self) -> str:
        return {
            GroupBy.SERVICE: _("Download satisfaction by service (CSV)"),
            GroupBy.CHANNEL: _("Download satisfaction by channel (CSV)"),
            GroupBy.ENTITY: _("Download satisfaction by entity (CSV)"),
        }[self.filters.group_by]

    @property
    def previous_name(self) -> str:
        # A rolling window's previous period has no name people use: say its days instead.
        if self.previous.name.startswith("before-"):
            return _("the %(days)s days before") % {"days": presenters.format_number(self.previous.days)}
        return self.previous.name

    # --- sections --------------------------------------------------------------------------------

    @cached_property
    def headline(self) -> GroupRow:
        row = presenters.group_rows([satisfaction.overall(self.period, self.scope)], self.previous_name)[0]
        return GroupRow(key=row.key, label=_("All in this view"), figures=row.figures, ease=row.ease, change=row.change)

    @property
    def headline_rows(self) -> list[GroupRow]:
        return [self.headline]

    @cached_property
    def groups(self) -> list[GroupRow]:
        rows = satisfaction.satisfaction_by(self.filters.group_by, self.period, self.scope)
        return presenters.group_rows(rows, self.previous_name)

    @cached_property
    def trend(self) -> list[TrendRow]:
        # The twelve months up to the chosen period, not up to today, so an old period has its context.
        until = min(self.period.end, self.today)
        return presenters.trend_rows(satisfaction.monthly_trend(self.scope, months=TREND_MONTHS, today=until))

    @cached_property
    def worst(self) -> list[WorstRow]:
        return presenters.worst_rows(satisfaction.worst_cells(self.period, self.scope, limit=WORST_CELLS))

    @cached_property
    def themes(self) -> ThemeFigures:
        current = theme_comments(self.scope, self.period.start, self.period.end)
        previous = theme_comments(self.scope, self.previous.start, self.previous.end)
        return presenters.theme_figures(themes(current, previous))

    @cached_property
    def cases(self) -> CaseFigures:
        since, until = local_day_bounds(self.period.start, self.period.end)
        return presenters.case_figures(case_statistics(self.scope.entity_ids, since, until))

    # --- charts ----------------------------------------------------------------------------------

    def headline_chart(self) -> Spec | None:
        return charts.headline_chart(self.headline.figures, self.headline.label, self.rtl)

    def groups_chart(self) -> Spec | None:
        return charts.groups_chart(self.groups, self.rtl)

    @property
    def groups_chart_is_partial(self) -> bool:
        return len(self.groups) > charts.MAX_BARS

    @property
    def chart_rows(self) -> int:
        return charts.MAX_BARS

    def trend_chart(self) -> Spec | None:
        return charts.trend_chart(self.trend, self.rtl)

    def worst_chart(self) -> Spec | None:
        return charts.worst_chart(self.worst, self.rtl)

    def themes_chart(self) -> Spec | None:
        return charts.themes_chart(self.themes.frequent_topics, self.rtl)

    def cases_chart(self) -> Spec | None:
        return charts.cases_chart(self.cases, self.rtl)
