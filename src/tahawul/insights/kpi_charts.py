"""Plotly figure specifications of the KPI dashboard, built like the satisfaction dashboard's
(``insights/charts.py``: plain dictionaries read by our ``charts.js``, mirrored in right-to-left
languages). Every chart repeats a table beside it, which is what screen readers read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tahawul.insights.charts import (
    CONFIG,
    INDICATIVE_COLOUR,
    MAX_BARS,
    RANKABLE_COLOUR,
    ROW_HEIGHT,
    Spec,
    _category_axis,
    _layout,
    _percent_axis,
    _unique_short_labels,
)
from tahawul.insights.kpi_presenters import KpiFigures, KpiGroupRow
from tahawul.insights.presenters import format_number, format_percent

Value = Decimal | int | None
P90_COLOUR = "#b3261e"


def _float(value: Value) -> float | None:
    return float(value) if value is not None else None


def groups_chart(rows: list[KpiGroupRow], rtl: bool) -> Spec | None:
    """Digital take-up and completion rate side by side for the first :data:`MAX_BARS` rows
    (the busiest): the two figures of how far a service has moved online. A row without a
    figure keeps its label and gets no bar."""
    if not rows:
        return None
    shown = rows[:MAX_BARS]
    labels = _unique_short_labels([row.label for row in shown])

    def trace(name: str, read: Callable[[KpiFigures], Decimal | None], colour: str) -> Spec:
        values = [read(row.figures) for row in shown]
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "x": [_float(value) for value in values],
            "y": labels,
            "marker": {"color": colour},
            "hovertext": [
                f"{row.label}, {name}: {format_percent(value) if value is not None else _('no figure')}"
                for row, value in zip(shown, values, strict=True)
            ],
            "hoverinfo": "text",
        }

    data = [
        trace(_("Digital take-up"), lambda figures: figures.digital_take_up, RANKABLE_COLOUR),
        trace(_("Completion rate"), lambda figures: figures.completion_rate, INDICATIVE_COLOUR),
    ]
    layout = _layout(
        rtl,
        110 + 2 * ROW_HEIGHT * len(shown),
        barmode="group",
        showlegend=True,
        legend={"orientation": "h", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left", "y": -0.15},
        xaxis=_percent_axis(rtl, ""),
        yaxis=_category_axis(rtl),
    )
    return {"data": data, "layout": layout, "config": CONFIG}


@dataclass(frozen=True)
class TrendLine:
    name: str
    values: list[Value]
    colour: str = RANKABLE_COLOUR


def trend_chart(months: list[str], lines: list[TrendLine], rtl: bool, *, axis_title: str, percent: bool) -> Spec | None:
    """One KPI month by month; a month without a figure is a gap in the line, not a zero."""
    if not any(value is not None for line in lines for value in line.values):
        return None

    def shown(value: Value) -> str:
        if value is None:
            return _("no figure")
        return format_percent(Decimal(value)) if percent else format_number(value)

    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": line.name,
            "x": months,
            "y": [_float(value) for value in line.values],
            "connectgaps": False,
            "line": {"color": line.colour, "width": 2.5},
            "marker": {"size": 7},
            "hovertext": [f"{line.name}: {shown(value)}" for value in line.values],
            "hoverinfo": "x+text",
        }
        for line in lines
    ]
    xaxis = {"type": "category", "autorange": "reversed" if rtl else True, "fixedrange": True, "automargin": True}
    if percent:
        yaxis: dict[str, Any] = {**_percent_axis(False, axis_title), "side": "right" if rtl else "left"}
    else:
        yaxis = {
            "rangemode": "tozero",
            "title": {"text": axis_title},
            "gridcolor": "#dddddd",
            "fixedrange": True,
            "side": "right" if rtl else "left",
        }
    yaxis["automargin"] = True
    extra: dict[str, Any] = {}
    if len(lines) > 1:
        extra = {
            "showlegend": True,
            "legend": {"orientation": "h", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left", "y": -0.3},
        }
    return {"data": data, "layout": _layout(rtl, 300, xaxis=xaxis, yaxis=yaxis, **extra), "config": CONFIG}
