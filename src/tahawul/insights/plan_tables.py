"""The plan dashboards' tables as the CSV and XLSX downloads lay them out: a header in the
reader's language, then one list of cells per row (numbers as numbers, dates as dates)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tahawul.insights.xlsx import Value
from tahawul.plans.models import STAGE_ORDER, Stage

if TYPE_CHECKING:  # the dashboard module builds these rows and imports this one
    from tahawul.insights.plan_dashboard import ChangeRow, EntityRow, GanttRow, ItemRow, LateRow, StageRow

Table = tuple[list[str], Iterable[Sequence[Value]]]


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def stage_table(rows: Sequence[StageRow]) -> Table:
    stages = list(STAGE_ORDER)
    header = [_("Quarter")]
    header += [_("Reached: %(stage)s") % {"stage": _stage_label(stage)} for stage in stages]
    header += [_("Planned: %(stage)s") % {"stage": _stage_label(stage)} for stage in stages]
    body = [
        [
            row.label,
            *[(row.reached[stage] if row.reached is not None else None) for stage in stages],
            *[row.planned[stage] for stage in stages],
        ]
        for row in rows
    ]
    return header, body


def entity_table(rows: Sequence[EntityRow]) -> Table:
    header = [
        _("Code"),
        _("Entity"),
        _("Period"),
        _("Plan status"),
        _("Services in the plan"),
        _("Done"),
        _("On track"),
        _("At risk"),
        _("Late"),
    ]
    body: list[list[Value]] = [
        [row.entity_code, row.entity, row.period, row.status, row.items, row.done, row.on_track, row.at_risk, row.late]
        for row in rows
    ]
    return header, body


def late_table(rows: Sequence[LateRow]) -> Table:
    header = [_("Code"), _("Entity"), _("Service"), _("Milestone"), _("Due on"), _("Days late"), _("Forecast launch")]
    body: list[list[Value]] = [
        [row.entity_code, row.entity, row.service, row.milestone, row.due_on, row.days_late, row.forecast_launch]
        for row in rows
    ]
    return header, body


def item_table(rows: Sequence[ItemRow]) -> Table:
    header = [
        _("Service"),
        _("Stage at the start"),
        _("Target stage"),
        _("Target date"),
        _("State"),
        _("Late milestones"),
        _("Forecast launch"),
        _("Reasons"),
    ]
    body: list[list[Value]] = [
        [
            row.service,
            row.baseline_stage,
            row.target_stage,
            row.target_date,
            row.state_label,
            row.late_milestones,
            row.forecast_launch,
            " ".join(row.reasons),
        ]
        for row in rows
    ]
    return header, body


def gantt_table(rows: Sequence[GanttRow]) -> Table:
    header = [_("Code"), _("Entity"), _("Service"), _("Milestone"), _("Starts"), _("Due on"), _("Status"), _("Late")]
    body: list[list[Value]] = [
        [row.entity_code, row.entity, row.service, row.milestone, row.start, row.end, row.status, _yes_no(row.late)]
        for row in rows
    ]
    return header, body


def change_table(rows: Iterable[ChangeRow]) -> Table:
    header = [
        _("When"),
        _("Code"),
        _("Entity"),
        _("Service"),
        _("Change"),
        _("By"),
        _("After approval"),
        _("Reason"),
        _("Version"),
    ]
    yes, no = _("yes"), _("no")  # translated once, not for each of many rows
    body = (
        [
            row.at,
            row.entity_code,
            row.entity,
            row.service,
            row.action,
            row.actor,
            yes if row.after_approval else no,
            row.reason,
            row.version,
        ]
        for row in rows
    )
    return header, body
