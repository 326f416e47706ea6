"""``tahawul report cabinet --language ar|en --month YYYY-MM --output FILE.pdf``: the cabinet report.

The national report (every entity's plan and KPIs) for a month (``2026-11``) or a quarter
(``2026-Q3``); without ``--month``, the last complete month. Plans are judged as they stand
today. A bad month, language or output path fails with a message and a non-zero exit, and no
file is written; the PDF is written whole or not at all (to a temporary name, then renamed).
Subcommands leave room for more reports (``report <name>``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tahawul.insights.cabinet import BadReportPeriod, last_complete_month, parse_report_period
from tahawul.insights.cabinet_pdf import LANGUAGES, cabinet_report_pdf
from tahawul.plans.models import Plan


class Command(BaseCommand):
    help = "Make a report as a PDF (cabinet: the national e-transformation report)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="report", required=True, metavar="report")
        cabinet = subcommands.add_parser("cabinet", help="the national report for the cabinet, as a PDF")
        cabinet.add_argument("--language", choices=LANGUAGES, default="ar", help="ar (default) or en")
        cabinet.add_argument(
            "--month", default="", help="YYYY-MM, or a quarter YYYY-Qn (default: the last complete month)"
        )
        cabinet.add_argument("--output", type=Path, required=True, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "cabinet":
            self.cabinet(language=options["language"], month=options["month"], output=options["output"])

    def cabinet(self, *, language: str, month: str, output: Path) -> None:
        today = timezone.localdate()
        try:
            period = parse_report_period(month) if month else last_complete_month(today)
        except BadReportPeriod as error:
            raise CommandError(f"--month {month!r}: {error.message}") from None
        if not output.parent.is_dir():
            raise CommandError(f"--output {output}: the folder {output.parent} does not exist")
        plans = Plan.objects.all()
        report, pdf = cabinet_report_pdf(plans=plans, entity_ids=None, period=period, today=today, language=language)
        _write_whole(output, pdf)
        self.stdout.write(
            f"Wrote {output} ({len(pdf):,} bytes): the cabinet report for {period.name} in {language},"
            f" {len(report.entities)} entities, {len(report.late_items)} late milestones."
        )


def _write_whole(path: Path, content: bytes) -> None:
    """``content`` at ``path``, or nothing there (an interrupted write leaves no half PDF)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
