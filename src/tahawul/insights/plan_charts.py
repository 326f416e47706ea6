"""Plotly figure specifications of the plan dashboards, built like those of ``insights.charts``:
plain dictionaries drawn by our static ``insights/charts.js``, hidden from assistive technology
because the table beside each chart says the same.

Right to left: time runs from right to left (the quarters of the stage chart and the dates of
the timeline), value axes sit on the right and count from right to left, category labels sit on
the right, as the tables read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tahawul.insights.charts import CONFIG, INK, ROW_HEIGHT, Spec, _category_axis, _layout, _unique_short_labels
from tahawul.insights.presenters import format_number
from tahawul.plans.models import STAGE_ORDER

if TYPE_CHECKING:  # the dashboard module builds these rows and imports this one
    from tahawul.insights.plan_dashboard import EntityRow, GanttRow, StageRow

MAX_GANTT_ROWS = 40  # services in the timeline chart; the table lists every milestone
DAY_MS = 24 * 60 * 60 * 1000

# From "not online" (grey) to "connected" (dark blue): the darker, the further along.
STAGE_COLOURS = {
    "offline": "#b1b4b6",
    "informational": "#c6dbef",
    "interactive": "#6f9cc9",
    "transactional": "#2f6fad",
    "connected": "#0b3a6e",
}
STATE_COLOURS = {"done": "#0b5394", "on_track": "#2e7d32", "at_risk": "#b26a00", "late": "#b3261e"}
# Milestones: done, late, and otherwise by status.
DONE_COLOUR = "#0b5394"
LATE_COLOUR = "#b3261e"
OPEN_COLOUR = "#6f9cc9"
TODAY_COLOUR = "#1d2327"


def _legend(rtl: bool) -> Spec:
    # Above the plot, where it stays next to the bars however tall the chart grows, in the
    # order of the traces (plotly would reverse a stack's).
    return {
        "orientation": "h",
        "x": 1 if rtl else 0,
        "xanchor": "right" if rtl else "left",
        "y": 1.02,
        "yanchor": "bottom",
        "traceorder": "normal",
    }


def _count_axis(rtl: bool, title: str) -> Spec:
    return {
        "autorange": "reversed" if rtl else True,
        "rangemode": "tozero",
        "title": {"text": title},
        "gridcolor": "#dddddd",
        "fixedrange": True,
        "tickformat": "d",
    }


def stage_chart(rows: Sequence[StageRow], rtl: bool, stage_names: dict[str, str]) -> Spec | None:
    """Per quarter, two bars side by side, each stacked by stage (lowest at the bottom): first
    the stages reached (only in quarters that have begun), then, paler, the stages planned.

    Plotly stacks only within one bar per category, so each stage is two traces, one per
    ``offsetgroup`` (reached, planned), each starting (``base``) where the lower stages end."""
    if not rows or not any(sum(row.planned.values()) for row in rows):
        return None
    labels = [row.label for row in rows]
    reached_name, planned_name = _("Reached"), _("Planned")
    below_reached = [0] * len(rows)
    below_planned = [0] * len(rows)
    data: list[dict[str, Any]] = []
    for stage in STAGE_ORDER:
        reached = [row.reached[stage] if row.reached is not None else None for row in rows]
        planned = [row.planned[stage] for row in rows]
        for name, values, below, hatched in (
            (reached_name, reached, below_reached, False),
            (planned_name, planned, below_planned, True),
        ):
            data.append(
                {
                    "type": "bar",
                    "name": stage_names[stage],
                    "legendgroup": stage,
                    "showlegend": not hatched,
                    "offsetgroup": "planned" if hatched else "reached",
                    "x": labels,
                    "y": values,
                    "base": list(below),
                    "marker": {
                        "color": STAGE_COLOURS.get(stage, INK),
                        "line": {"color": "#ffffff", "width": 1},
                        # Paler, not hatched: plotly draws patterns with inline styles, which the
                        # content security policy refuses, and the bars would vanish.
                        "opacity": 0.45 if hatched else 1,
                    },
                    "hovertext": [
                        ngettext(
                            "%(quarter)s, %(kind)s: %(stage)s, %(n)s service",
                            "%(quarter)s, %(kind)s: %(stage)s, %(n)s services",
                            value,
                        )
                        % {"quarter": label, "kind": name, "stage": stage_names[stage], "n": format_number(value)}
                        if value is not None
                        else ""
                        for label, value in zip(labels, values, strict=True)
                    ],
                    "hoverinfo": "text",
                }
            )
            for position, value in enumerate(values):
                below[position] += value or 0
    xaxis = {"type": "category", "autorange": "reversed" if rtl else True, "fixedrange": True, "automargin": True}
    yaxis = {**_count_axis(False, _("Services")), "side": "right" if rtl else "left", "automargin": True}
    layout = _layout(
        rtl,
        440,
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        showlegend=True,
        legend=_legend(rtl),
        xaxis=xaxis,
        yaxis=yaxis,
    )
    return {"data": data, "layout": layout, "config": CONFIG}


def progress_chart(rows: Sequence[EntityRow], rtl: bool, state_names: dict[str, str]) -> Spec | None:
    """Per entity, one horizontal bar of its services stacked by state."""
    if not rows or not any(row.items for row in rows):
        return None
    labels = _unique_short_labels([row.entity for row in rows])
    data = []
    for state in ("done", "on_track", "at_risk", "late"):
        name = state_names[state]
        values = [getattr(row, state) for row in rows]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "x": values,
                "y": labels,
                "marker": {"color": STATE_COLOURS[state]},
                "hovertext": [
                    _("%(entity)s: %(n)s %(state)s") % {"entity": row.entity, "n": format_number(value), "state": name}
                    for row, value in zip(rows, values, strict=True)
                ],
                "hoverinfo": "text",
            }
        )
    height = 120 + ROW_HEIGHT * len(rows)
    layout = _layout(
        rtl,
        height,
        barmode="stack",
        showlegend=True,
        legend=_legend(rtl),
        xaxis=_count_axis(rtl, _("Services")),
        yaxis=_category_axis(rtl),
    )
    return {"data": data, "layout": layout, "config": CONFIG}


def _isolated(label: str, rtl: bool) -> str:
    """The label as a right-to-left run in a right-to-left page: plotly lays its text out left to
    right, so an entity code before an Arabic name would otherwise land on the wrong side."""
    return f"\u2067{label}\u2069" if rtl else label


def gantt_is_partial(rows: Sequence[GanttRow]) -> bool:
    return len({(row.plan_id, row.service) for row in rows}) > MAX_GANTT_ROWS


def _colour(row: GanttRow) -> str:
    if row.late:
        return LATE_COLOUR
    return DONE_COLOUR if row.done else OPEN_COLOUR


def gantt_chart(rows: Sequence[GanttRow], rtl: bool, *, today: date, with_entity: bool) -> Spec | None:
    """One row per service (the first :data:`MAX_GANTT_ROWS`), one bar per milestone on a date
    axis, from when the previous milestone is due to its own due date: done in dark blue, late
    in red, the rest pale; a vertical line marks today. Bars are drawn as plotly's own timeline
    is: a base at the start date and a length in milliseconds."""
    if not rows:
        return None
    row_keys: list[tuple[int, str]] = []
    for row in rows:
        key = (row.plan_id, row.service)
        if key not in row_keys:
            row_keys.append(key)
    kept = set(row_keys[:MAX_GANTT_ROWS])
    shown = [row for row in rows if (row.plan_id, row.service) in kept]
    names = {(row.plan_id, row.service): row.label if with_entity else row.service for row in shown}
    short = dict(
        zip(list(names), [_isolated(label, rtl) for label in _unique_short_labels(list(names.values()))], strict=True)
    )
    groups: list[tuple[str, str, list[GanttRow]]] = [
        (_("Done"), DONE_COLOUR, []),
        (_("Late"), LATE_COLOUR, []),
        (_("Not done yet"), OPEN_COLOUR, []),
    ]
    for row in shown:
        colour = _colour(row)
        next(group for group in groups if group[1] == colour)[2].append(row)
    data: list[dict[str, Any]] = []
    for name, colour, members in groups:
        if not members:
            continue
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "base": [row.start.isoformat() for row in members],
                # A milestone due on the day the previous one is still gets a sliver of a bar.
                "x": [max((row.end - row.start).days, 1) * DAY_MS for row in members],
                "y": [short[(row.plan_id, row.service)] for row in members],
                "marker": {"color": colour, "line": {"color": "#ffffff", "width": 1}},
                "hovertext": [
                    _("%(service)s, %(milestone)s: %(start)s to %(end)s (%(status)s)")
                    % {
                        "service": names[(row.plan_id, row.service)],
                        "milestone": row.milestone,
                        "start": row.start.isoformat(),
                        "end": row.end.isoformat(),
                        "status": _("late") if row.late else row.status,
                    }
                    for row in members
                ],
                "hoverinfo": "text",
            }
        )
    starts = min(row.start for row in shown)
    ends = max(max(row.end for row in shown), today) + timedelta(days=15)
    date_range = [starts.isoformat(), ends.isoformat()]
    xaxis = {
        "type": "date",
        "range": list(reversed(date_range)) if rtl else date_range,
        "gridcolor": "#dddddd",
        "fixedrange": True,
        "automargin": True,
    }
    yaxis = {
        **_category_axis(rtl),
        "categoryorder": "array",
        "categoryarray": [short[key] for key in row_keys if key in kept],
    }
    height = 120 + ROW_HEIGHT * len(kept)
    layout = _layout(
        rtl,
        height,
        barmode="overlay",
        showlegend=True,
        legend=_legend(rtl),
        xaxis=xaxis,
        yaxis=yaxis,
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": today.isoformat(),
                "x1": today.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": TODAY_COLOUR, "width": 2, "dash": "dot"},
            }
        ],
    )
    return {"data": data, "layout": layout, "config": CONFIG}
