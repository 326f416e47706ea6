"""Offline volumes from a CSV file: many months and services at once, all or nothing."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from tahawul.catalog.models import Entity, Service
from tahawul.core.digits import ascii_digits
from tahawul.core.text import LANGUAGES, LocalizedText
from tahawul.identity.models import User
from tahawul.performance.actions import check_admin, set_offline_volumes
from tahawul.performance.errors import InvalidFigures

COLUMNS = ("month", "service", "channel", "completed")
MAX_ROWS = 20_000
ERRORS_SHOWN = 10


def _line_error(line: int, message: object) -> LocalizedText:
    texts = {}
    for language in LANGUAGES:
        with override(language):
            texts[language] = str(_("Line %(line)s: %(problem)s")) % {"line": line, "problem": str(message)}
    return LocalizedText(**texts)


def _month(text: str) -> date | None:
    try:
        month = date.fromisoformat(f"{ascii_digits(text.strip())}-01")
    except ValueError:
        return None
    return month


def import_offline_volumes(*, actor: User, entity: Entity, content: bytes) -> int:
    """An entity admin's CSV of offline volumes (columns month, service, channel, completed; a
    header line first; UTF-8, with or without a byte-order mark) set in one transaction.
    Returns the number of rows set. Raises NotFound for anyone but the entity's admins and
    InvalidFigures, keyed ``file``, listing the first bad lines; nothing is saved then. Every
    check of :func:`set_offline_volumes` applies to every row."""
    check_admin(actor, entity.pk, "offline volumes")
    problems: list[LocalizedText] = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFigures({"file": _line_error(1, _("the file is not UTF-8 text."))}) from None
    reader = csv.reader(io.StringIO(text))
    header = [column.strip().lower() for column in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise InvalidFigures({"file": _line_error(1, _("the first line must be: month,service,channel,completed."))})
    services = dict(Service.objects.filter(entity=entity).values_list("code", "pk"))
    by_month: dict[date, dict[tuple[int, str], int]] = defaultdict(dict)
    rows = 0
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        rows += 1
        if rows > MAX_ROWS:
            problems.append(_line_error(line, _("a file may hold at most 20,000 rows.")))
            break
        if len(record) != len(COLUMNS):
            problems.append(_line_error(line, _("give exactly four values.")))
            continue
        month_text, code, channel, count_text = (cell.strip() for cell in record)
        month = _month(month_text)
        count_digits = ascii_digits(count_text)
        if month is None:
            problems.append(_line_error(line, _("give the month as 2026-11.")))
        elif code not in services:
            problems.append(_line_error(line, _("this service is not one of your entity's.")))
        elif not count_digits.isdigit():
            problems.append(_line_error(line, _("give a whole number of transactions, 0 or more.")))
        elif (services[code], channel) in by_month[month]:
            problems.append(_line_error(line, _("this service, channel and month came earlier in the file.")))
        else:
            by_month[month][(services[code], channel)] = int(count_digits)
    if problems:
        raise InvalidFigures({"file": _joined(problems[:ERRORS_SHOWN])})
    with transaction.atomic():
        for month, volumes in sorted(by_month.items()):
            try:
                set_offline_volumes(actor=actor, entity=entity, month=month, volumes=volumes)
            except InvalidFigures as error:
                first = next(iter(error.errors.values()))
                raise InvalidFigures({"file": _prefixed(month, first)}) from None
    return sum(len(volumes) for volumes in by_month.values())


def _joined(problems: list[LocalizedText]) -> LocalizedText:
    return LocalizedText(
        **{language: " ".join(getattr(problem, language) for problem in problems) for language in LANGUAGES}
    )


def _prefixed(month: date, problem: LocalizedText) -> LocalizedText:
    return LocalizedText(**{language: f"{month:%Y-%m}: {getattr(problem, language)}" for language in LANGUAGES})
