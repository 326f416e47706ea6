"""CSV downloads of the dashboard's tables.

Each file holds the same rounded figures as the table on the page, with a plain decimal point
and no digit grouping so that spreadsheets read them as numbers; headers are in the reader's
language. The file starts with a UTF-8 byte order mark: without it Excel reads UTF-8 as the local
code page and Arabic names come out as gibberish.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from tahawul.insights.presenters import EXAMPLES_SHOWN, CaseFigures, Figures, GroupRow, ThemeFigures, TrendRow, WorstRow

BYTE_ORDER_MARK = "\ufeff"
Cell = str | int | Decimal | None


class _Line:
    """A file-like object that hands back what csv.writer writes, so each row can be streamed."""

    def write(self, value: str) -> str:
        return value


def _plain(value: Cell) -> str:
    if value is None:
        return ""
    return str(value)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> StreamingHttpResponse:
    writer = csv.writer(_Line())

    def lines() -> Iterator[str]:
        yield BYTE_ORDER_MARK + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_plain(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def figure_header() -> list[str]:
    return [
        # xgettext:no-python-format
        _("% satisfied"),
        # xgettext:no-python-format
        _("% dissatisfied"),
        # xgettext:no-python-format
        _("95% interval, low"),
        # xgettext:no-python-format
        _("95% interval, high"),
        _("Responses (n)"),
        _("Reliability"),
    ]


def figure_cells(figures: Figures) -> list[Cell]:
    return [
        figures.satisfied,
        figures.dissatisfied,
        figures.low,
        figures.high,
        figures.n,
        figures.reliability_text,
    ]


def group_table(rows: Iterable[GroupRow], group_title: str) -> tuple[list[str], list[list[Cell]]]:
    header = [
        _("Code"),
        group_title,
        *figure_header(),
        _("Completed transactions"),
        # xgettext:no-python-format
        _("% response rate"),
        _("Ease answers (n)"),
        # xgettext:no-python-format
        _("% agree it was easy"),
        _("Mean ease (1 to 7)"),
        _("Change in points"),
        # xgettext:no-python-format
        _("Change, 95% interval low"),
        # xgettext:no-python-format
        _("Change, 95% interval high"),
        _("Significant change"),
    ]
    body = [
        [
            row.key,
            row.label,
            *figure_cells(row.figures),
            row.figures.completed,
            row.figures.response_rate,
            row.ease.n,
            row.ease.agree,
            row.ease.mean,
            row.change.points,
            row.change.low,
            row.change.high,
            (_("yes") if row.change.significant else _("no")) if row.change.points is not None else None,
        ]
        for row in rows
    ]
    return header, body


def trend_table(rows: Iterable[TrendRow]) -> tuple[list[str], list[list[Cell]]]:
    header = [
        _("Month"),
        *figure_header(),
        _("Completed transactions"),
        # xgettext:no-python-format
        _("% response rate"),
    ]
    body = [[row.month, *figure_cells(row.figures), row.figures.completed, row.figures.response_rate] for row in rows]
    return header, body


def worst_table(rows: Iterable[WorstRow]) -> tuple[list[str], list[list[Cell]]]:
    header = [_("Rank"), _("Code"), _("Service"), _("Channel"), *figure_header()]
    body = [[row.rank, row.service_code, row.service, row.channel, *figure_cells(row.figures)] for row in rows]
    return header, body


def cases_table(figures: CaseFigures) -> tuple[list[str], list[list[Cell]]]:
    header = [_("Measure"), _("Value")]
    body: list[list[Cell]] = [[_("Cases filed"), figures.opened]]
    body += [[row.label, row.count] for row in figures.kinds]
    body += [
        [_("Still open"), figures.open_now],
        [_("Answered within the time limit"), figures.answered_in_time],
        [_("Answered late"), figures.answered_late],
        [_("Overdue and not answered yet"), figures.overdue_unanswered],
        # xgettext:no-python-format
        [_("% answered within the time limit"), figures.sla_compliance],
        [_("Median time to first answer (hours)"), figures.median_response_hours],
        [_("Ratings of answers (n)"), figures.response_scores],
        [_("Mean rating of answers (1 to 5)"), figures.mean_response_score],
    ]
    return header, body


def themes_table(figures: ThemeFigures) -> tuple[list[str], list[list[Cell]]]:
    header = [
        _("List"),
        _("Theme"),
        _("Comments (n)"),
        # xgettext:no-python-format
        _("% of comments"),
        _("Comments in the previous period (n)"),
        # xgettext:no-python-format
        _("% of comments in the previous period"),
        _("Change in points"),
        *[_("Example %(number)s") % {"number": number} for number in range(1, EXAMPLES_SHOWN + 1)],
    ]
    body: list[list[Cell]] = []
    for found in figures.lists:
        for row in found.rows:
            examples = list(row.examples) + [""] * (EXAMPLES_SHOWN - len(row.examples))
            body.append(
                [
                    found.title,
                    row.label,
                    row.count,
                    row.share,
                    row.previous_count,
                    row.previous_share,
                    row.change,
                    *examples,
                ]
            )
    return header, body
