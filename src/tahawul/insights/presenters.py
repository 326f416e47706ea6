"""What the dashboards show, worked out from the satisfaction selectors: rounded figures, the
small-sample rule applied, changes said in words.

Percentages are rounded once, here, to one decimal (half up); the page, the charts and the CSV
downloads all show these same rounded values, so a number read off the table is the number in
the file. Formatting for people (decimal separator, digit grouping) happens in ``format_*``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tahawul.core.choices import Channel
from tahawul.feedback.index import Change, Counts, Direction, Ease, Reliability, RolledUp, Weighting, cell_index
from tahawul.feedback.index import reliability as reliability_of
from tahawul.feedback.models import CaseKind
from tahawul.feedback.satisfaction import RankedCell, SatisfactionRow, TrendPoint
from tahawul.feedback.selectors import CaseStatistics
from tahawul.feedback.text.themes import EXAMPLES_PER_THEME, Theme, Themes

ONE_DECIMAL = Decimal("0.1")
# Bidirectional isolates: a signed number keeps its sign in front inside Arabic text.
LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def rounded(value: float) -> Decimal:
    """``value`` to one decimal, half up. Rounding the float's repr to nine places first keeps a
    share like 0.7245 (stored as 72.44999...) from rounding down."""
    return Decimal(repr(round(value, 9))).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percentage(share: float) -> Decimal:
    return rounded(share * 100)


def format_number(value: int | Decimal) -> str:
    """A count or a one-decimal figure in the active language's number format."""
    return number_format(value, decimal_pos=1 if isinstance(value, Decimal) else None, force_grouping=True)


def format_percent(value: Decimal) -> str:
    return _("%(value)s%%") % {"value": format_number(value)}


def format_signed(value: Decimal) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{LEFT_TO_RIGHT_ISOLATE}{sign}{format_number(abs(value))}{POP_ISOLATE}"


@dataclass(frozen=True)
class Figures:
    """The displayed figures of a cell or a roll-up. Shares are percentages with one decimal and
    are None when there are too few responses to show them."""

    n: int
    reliability: Reliability
    satisfied: Decimal | None
    dissatisfied: Decimal | None
    low: Decimal | None
    high: Decimal | None
    completed: int | None  # None where the figure does not know it (a ranked cell)
    response_rate: Decimal | None
    notes: tuple[str, ...] = ()
    effective_n: int | None = None  # a roll-up's responses once weighted, when fewer than n

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
            # Weighting by transactions leaves a roll-up with the precision of fewer responses.
            return _("not enough responses (n = %(n)s, worth %(effective)s once weighted by transactions)") % {
                "n": format_number(self.n),
                "effective": format_number(self.effective_n),
            }
        return _("not enough responses (n = %(n)s)") % {"n": format_number(self.n)}

    @property
    def reliability_text(self) -> str:
        if not self.shown:
            return self.too_few_text
        return _("indicative") if self.indicative else _("enough responses to rank")


def figures_of(index: RolledUp) -> Figures:
    shown = index.reliability is not Reliability.TOO_FEW
    notes: list[str] = []
    if index.weighting is Weighting.RESPONSES:
        notes.append(_("No completed transactions were recorded, so cells are weighted by their responses."))
    elif index.unweighted_responses:
        notes.append(
            _("%(n)s responses about services with no completed transactions are not in the percentages.")
            % {"n": format_number(index.unweighted_responses)}
        )
    return Figures(
        n=index.n,
        reliability=index.reliability,
        satisfied=percentage(index.satisfied) if shown else None,
        dissatisfied=percentage(index.dissatisfied) if shown else None,
        low=percentage(index.interval[0]) if shown else None,
        high=percentage(index.interval[1]) if shown else None,
        completed=index.completed,
        response_rate=percentage(index.response_rate) if index.response_rate is not None else None,
        notes=tuple(notes),
        effective_n=round(index.effective_n) if round(index.effective_n) < index.n else None,
    )


def figures_of_counts(counts: Counts) -> Figures:
    """A single cell's raw figures (what is displayed even where the shrunk value ranked it)."""
    cell = cell_index(counts)
    shown = cell.reliability is not Reliability.TOO_FEW
    return Figures(
        n=counts.n,
        reliability=cell.reliability,
        satisfied=percentage(cell.satisfied) if shown else None,
        dissatisfied=percentage(cell.dissatisfied) if shown else None,
        low=percentage(cell.interval[0]) if shown else None,
        high=percentage(cell.interval[1]) if shown else None,
        completed=None,
        response_rate=None,
    )


@dataclass(frozen=True)
class EaseFigures:
    n: int
    agree: Decimal | None  # % answering 5-7, None when too few answers to show
    mean: Decimal | None  # on the 1-7 scale

    @property
    def shown(self) -> bool:
        return self.agree is not None

    @property
    def too_few_text(self) -> str:
        if not self.n:
            return _("no answers")
        return _("not enough answers (n = %(n)s)") % {"n": format_number(self.n)}


def ease_of(ease: Ease) -> EaseFigures:
    # The same small-sample rule as the index: an ease share over a handful of answers says nothing.
    if ease.agree_share is None or ease.mean is None or reliability_of(ease.n) is Reliability.TOO_FEW:
        return EaseFigures(ease.n, None, None)
    return EaseFigures(ease.n, percentage(ease.agree_share), rounded(ease.mean))


@dataclass(frozen=True)
class ChangeFigures:
    points: Decimal | None  # None when the previous period had no responses to compare with
    low: Decimal | None
    high: Decimal | None
    significant: bool
    words: str


def change_of(found: Change | None, previous_name: str) -> ChangeFigures:
    if found is None:
        return ChangeFigures(
            None, None, None, False, _("No comparison: %(period)s had no responses.") % {"period": previous_name}
        )
    points, low, high = rounded(found.difference), rounded(found.interval[0]), rounded(found.interval[1])
    values = {
        "period": previous_name,
        "points": format_number(abs(points)),
        "low": format_signed(low),
        "high": format_signed(high),
    }
    if found.direction is Direction.BETTER:
        words = _(
            "Up %(points)s points since %(period)s: a significant change (95%% interval %(low)s to %(high)s points)."
        )
    elif found.direction is Direction.WORSE:
        words = _(
            "Down %(points)s points since %(period)s: a significant change (95%% interval %(low)s to %(high)s points)."
        )
    else:
        values["points"] = format_signed(points)
        words = _(
            "No significant change since %(period)s: %(points)s points (95%% interval %(low)s to %(high)s points)."
        )
    return ChangeFigures(points, low, high, found.significant, words % values)


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str
    figures: Figures
    ease: EaseFigures
    change: ChangeFigures


def group_rows(rows: list[SatisfactionRow], previous_name: str) -> list[GroupRow]:
    """Rows as the selector orders them (most responses first)."""
    found = []
    for row in rows:
        figures = figures_of(row.index)
        # A change between two figures too small to show would give away what is hidden.
        change = (
            change_of(row.change, previous_name)
            if figures.shown
            else ChangeFigures(None, None, None, False, _("Too few responses to compare."))
        )
        found.append(
            GroupRow(key=row.key, label=row.label.in_language(), figures=figures, ease=ease_of(row.ease), change=change)
        )
    return found


@dataclass(frozen=True)
class TrendRow:
    month: str  # 2026-11
    label: str  # November 2026, in the active language
    figures: Figures


def trend_rows(points: list[TrendPoint]) -> list[TrendRow]:
    rows = []
    for point in points:
        year, month = (int(part) for part in point.month.split("-"))
        label = date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
        rows.append(TrendRow(month=point.month, label=label, figures=figures_of(point.index)))
    return rows


@dataclass(frozen=True)
class WorstRow:
    rank: int
    service_code: str
    service: str
    channel: str
    figures: Figures  # raw: the shrunk value only decided the order


def worst_rows(cells: list[RankedCell]) -> list[WorstRow]:
    return [
        WorstRow(
            rank=position,
            service_code=cell.service,
            service=cell.service_label.in_language(),
            channel=cell.channel_label.in_language(),
            figures=figures_of_counts(cell.counts),
        )
        for position, cell in enumerate(cells, start=1)
    ]


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class CaseFigures:
    opened: int
    kinds: list[KindRow]
    open_now: int
    answered_in_time: int
    answered_late: int
    overdue_unanswered: int
    sla_compliance: Decimal | None
    median_response_hours: Decimal | None
    response_scores: int
    mean_response_score: Decimal | None


def case_figures(statistics: CaseStatistics) -> CaseFigures:
    """Every kind is listed, with zero where none was filed, so the table never hides a kind."""
    kinds = [KindRow(kind.value, str(kind.label), statistics.by_kind.get(kind.value, 0)) for kind in CaseKind]
    compliance = statistics.sla_compliance
    return CaseFigures(
        opened=statistics.opened,
        kinds=kinds,
        open_now=statistics.open_now,
        answered_in_time=statistics.answered_in_time,
        answered_late=statistics.answered_late,
        overdue_unanswered=statistics.overdue_unanswered,
        sla_compliance=percentage(compliance) if compliance is not None else None,
        median_response_hours=(
            rounded(statistics.median_response_hours) if statistics.median_response_hours is not None else None
        ),
        response_scores=statistics.response_scores,
        mean_response_score=(
            rounded(statistics.mean_response_score) if statistics.mean_response_score is not None else None
        ),
    )


def channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


# --- themes ---------------------------------------------------------------------------------------

TOPIC_LABELS: dict[str, Promise] = {
    "waiting_time": gettext_lazy("Waiting time"),
    "staff_conduct": gettext_lazy("Staff conduct"),
    "fees": gettext_lazy("Fees"),
    "documents": gettext_lazy("Documents"),
    "app_or_website_fault": gettext_lazy("App or website fault"),
    "payment": gettext_lazy("Payment"),
    "appointment": gettext_lazy("Appointments"),
    "clarity_of_information": gettext_lazy("Clarity of information"),
    "other": gettext_lazy("Other"),
}
EXAMPLES_SHOWN = EXAMPLES_PER_THEME
# An example comment is cut to this many characters: a theme needs a glimpse, not a 100 KB paste.
EXAMPLE_CHARS = 300


@dataclass(frozen=True)
class ThemeRow:
    label: str
    is_topic: bool
    count: int
    share: Decimal
    previous_count: int
    previous_share: Decimal
    change: Decimal  # percentage points of the share of comments
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ThemeList:
    key: str  # frequent_topics, growing_topics, frequent_phrases, growing_phrases
    title: str
    rows: list[ThemeRow]


@dataclass(frozen=True)
class ThemeFigures:
    comments: int
    previous_comments: int
    lists: list[ThemeList]

    @property
    def frequent_topics(self) -> list[ThemeRow]:
        return self.lists[0].rows


def _example(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1].rstrip() + "…"


def _theme_rows(found: tuple[Theme, ...], *, topics: bool) -> list[ThemeRow]:
    rows = []
    for theme in found:
        label = str(TOPIC_LABELS.get(theme.label, theme.label)) if topics else theme.label
        share, previous_share = percentage(theme.share), percentage(theme.previous_share)
        rows.append(
            ThemeRow(
                label=label,
                is_topic=topics,
                count=theme.count,
                share=share,
                previous_count=theme.previous_count,
                previous_share=previous_share,
                change=share - previous_share,
                examples=tuple(_example(text) for text in theme.examples),
            )
        )
    return rows


def theme_figures(found: Themes) -> ThemeFigures:
    return ThemeFigures(
        comments=found.comments,
        previous_comments=found.previous_comments,
        lists=[
            ThemeList("frequent_topics", _("Most frequent topics"), _theme_rows(found.topics, topics=True)),
            ThemeList("growing_topics", _("Fastest-growing topics"), _theme_rows(found.growing_topics, topics=True)),
            ThemeList("frequent_phrases", _("Most frequent phrases"), _theme_rows(found.phrases, topics=False)),
            ThemeList(
                "growing_phrases", _("Fastest-growing phrases"), _theme_rows(found.growing_phrases, topics=False)
            ),
        ],
    )
