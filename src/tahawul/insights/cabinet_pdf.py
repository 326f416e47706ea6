"""The cabinet report as an A4 PDF, in Arabic (right to left) or English.

Laid out by WeasyPrint as the certificates are (``applications/certificates.py``): the stylesheet
is inline, fonts come from fontconfig (Noto Naskh Arabic and Noto Serif, installed by
``scripts/ensure-system-packages``), Arabic is shaped by Pango and HarfBuzz, and every URL fetch
is refused, so rendering never reaches the network or the file system.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tahawul.insights.cabinet import CabinetReport, ReportPeriod, build_cabinet_report
from tahawul.plans.models import Plan

TEMPLATE = "insights/cabinet/report.html"
LANGUAGES = ("ar", "en")
_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: backslashes, quotes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_counter_content() -> str:
    """The CSS ``content`` value of the footer: "Page 2 of 7" in the active language. The
    translated sentence is split at its placeholders, so a translation may put the numbers in
    any order; the page counters use the same Western digits as every number in the report."""
    sentence = _("Page %(page)s of %(pages)s")
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(sentence):
        if match.start() > position:
            parts.append(css_string(sentence[position : match.start()]))
        parts.append(f"counter({match[1]})")
        position = match.end()
    if position < len(sentence):
        parts.append(css_string(sentence[position:]))
    return " ".join(parts)


def report_title(report: CabinetReport) -> str:
    if report.national:
        return _("Cabinet report: the national e-transformation, %(period)s") % {"period": report.period.label}
    return _("E-transformation report: %(entities)s, %(period)s") % {
        "entities": _(", ").join(report.scope_names),
        "period": report.period.label,
    }


def file_name(report: CabinetReport) -> str:
    """``tahawul-cabinet-report-2026-11-ar.pdf``; a report on some entities only is an
    ``entity-report`` and names them by code, so two entities' files never share a name."""
    if report.national:
        return f"tahawul-cabinet-report-{report.period.name}-{report.language}.pdf"
    codes = "-".join(report.scope_codes).lower()
    return f"tahawul-entity-report-{codes}-{report.period.name}-{report.language}.pdf"


def _quarter_label(quarter: date) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": (quarter.month - 1) // 3 + 1, "year": quarter.year}


@cache
def _refusing_fetcher_class() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL: the report needs nothing from outside
    (fonts come from fontconfig, the stylesheet is inline), so a fetch is a template mistake."""
    from weasyprint import URLFetcher
    from weasyprint.urls import FatalURLFetchingError  # type: ignore[import-untyped]

    class RefusingFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            raise FatalURLFetchingError(f"The cabinet report loads no external resources; refused {url[:80]!r}")

    return RefusingFetcher


def render_cabinet_html(report: CabinetReport) -> str:
    """The HTML WeasyPrint lays out, in the report's language (tests read it beside the PDF)."""
    with translation.override(report.language):
        title = report_title(report)
        return render_to_string(
            TEMPLATE,
            {
                "report": report,
                "title": title,
                "language": report.language,
                "direction": "rtl" if translation.get_language_bidi() else "ltr",
                "as_of": date_format(report.as_of, "DATE_FORMAT"),
                "stage_quarter": _quarter_label(report.stage_quarter),
                "header_content": css_string(title),
                "footer_content": page_counter_content(),
            },
        )


def render_cabinet_pdf(report: CabinetReport) -> bytes:
    """The report as an A4 PDF. WeasyPrint is imported here, not at the top: it takes over a
    second to import and loads Pango, which the rest of the site does not need."""
    from weasyprint import HTML

    document = HTML(string=render_cabinet_html(report), base_url=None, url_fetcher=_refusing_fetcher_class()())
    pdf: bytes = document.write_pdf()
    return pdf


def cabinet_report_pdf(
    *, plans: QuerySet[Plan], entity_ids: frozenset[int] | None, period: ReportPeriod, today: date, language: str
) -> tuple[CabinetReport, bytes]:
    """The report built and rendered in ``language`` (``ar`` or ``en``): what the command and
    the button both call. Access is the caller's to check (see ``build_cabinet_report``)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    with translation.override(language):
        report = build_cabinet_report(plans=plans, entity_ids=entity_ids, period=period, today=today)
    return report, render_cabinet_pdf(report)
