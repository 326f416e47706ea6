"""KPI dashboard reads at 1 million and at 10 million applications, beside a naive GROUP BY over
the raw applications (and cases and ratings) for the same figures, on SQLite and PostgreSQL
(issue 5).

    .venv/bin/python bench/kpis.py [--applications 1000000,10000000] [--quick]
                                   [--database sqlite|postgresql|both]
                                   [--repeat 15] [--naive-repeat 3] [--naive-budget 60]

``--quick`` is ``--applications 100000`` (a few minutes in all): one size, so no growth ratio,
only naive/aggregate at that size.

For each database and each size, a throw-away database (SQLite in a temporary directory;
PostgreSQL ``tahawul_bench_kpis`` on 127.0.0.1:5432, created and dropped) gets the demo
catalogue and a 24-month history from the simulator (``tahawul.demo.simulate``, seed 7, its
``scale`` chosen for the size asked: scale 1 is about 200,000 applications). SQLite loads with
synchronous=OFF and journal_mode=MEMORY, then goes back to WAL as `make run` has it; PostgreSQL
gets VACUUM ANALYZE, as autovacuum would after such a load.

Then each read the KPI dashboard makes for the last complete month is timed two ways (median of
--repeat runs after an untimed one; the naive reads at most --naive-repeat runs, none after
--naive-budget seconds):

* aggregate: ``tahawul.performance.selectors`` as they are: ServiceMonth, ProcessingMonth,
             OfflineVolume, ChannelCost and the feedback day aggregates;
* naive:     the same selectors and the same maths, with ServiceMonth's and ProcessingMonth's rows
             grouped from the Application table (drafts begun and submitted by the month they were
             begun, completions and SLA kept by the month they closed, working days from
             submission to closing by a GROUP BY over the two local days) and from Case
             (complaints), and the satisfaction cells and monthly trend grouped from Rating
             (bench/satisfaction.py's naive reads). Offline volumes and channel costs are
             entered figures, not counted from rows: both ways read them as they are.

Both must give the same figures (checked, printed). The claim under test: the aggregate reads
cost about the same at 10 M as at 1 M (ratio near 1), while the naive ones grow with the
applications. Each (database, size) runs in its own process; the milliseconds depend on the
machine's load, the ratios are what to compare. On a 2-core machine: --quick about 2 minutes per
database; --applications 100000,1000000 about 8 minutes for both; 1M and 10M on PostgreSQL
about 20 minutes (simulating 9.5 M applications: 16 of them).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from unittest import mock

BENCH_DIR = Path(__file__).resolve().parent
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
POSTGRES_DATABASE = "tahawul_bench_kpis"
APPLICATIONS_AT_SCALE_ONE = 200_000  # the simulator's scale 1.0 over 24 months (its docstring)
MONTHS = 24
QUICK_SIZES = "100000"


def _satisfaction_bench() -> Any:
    """bench/satisfaction.py, for its naive satisfaction read and its helpers."""
    spec = importlib.util.spec_from_file_location("bench_satisfaction", BENCH_DIR / "satisfaction.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", default="1000000,10000000", help="comma-separated sizes, smallest first")
    parser.add_argument("--quick", action="store_true", help=f"--applications {QUICK_SIZES}: a small run")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each aggregate read")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive read, at most")
    parser.add_argument("--naive-budget", type=float, default=60.0, help="seconds after which a naive read stops")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sizes = [int(size) for size in (QUICK_SIZES if arguments.quick else arguments.applications).split(",")]
    if arguments.worker:
        worker(arguments.database, sizes[0], arguments.repeat, arguments.naive_repeat, arguments.naive_budget)
        return
    helpers = _satisfaction_bench()
    started = time.perf_counter()
    databases = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    failed = False
    for database in databases:
        if database == "postgresql" and not helpers._postgres_answers():
            print("\npostgresql: no server answers on 127.0.0.1:5432; skipped")
            continue
        results = [run(database, size, arguments, helpers) for size in sizes]
        report(database, results, helpers)
        failed |= not all(result["agree"] for result in results)
    print(f"\n(whole benchmark: {time.perf_counter() - started:.0f} s)")
    if failed:
        sys.exit("the naive and the aggregate reads disagree: the KPI counters do not match the rows")


def run(database: str, size: int, arguments: argparse.Namespace, helpers: Any) -> dict[str, Any]:
    """One (database, size) in a fresh database and a fresh process; returns what the worker measured."""
    workdir = Path(tempfile.mkdtemp(prefix="tahawul-bench-kpis-"))
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"TAHAWUL_VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "tahawul.settings", "LOG_LEVEL": "WARNING"}
    if database == "postgresql":
        helpers._postgres_sql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}", f"CREATE DATABASE {POSTGRES_DATABASE}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{POSTGRES_DATABASE}"
    print(f"\n{database}: {size:,} applications ...", flush=True)
    command = [sys.executable, __file__, "--worker", "--database", database, "--applications", str(size)]
    command += ["--repeat", str(arguments.repeat), "--naive-repeat", str(arguments.naive_repeat)]
    command += ["--naive-budget", str(arguments.naive_budget)]
    try:
        output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        if database == "postgresql":
            helpers._postgres_sql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        workdir.rmdir()
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def report(database: str, results: list[dict[str, Any]], helpers: Any) -> None:
    small, large = results[0], results[-1]
    names = [helpers._size_name(result["asked"]) for result in (small, large)]
    print(f"\n== {database} ==")
    for result in results:
        rows = result["rows"]
        print(
            f"simulated {result['applications']:>12,} applications (asked {result['asked']:,})"
            f" in {result['generation_seconds']:7.1f} s"
            f" ({result['applications'] / result['generation_seconds']:,.0f}/s)"
        )
        print(
            f"    aggregate rows: ServiceMonth {rows['service_months']:,},"
            f" ProcessingMonth {rows['processing_months']:,},"
            f" ratings {rows['ratings']:,}, cases {rows['cases']:,};"
            f" naive and aggregate figures {'agree' if result['agree'] else 'DISAGREE'}"
        )
    print(f"\nmedian milliseconds (month {large['month']})")
    if len(results) < 2:
        print(f"{'operation':40} {'aggregate':>10} {'naive':>10} {'naive/agg':>10}")
        for name, samples in large["operations"].items():
            aggregate, naive = (statistics.median(samples[way]) for way in ("aggregate", "naive"))
            print(f"{name:40} {aggregate:10.1f} {naive:10.1f} {naive / aggregate:10.0f}")
    else:
        print(
            f"{'operation':40} {'agg ' + names[0]:>10} {'agg ' + names[1]:>10} {'naive ' + names[0]:>11}"
            f" {'naive ' + names[1]:>11} {'agg ' + names[1] + '/' + names[0]:>11} "
            f"{'naive ' + names[1] + '/' + names[0]:>13} {'naive/agg ' + names[1]:>14}"
        )
        for name in large["operations"]:
            figures = [
                statistics.median(result["operations"][name][way])
                for way in ("aggregate", "naive")
                for result in (small, large)
            ]
            aggregate_small, aggregate_large, naive_small, naive_large = figures
            print(
                f"{name:40} {aggregate_small:10.1f} {aggregate_large:10.1f} {naive_small:11.1f} {naive_large:11.1f}"
                f" {aggregate_large / aggregate_small:11.2f} {naive_large / naive_small:13.1f}"
                f" {naive_large / aggregate_large:14.0f}"
            )
    runs = [len(result["operations"][name]["naive"]) for result in results for name in result["operations"]]
    print(f"(naive reads: {min(runs)} to {max(runs)} timed runs each, stopping after --naive-budget seconds)")
    sys.stdout.flush()


# --- the worker: one database, one size -------------------------------------------------------


def worker(database: str, size: int, repeat: int, naive_repeat: int, naive_budget: float) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tahawul.catalog.models import Service
    from tahawul.demo.loader import load_demo
    from tahawul.performance import selectors
    from tahawul.performance.spans import MonthSpan, add_months

    helpers = _satisfaction_bench()
    call_command("migrate", verbosity=0)
    load_demo()
    generation_seconds, history = _load_history(database, size)
    helpers._log(f"simulated {history.applications:,} applications in {generation_seconds:.0f} s")
    today = timezone.localdate()
    month = add_months(today.replace(day=1), -1)
    span = MonthSpan(month, month)
    trend = MonthSpan.ending(month, 12)
    busiest = Service.objects.order_by("-annual_volume", "code").values_list("entity_id", "entity__code").first()
    assert busiest is not None
    entity_id, entity_code = busiest
    # What the KPI dashboard reads for one month: the headline, the table (by service, the
    # default, or by channel or entity) and the 12-month trend; and an entity's own dashboard.
    operations: dict[str, Callable[[], object]] = {
        "kpis (headline)": lambda: selectors.kpis(span=span),
        "kpis_by(service)": lambda: selectors.kpis_by(group_by="service", span=span),
        "kpis_by(channel)": lambda: selectors.kpis_by(group_by="channel", span=span),
        "kpis_by(entity)": lambda: selectors.kpis_by(group_by="entity", span=span),
        "kpis_by(month, 12 months trend)": lambda: selectors.kpis_by(group_by="month", span=trend),
        f"kpis_by(service, {entity_code})": lambda: selectors.kpis_by(
            group_by="service", span=span, entity_ids=[entity_id]
        ),
    }
    results: dict[str, dict[str, list[float]]] = {}
    agree = True
    for name, operation in operations.items():
        expected = operation()  # the untimed first run of the aggregate read
        naive_samples, naive_result = helpers._timed_naive(_naively(operation), naive_repeat, naive_budget)
        difference = helpers._difference(expected, naive_result)
        agree &= difference is None
        if difference:
            helpers._log(f"{name}: the naive figures differ: {difference}")
        results[name] = {"aggregate": helpers._timed(operation, repeat), "naive": naive_samples}
        flag = "" if difference is None else ", FIGURES DIFFER"
        helpers._log(
            f"{name}: aggregate {statistics.median(results[name]['aggregate']):.1f} ms, "
            f"naive {statistics.median(results[name]['naive']):.1f} ms{flag}"
        )
    print(
        json.dumps(
            {
                "database": database,
                "asked": size,
                "applications": history.applications,
                "month": f"{month:%Y-%m}",
                "generation_seconds": generation_seconds,
                "rows": {
                    "service_months": history.service_months,
                    "processing_months": history.processing_months,
                    "ratings": history.ratings,
                    "cases": history.cases,
                },
                "operations": results,
                "agree": agree,
            }
        )
    )


def _load_history(database: str, size: int) -> tuple[float, Any]:
    """The simulator's history into the fresh database, with the bulk-load settings above; timed whole."""
    from django.db import connection

    from tahawul.demo.simulate import simulate

    started = time.perf_counter()
    if database == "sqlite":
        with connection.cursor() as cursor:
            for pragma in ("journal_mode=MEMORY", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                cursor.execute(f"PRAGMA {pragma}")
    history = simulate(months=MONTHS, seed=7, scale=size / APPLICATIONS_AT_SCALE_ONE)
    with connection.cursor() as cursor:
        if database == "sqlite":
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-2000"):
                cursor.execute(f"PRAGMA {pragma}")
        else:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started, history


# --- the naive reads: the counters' rows grouped from the raw tables --------------------------


def _naively(operation: Callable[[], object]) -> Callable[[], object]:
    """``operation`` with the counters' rows and the satisfaction cells read from the raw tables.
    The names are replaced wherever the performance app reads them (its modules are free to move
    the reads between them)."""
    import importlib

    helpers = _satisfaction_bench()
    stand_ins = {
        "ServiceMonth": NaiveServiceMonth,
        "ProcessingMonth": NaiveProcessingMonth,
        "cell_totals": helpers.naive_cell_totals,
        "monthly_trend": helpers.naive_monthly_trend,
    }
    modules = [importlib.import_module(f"tahawul.performance.{name}") for name in ("selectors", "tallies")]
    patches = [
        mock.patch.object(module, name, stand_in)
        for module in modules
        for name, stand_in in stand_ins.items()
        if hasattr(module, name)
    ]
    if not any(getattr(patch, "attribute", "") == "ServiceMonth" for patch in patches):
        raise RuntimeError("no module of tahawul.performance reads ServiceMonth any more: update bench/kpis.py")

    def naive() -> object:
        with contextlib.ExitStack() as stack:
            for patch in patches:
                stack.enter_context(patch)
            return operation()

    return naive


def _split(condition: Any) -> tuple[date | None, date | None, Any]:
    """A selector's filter on a counter (an AND of ``month__gte``, ``month__lte`` and cell
    conditions) as its month range and the rest, which names fields Application also has."""
    from django.db.models import Q

    first = last = None
    rest = Q()
    for child in condition.children:
        if isinstance(child, Q):
            inner_first, inner_last, inner_rest = _split(child)
            first, last, rest = inner_first or first, inner_last or last, rest & inner_rest
        elif child[0] == "month__gte":
            first = child[1]
        elif child[0] == "month__lte":
            last = child[1]
        else:
            rest &= Q(child)
    if condition.negated or condition.connector != "AND":
        raise ValueError(f"the naive read understands AND filters only: {condition}")
    return first, last, rest


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local midnight of ``first`` to local midnight after the month ``last`` begins."""
    from django.utils import timezone

    from tahawul.performance.spans import add_months

    zone = timezone.get_default_timezone()
    return (
        datetime.combine(first, clock_time.min, tzinfo=zone),
        datetime.combine(add_months(last, 1), clock_time.min, tzinfo=zone),
    )


def _local_month(value: Any) -> date:
    """A TruncMonth result (an aware datetime in SQLite and PostgreSQL alike) as its first day."""
    return (value.date() if isinstance(value, datetime) else value).replace(day=1)


def naive_service_months(condition: Any) -> list[tuple[Any, ...]]:
    """ServiceMonth's rows (entity, service, channel, month, started, submitted, completed,
    within_sla, complaints) for ``condition``, grouped from Application and Case."""
    from django.db.models import Count, F, Q, Value
    from django.db.models.functions import Coalesce, NullIf, TruncMonth
    from django.utils import timezone

    from tahawul.applications.models import Application
    from tahawul.feedback.models import Case, CaseKind

    zone = timezone.get_default_timezone()
    first, last, rest = _split(condition)
    assert first is not None and last is not None
    since, until = _bounds(first, last)
    cells: dict[tuple[int, int, str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    begun = (
        Application.objects.filter(rest, created_at__gte=since, created_at__lt=until)
        .values("entity_id", "service_id", "channel", begun_month=TruncMonth("created_at", tzinfo=zone))
        .annotate(started=Count("pk"), submitted=Count("submitted_at"))
        .order_by()
    )
    for row in begun:
        cell = cells[(row["entity_id"], row["service_id"], row["channel"], _local_month(row["begun_month"]))]
        cell[0] += row["started"]
        cell[1] += row["submitted"]
    closed = (
        Application.objects.filter(rest, closed_at__gte=since, closed_at__lt=until, submitted_at__isnull=False)
        .values("entity_id", "service_id", "channel", closed_month=TruncMonth("closed_at", tzinfo=zone))
        .annotate(completed=Count("pk"), within_sla=Count("pk", filter=Q(sla_missed=False)))
        .order_by()
    )
    for row in closed:
        cell = cells[(row["entity_id"], row["service_id"], row["channel"], _local_month(row["closed_month"]))]
        cell[2] += row["completed"]
        cell[3] += row["within_sla"]
    # A complaint counts on the channel it is about, else the one it came through (feedback.cases).
    complaints = (
        Case.objects.filter(kind=CaseKind.COMPLAINT, service__isnull=False, created_at__gte=since, created_at__lt=until)
        .annotate(
            cell_channel=Coalesce(NullIf(F("channel_concerned"), Value("")), F("filed_on")),
            cell_entity=F("service__entity_id"),
        )
        .filter(_renamed(rest, {"entity_id": "cell_entity", "channel": "cell_channel"}))
        .values("cell_entity", "service_id", "cell_channel", filed_month=TruncMonth("created_at", tzinfo=zone))
        .annotate(complaints=Count("pk"))
        .order_by()
    )
    for row in complaints:
        cells[(row["cell_entity"], row["service_id"], row["cell_channel"], _local_month(row["filed_month"]))][4] += row[
            "complaints"
        ]
    return [(*key, *values) for key, values in cells.items()]


def _renamed(condition: Any, names: dict[str, str]) -> Any:
    """``condition`` with its lookups' field names replaced (``entity_id__in`` → ``cell_entity__in``)."""
    from django.db.models import Q

    renamed = Q()
    for child in condition.children:
        if isinstance(child, Q):
            renamed &= _renamed(child, names)
        else:
            field, _, lookup = child[0].partition("__")
            renamed &= Q(**{"__".join(filter(None, [names.get(field, field), lookup])): child[1]})
    return renamed


def naive_processing(condition: Any, group_field: str | None) -> list[dict[str, Any]]:
    """ProcessingMonth's rows summed by (``group_field``, working_days), grouped from Application:
    one GROUP BY over the local days of submission and of closing, the working days between them
    counted here with the same calendar the actions use."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from tahawul.applications.models import Application
    from tahawul.core.calendar import working_days_between

    zone = timezone.get_default_timezone()
    first, last, rest = _split(condition)
    assert first is not None and last is not None
    since, until = _bounds(first, last)
    grouped_by = [] if group_field in (None, "month") else [group_field]
    pairs = (
        Application.objects.filter(rest, closed_at__gte=since, closed_at__lt=until, submitted_at__isnull=False)
        .values(
            *grouped_by,
            submitted_day=TruncDate("submitted_at", tzinfo=zone),
            closed_day=TruncDate("closed_at", tzinfo=zone),
        )
        .annotate(total=Count("pk"))
        .order_by()
    )
    days_between: dict[tuple[date, date], int] = {}
    sums: dict[tuple[Any, int], int] = defaultdict(int)
    for row in pairs:
        key = (row["submitted_day"], row["closed_day"])
        if key not in days_between:
            days_between[key] = min(working_days_between(*key), 32_000)
        group = row["closed_day"].replace(day=1) if group_field == "month" else row.get(group_field)
        sums[(group, days_between[key])] += row["total"]
    return [
        {**({group_field: group} if group_field else {}), "working_days": days, "total": total}
        for (group, days), total in sums.items()
    ]


class _NaiveQuery:
    """Answers the one chain of calls each selector makes on a counter's manager."""

    def __init__(self, reader: Callable[..., Any], conditions: tuple[Any, ...], lookups: dict[str, Any]) -> None:
        from django.db.models import Q

        self.reader = reader
        self.condition = Q(*conditions, **lookups)
        self.fields: tuple[str, ...] = ()

    def values_list(self, *fields: str) -> _NaiveQuery:
        self.fields = fields
        return self

    def values(self, *fields: str) -> _NaiveQuery:
        self.fields = fields
        return self

    def annotate(self, **_sums: Any) -> _NaiveQuery:
        return self

    def order_by(self) -> Any:
        return self.reader(self.condition, self.fields)


def _service_month_rows(condition: Any, fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    expected = ("entity_id", "service_id", "channel", "month", "started", "submitted", "completed", "within_sla")
    if fields != (*expected, "complaints"):
        raise ValueError(f"the naive ServiceMonth does not know this read: {fields}")
    return naive_service_months(condition)


def _processing_rows(condition: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    group = [field for field in fields if field != "working_days"]
    return naive_processing(condition, group[0] if group else None)


class NaiveServiceMonth:
    class objects:  # stands in for a model's manager
        @staticmethod
        def filter(*conditions: Any, **lookups: Any) -> _NaiveQuery:
            return _NaiveQuery(_service_month_rows, conditions, lookups)


class NaiveProcessingMonth:
    class objects:  # stands in for a model's manager
        @staticmethod
        def filter(*conditions: Any, **lookups: Any) -> _NaiveQuery:
            return _NaiveQuery(_processing_rows, conditions, lookups)


if __name__ == "__main__":
    main()
