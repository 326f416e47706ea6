"""CSV downloads of the KPI dashboard's tables: the same rounded figures as the page, with the
counts each ratio was divided from, a plain decimal point and no digit grouping (so spreadsheets
read numbers), headers in the reader's language; written by ``exports.csv_response`` (streamed,
with the byte order mark Excel needs to read Arabic)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from tahawul.insights.exports import Cell
from tahawul.insights.kpi_presenters import KpiFigures, KpiGroupRow


def kpi_header() -> list[str]:
    return [
        _("Completed transactions, in Tahawul and outside"),
        _("Completed in Tahawul (digital)"),
        _("Completed outside Tahawul"),
        # xgettext:no-python-format
        _("% digital take-up"),
        _("Drafts started"),
        _("Of them submitted"),
        # xgettext:no-python-format
        _("% completion rate"),
        _("Responses (n)"),
        # xgettext:no-python-format
        _("% satisfied"),
        # xgettext:no-python-format
        _("% dissatisfied"),
        # xgettext:no-python-format
        _("95% interval, low"),
        # xgettext:no-python-format
        _("95% interval, high"),
        _("Reliability"),
        _("Cost per transaction (BHD)"),
        # xgettext:no-python-format
        _("% of transactions with a cost entered"),
        _("Median processing time (working days)"),
        _("90th percentile processing time (working days)"),
        _("Within the SLA"),
        # xgettext:no-python-format
        _("% SLA compliance"),
        _("Complaints"),
        _("Complaints per 1,000 transactions"),
    ]


def kpi_cells(figures: KpiFigures) -> list[Cell]:
    satisfaction = figures.satisfaction
    return [
        figures.transactions,
        figures.digital,
        figures.offline,
        figures.digital_take_up,
        figures.started,
        figures.submitted,
        figures.completion_rate,
        satisfaction.n if satisfaction is not None else 0,
        satisfaction.satisfied if satisfaction is not None else None,
        satisfaction.dissatisfied if satisfaction is not None else None,
        satisfaction.low if satisfaction is not None else None,
        satisfaction.high if satisfaction is not None else None,
        satisfaction.reliability_text if satisfaction is not None else _("no responses"),
        figures.cost_per_transaction,
        figures.cost_coverage,
        figures.median_days,
        figures.p90_days,
        figures.within_sla,
        figures.sla_compliance,
        figures.complaints,
        figures.complaints_per_1000,
    ]


def kpi_table(rows: Iterable[KpiGroupRow], group_title: str) -> tuple[list[str], list[list[Cell]]]:
    header = [_("Code"), group_title, *kpi_header()]
    return header, [[row.key, row.label, *kpi_cells(row.figures)] for row in rows]
