"""Plotly figure specifications (plain dictionaries) for the dashboard's charts.

The page puts each one in a ``<script type="application/json">`` element and our static
``insights/charts.js`` hands it to ``Plotly.newPlot``: no inline script, so the strict content
security policy holds. Charts only repeat the tables beside them, which are what screen readers
read; the chart containers are hidden from assistive technology.

In a right-to-left language the value axis of bar charts and the time axis of the trend run from
right to left, and the category labels sit on the right, as the tables read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from tahawul.insights.presenters import (
    CaseFigures,
    Figures,
    GroupRow,
    ThemeRow,
    TrendRow,
    WorstRow,
    format_number,
    format_percent,
)

Spec = dict[str, Any]

FONT = '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Helvetica Neue", Arial, sans-serif'
INK = "#1d2327"
RANKABLE_COLOUR = "#0b5394"
INDICATIVE_COLOUR = "#6f9cc9"
NEUTRAL_COLOUR = "#b1b4b6"
DISSATISFIED_COLOUR = "#b3261e"
BAND_COLOUR = "rgba(11, 83, 148, 0.18)"
ROW_HEIGHT = 34
MAX_LABEL = 28  # characters of a category label beside a bar
MAX_BARS = 30  # a chart of every one of 120 services would be a wall; the table lists them all
CONFIG = {"displayModeBar": False, "responsive": True}


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _layout(rtl: bool, height: int, **extra: Any) -> Spec:
    return {
        "height": height,
        "autosize": True,
        "margin": {"t": 16, "b": 48, "l": 16, "r": 16},
        "font": {"family": FONT, "size": 14, "color": INK},
        # Decimal point then thousands separator, as Django formats numbers in this language.
        "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
        "showlegend": False,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"align": "right" if rtl else "left"},
        **extra,
    }


def _percent_axis(rtl: bool, title: str) -> Spec:
    # A fixed 0-100 range, written high-to-low in right-to-left pages: the same as autorange
    # "reversed", without bars of 95 % and 97 % getting axes of different lengths.
    return {
        "range": [100, 0] if rtl else [0, 100],
        "ticksuffix": "%",
        "title": {"text": title},
        "gridcolor": "#dddddd",
        "zeroline": False,
        "fixedrange": True,
    }


def _category_axis(rtl: bool) -> Spec:
    # Reversed so the first row is at the top, in the table's order.
    return {"autorange": "reversed", "side": "right" if rtl else "left", "automargin": True, "fixedrange": True}


def _unique_short_labels(labels: list[str]) -> list[str]:
    """Labels cut to fit beside a bar on a phone (the table and the hover text have them whole);
    two that end up alike are told apart by their position, since plotly merges equal categories."""
    found: list[str] = []
    for position, label in enumerate(labels, start=1):
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"
        found.append(short if short not in found else f"{short} ({position})")
    return found


def _bar_spec(labels: list[str], figures: list[Figures], rtl: bool, axis_title: str) -> Spec:
    """Horizontal bars of the satisfied share with the 95 % interval as error bars. A row with
    too few responses keeps its label and gets no bar; an indicative one is paler and hatched
    (the page says so under the chart)."""
    values = [_number(item.satisfied) for item in figures]
    above = [float(item.high - item.satisfied) if item.shown else None for item in figures]  # type: ignore[operator]
    below = [float(item.satisfied - item.low) if item.shown else None for item in figures]  # type: ignore[operator]
    hover = [
        _("%(label)s: %(satisfied)s satisfied, 95%% interval %(low)s to %(high)s, n = %(n)s")
        % {
            "label": label,
            "satisfied": format_percent(item.satisfied),
            "low": format_percent(item.low),  # type: ignore[arg-type]
            "high": format_percent(item.high),  # type: ignore[arg-type]
            "n": format_number(item.n),
        }
        if item.shown and item.satisfied is not None
        else f"{label}: {item.too_few_text}"
        for label, item in zip(labels, figures, strict=True)
    ]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": _unique_short_labels(labels),
        "hovertext": hover,
        "hoverinfo": "text",
        "marker": {
            "color": [INDICATIVE_COLOUR if item.indicative else RANKABLE_COLOUR for item in figures],
            "pattern": {"shape": ["/" if item.indicative else "" for item in figures], "fgcolor": "#ffffff"},
        },
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": above,
            "arrayminus": below,
            "color": INK,
            "thickness": 1.5,
            "width": 6,
        },
    }
    height = 80 + ROW_HEIGHT * max(len(labels), 1)
    return {
        "data": [trace],
        "layout": _layout(rtl, height, xaxis=_percent_axis(rtl, axis_title), yaxis=_category_axis(rtl)),
        "config": CONFIG,
    }


def headline_chart(figures: Figures, label: str, rtl: bool) -> Spec | None:
    """One stacked bar: satisfied, neutral, dissatisfied. None when there is nothing to show."""
    if figures.satisfied is None or figures.dissatisfied is None:
        return None
    neutral = max(Decimal(0), Decimal(100) - figures.satisfied - figures.dissatisfied)
    parts = [
        (_("Satisfied"), figures.satisfied, RANKABLE_COLOUR),
        (_("Neutral"), neutral, NEUTRAL_COLOUR),
        (_("Dissatisfied"), figures.dissatisfied, DISSATISFIED_COLOUR),
    ]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "x": [float(value)],
            "y": [label],
            "marker": {"color": colour},
            "hovertext": [f"{name}: {format_percent(value)}"],
            "hoverinfo": "text",
        }
        for name, value, colour in parts
    ]
    layout = _layout(
        rtl,
        170,
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left", "y": -0.45},
        xaxis=_percent_axis(rtl, ""),
        yaxis={**_category_axis(rtl), "showticklabels": False},
    )
    return {"data": data, "layout": layout, "config": CONFIG}


def groups_chart(rows: list[GroupRow], rtl: bool) -> Spec | None:
    """The first :data:`MAX_BARS` rows (those with the most responses)."""
    if not rows:
        return None
    shown = rows[:MAX_BARS]
    # xgettext:no-python-format
    return _bar_spec([row.label for row in shown], [row.figures for row in shown], rtl, _("% satisfied"))


def worst_chart(rows: list[WorstRow], rtl: bool) -> Spec | None:
    if not rows:
        return None
    labels = [_("%(service)s, %(channel)s") % {"service": row.service, "channel": row.channel} for row in rows]
    # xgettext:no-python-format
    return _bar_spec(labels, [row.figures for row in rows], rtl, _("% satisfied"))


def trend_chart(rows: list[TrendRow], rtl: bool) -> Spec | None:
    """The monthly satisfied share with its 95 % interval as a band; a month with too few
    responses is a gap in the line and the band, not a point."""
    if not any(row.figures.shown for row in rows):
        return None
    months = [row.label for row in rows]
    band = {"type": "scatter", "mode": "lines", "x": months, "line": {"width": 0}, "hoverinfo": "skip"}
    data = [
        {**band, "y": [_number(row.figures.high) for row in rows]},
        {**band, "y": [_number(row.figures.low) for row in rows], "fill": "tonexty", "fillcolor": BAND_COLOUR},
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": months,
            "y": [_number(row.figures.satisfied) for row in rows],
            "connectgaps": False,
            "line": {"color": RANKABLE_COLOUR, "width": 2.5},
            "marker": {"size": 8},
            "hovertext": [
                format_percent(row.figures.satisfied) if row.figures.satisfied is not None else row.figures.too_few_text
                for row in rows
            ],
            "hoverinfo": "x+text",
        },
    ]
    xaxis = {"type": "category", "autorange": "reversed" if rtl else True, "fixedrange": True, "automargin": True}
    # xgettext:no-python-format
    yaxis = {**_percent_axis(False, _("% satisfied")), "side": "right" if rtl else "left", "automargin": True}
    return {"data": data, "layout": _layout(rtl, 360, xaxis=xaxis, yaxis=yaxis), "config": CONFIG}


def cases_chart(figures: CaseFigures, rtl: bool) -> Spec | None:
    if not figures.opened:
        return None
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [row.count for row in figures.kinds],
        "y": [row.label for row in figures.kinds],
        "hovertext": [f"{row.label}: {format_number(row.count)}" for row in figures.kinds],
        "hoverinfo": "text",
        "marker": {"color": RANKABLE_COLOUR},
    }
    xaxis = {
        "autorange": "reversed" if rtl else True,
        "rangemode": "tozero",
        "title": {"text": _("Cases filed")},
        "gridcolor": "#dddddd",
        "fixedrange": True,
    }
    height = 80 + ROW_HEIGHT * len(figures.kinds)
    return {
        "data": [trace],
        "layout": _layout(rtl, height, xaxis=xaxis, yaxis=_category_axis(rtl)),
        "config": CONFIG,
    }


def themes_chart(rows: list[ThemeRow], rtl: bool) -> Spec | None:
    """The most frequent topics' shares of comments, this period beside the previous one."""
    if not rows:
        return None
    labels = _unique_short_labels([row.label for row in rows])

    def trace(name: str, values: list[Decimal], counts: list[int], colour: str) -> Spec:
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "x": [float(value) for value in values],
            "y": labels,
            "marker": {"color": colour},
            "hovertext": [
                _("%(label)s: %(share)s of comments (n = %(n)s)")
                % {"label": row.label, "share": format_percent(value), "n": format_number(count)}
                for row, value, count in zip(rows, values, counts, strict=True)
            ],
            "hoverinfo": "text",
        }

    data = [
        trace(_("This period"), [row.share for row in rows], [row.count for row in rows], RANKABLE_COLOUR),
        trace(
            _("Previous period"),
            [row.previous_share for row in rows],
            [row.previous_count for row in rows],
            NEUTRAL_COLOUR,
        ),
    ]
    xaxis = {
        "autorange": "reversed" if rtl else True,
        "rangemode": "tozero",
        "ticksuffix": "%",
        # xgettext:no-python-format
        "title": {"text": _("% of comments")},
        "gridcolor": "#dddddd",
        "fixedrange": True,
    }
    layout = _layout(
        rtl,
        110 + 2 * ROW_HEIGHT * len(rows),
        barmode="group",
        showlegend=True,
        legend={"orientation": "h", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left", "y": -0.2},
        xaxis=xaxis,
        yaxis=_category_axis(rtl),
    )
    return {"data": data, "layout": layout, "config": CONFIG}
