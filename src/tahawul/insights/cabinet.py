"""The cabinet report's figures: national progress of the transformation plans, each entity's
progress beside its KPIs, the late items, and the KPIs nationally and per channel, for one month
or one quarter.

Every figure is read through the same selectors as the dashboards (``tahawul.plans.selectors``
and ``tahawul.performance.selectors``), with the plans the national plan page counts
(``plan_dashboard.current_plans``) and the KPI dashboard's rounding (``kpi_presenters``, which
rounds with ``presenters.percentage``), so a number in the PDF is the number on the screen.
Plans are judged as they stand on the day the report is made (milestone statuses have no
history); the KPIs are those of the chosen month or quarter. Rendering is in ``cabinet_pdf``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tahawul.catalog.models import Entity
from tahawul.core.errors import DomainError
from tahawul.insights.kpi_presenters import KpiFigures, KpiGroupRow, kpi_figures, kpi_rows
from tahawul.insights.plan_dashboard import EntityRow as PlanRow
from tahawul.insights.plan_dashboard import LateRow, current_plans, entity_rows, overdue_rows
from tahawul.insights.presenters import percentage
from tahawul.performance.selectors import ServiceKpis, kpis, kpis_by
from tahawul.performance.spans import MonthSpan, add_months, quarter_of
from tahawul.plans.models import STAGE_ORDER, Plan, Stage
from tahawul.plans.selectors import PlanSummary, national_summary, stage_now_vs_target

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
# Years a report can be asked for: wide enough for any plan, narrow enough to catch a typo.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadReportPeriod(DomainError):
    code = "bad_report_period"
    message = gettext_lazy("Give the month as YYYY-MM (for example 2026-11) or a quarter as YYYY-Qn (2026-Q3).")


@dataclass(frozen=True)
class ReportPeriod:
    """A month (``2026-11``) or a quarter (``2026-Q3``), as asked for."""

    name: str
    span: MonthSpan

    @property
    def is_quarter(self) -> bool:
        return len(self.span) > 1

    @property
    def label(self) -> str:
        """The period in the active language: "November 2026", "Q3 2026"."""
        if self.is_quarter:
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.span.first.month - 1) // 3 + 1,
                "year": self.span.first.year,
            }
        return date_format(self.span.first, "YEAR_MONTH_FORMAT")


def parse_report_period(text: str) -> ReportPeriod:
    """``2026-11`` or ``2026-Q3``; BadReportPeriod for anything else (a month 13, year 20266)."""
    text = (text or "").strip()
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12 and FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        month = date(int(match[1]), int(match[2]), 1)
        return ReportPeriod(text, MonthSpan(month, month))
    if (match := _QUARTER.match(text)) and FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        first = date(int(match[1]), 3 * int(match[2]) - 2, 1)
        return ReportPeriod(text.upper(), MonthSpan(first, add_months(first, 2)))
    raise BadReportPeriod()


def last_complete_month(today: date) -> ReportPeriod:
    """The month before ``today``'s: the latest whose figures no longer move."""
    month = add_months(today.replace(day=1), -1)
    return ReportPeriod(f"{month:%Y-%m}", MonthSpan(month, month))


# --- displayed figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Plan items by how they stand, with each state's share of the items."""

    items: int
    done: int
    on_track: int
    at_risk: int
    late: int

    def _of(self, count: int) -> Decimal | None:
        return percentage(count / self.items) if self.items else None

    @property
    def done_share(self) -> Decimal | None:
        return self._of(self.done)

    @property
    def on_track_share(self) -> Decimal | None:
        return self._of(self.on_track)

    @property
    def at_risk_share(self) -> Decimal | None:
        return self._of(self.at_risk)

    @property
    def on_course_share(self) -> Decimal | None:
        """Done or on track: the share the cabinet reads first."""
        return self._of(self.done + self.on_track)

    @property
    def late_share(self) -> Decimal | None:
        return self._of(self.late)

    @classmethod
    def of(cls, row: PlanRow | None) -> Progress:
        if row is None:
            return cls(0, 0, 0, 0, 0)
        return cls(items=row.items, done=row.done, on_track=row.on_track, at_risk=row.at_risk, late=row.late)

    @classmethod
    def total(cls, summaries: Sequence[PlanSummary]) -> Progress:
        return cls(
            items=sum(summary.items for summary in summaries),
            done=sum(summary.done for summary in summaries),
            on_track=sum(summary.on_track for summary in summaries),
            at_risk=sum(summary.at_risk for summary in summaries),
            late=sum(summary.late for summary in summaries),
        )


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: Promise
    now: int  # reached by the end of the report's quarter
    planned: int  # what the plans said for the end of that quarter
    target: int  # where the plans end


@dataclass(frozen=True)
class EntityRow:
    code: str
    name: str
    plan: PlanRow | None  # None: the entity has no plan, only KPIs
    progress: Progress
    kpis: KpiFigures


@dataclass(frozen=True)
class CabinetReport:
    """The report's figures, with their labels in the language active when it was built."""

    language: str
    period: ReportPeriod
    as_of: date
    entity_ids: frozenset[int] | None  # None: the whole government
    scope_names: list[str]
    scope_codes: list[str]
    progress: Progress
    stage_quarter: date
    stages: list[StageRow]
    entities: list[EntityRow]
    late_items: list[LateRow]
    kpis: KpiFigures
    channels: list[KpiGroupRow]

    @property
    def national(self) -> bool:
        return self.entity_ids is None


# --- building -------------------------------------------------------------------------------


def _stage_rows(plans: list[Plan], quarter: date) -> list[StageRow]:
    """Items per stage reached by the end of ``quarter``, planned for then, and planned for the
    end of the latest plan."""
    last_quarter = date(max((plan.last_year for plan in plans), default=quarter.year), 10, 1)
    (_now, reached, planned), (_end, _reached_at_end, target) = stage_now_vs_target(
        plans, quarters=[quarter, max(quarter, last_quarter)]
    )
    return [
        StageRow(
            stage=stage.value,
            label=stage.label,
            now=reached.counts[stage.value],
            planned=planned.counts[stage.value],
            target=target.counts[stage.value],
        )
        for stage in sorted(Stage, key=lambda stage: STAGE_ORDER[stage.value])
    ]


def _entity_rows(
    plans: list[PlanRow], kpi_rows_found: list[KpiGroupRow], entity_ids: frozenset[int] | None
) -> list[EntityRow]:
    plan_by_code = {row.entity_code: row for row in plans}
    kpis_by_code = {row.key: row.figures for row in kpi_rows_found}
    entities = Entity.objects.order_by("code")
    if entity_ids is not None:
        entities = entities.filter(pk__in=entity_ids)
    rows = []
    for entity in entities:
        plan = plan_by_code.get(entity.code)
        found = kpis_by_code.get(entity.code)
        if plan is None and found is None:
            continue  # neither a plan nor a transaction: nothing to report
        rows.append(
            EntityRow(
                code=entity.code,
                name=entity.name,
                plan=plan,
                progress=Progress.of(plan),
                kpis=found if found is not None else EMPTY_KPIS,
            )
        )
    return rows


EMPTY_KPIS = kpi_figures(
    ServiceKpis(
        completed=0,
        offline=0,
        digital=0,
        digital_take_up=None,
        started=0,
        submitted=0,
        completion_rate=None,
        satisfaction=None,
        cost_per_transaction_fils=None,
        median_days=None,
        p90_days=None,
        sla_compliance=None,
        complaints=0,
        complaints_per_1000=None,
    )
)


def build_cabinet_report(
    *, plans: QuerySet[Plan], entity_ids: frozenset[int] | None, period: ReportPeriod, today: date
) -> CabinetReport:
    """The report over ``plans`` (already limited to what the reader may see) and the KPIs of
    ``entity_ids`` (None: every entity) for ``period``, labelled in the active language. Plans
    are counted as the national plan page counts them: one per entity (``current_plans``),
    judged on ``today``.

    The caller checks access; nothing here does. Reads only: plans and milestones (a fixed
    number of queries per plan) and the KPI aggregates (a fixed number overall).
    """
    running = current_plans(plans.select_related("entity"), today=today)
    summaries = national_summary(running, today=today)
    quarter = quarter_of(period.span.last)
    scope = None if entity_ids is None else sorted(entity_ids)
    in_scope = [] if entity_ids is None else list(Entity.objects.filter(pk__in=entity_ids).order_by("code"))
    return CabinetReport(
        language=(get_language() or "ar")[:2],
        period=period,
        as_of=today,
        entity_ids=entity_ids,
        scope_names=[entity.name for entity in in_scope],
        scope_codes=[entity.code for entity in in_scope],
        progress=Progress.total(summaries),
        stage_quarter=quarter,
        stages=_stage_rows(running, quarter),
        entities=_entity_rows(
            entity_rows(summaries), kpi_rows(kpis_by(group_by="entity", span=period.span, entity_ids=scope)), entity_ids
        ),
        late_items=overdue_rows(running, today=today),  # the longest overdue first: what the cabinet asks about
        kpis=kpi_figures(kpis(span=period.span, entity_ids=scope)),
        channels=kpi_rows(kpis_by(group_by="channel", span=period.span, entity_ids=scope)),
    )
