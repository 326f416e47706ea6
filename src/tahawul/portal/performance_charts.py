"""Plotly figure specifications (plain dictionaries) of the public performance page's trends,
drawn by the dashboards' static ``insights/charts.js`` from ``<script type="application/json">``
elements, so the strict content security policy holds. The same look as the staff dashboards'
trends: months run right to left in Arabic, a month without a figure is a gap, and the table
under the charts holds every number (the charts are hidden from screen readers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from tahawul.portal.performance_presenters import format_number, format_percent

Spec = dict[str, Any]
FONT = '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Helvetica Neue", Arial, sans-serif'
INK = "#1d2327"
LINE_COLOUR = "#0b5394"
CONFIG = {"displayModeBar": False, "responsive": True}


def trend_chart(
    months: list[str], values: list[Decimal | None], rtl: bool, *, percent: bool, axis_title: str = ""
) -> Spec | None:
    """One KPI month by month, or None when no month has a figure."""
    if all(value is None for value in values):
        return None

    def said(value: Decimal | None) -> str:
        if value is None:
            return _("no figure")
        return format_percent(value) if percent else format_number(value)

    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": months,
        "y": [float(value) if value is not None else None for value in values],
        "connectgaps": False,
        "line": {"color": LINE_COLOUR, "width": 2.5},
        "marker": {"size": 7},
        "hovertext": [said(value) for value in values],
        "hoverinfo": "x+text",
    }
    yaxis: Spec = {
        "title": {"text": axis_title},
        "gridcolor": "#dddddd",
        "zeroline": False,
        "fixedrange": True,
        "side": "right" if rtl else "left",
        "automargin": True,
    }
    if percent:
        yaxis.update({"range": [0, 100], "ticksuffix": "%"})
    else:
        yaxis["rangemode"] = "tozero"
    layout = {
        "height": 280,
        "autosize": True,
        "margin": {"t": 16, "b": 48, "l": 16, "r": 16},
        "font": {"family": FONT, "size": 14, "color": INK},
        "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
        "showlegend": False,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"align": "right" if rtl else "left"},
        "xaxis": {"type": "category", "autorange": "reversed" if rtl else True, "fixedrange": True, "automargin": True},
        "yaxis": yaxis,
    }
    return {"data": [trace], "layout": layout, "config": CONFIG}
