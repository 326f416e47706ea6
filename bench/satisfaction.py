"""Satisfaction index reads at 100 thousand and at 10 million ratings, beside a naive GROUP BY
over the raw ratings for the same figures, on SQLite and PostgreSQL (issue 4).

    .venv/bin/python bench/satisfaction.py [--ratings 100000,10000000] [--database sqlite|postgresql|both]
                                           [--repeat 15] [--naive-repeat 3] [--naive-budget 60]

For each database and each size, a throw-away database (SQLite in a temporary directory;
PostgreSQL ``tahawul_bench_sat`` on 127.0.0.1:5432, created and dropped) gets the demo catalogue
and a history from ``generate_feedback`` (the demo's own generator: ratings, their per-day
aggregates and completed transactions). Loading 10 M ratings fast: the ratings' secondary
indexes are dropped before and rebuilt after (timed with the load); SQLite loads with
synchronous=OFF and journal_mode=MEMORY, then goes back to WAL as `make run` has it; PostgreSQL
gets VACUUM ANALYZE, as autovacuum would do after such a load.

Then each dashboard read is timed two ways (median of --repeat runs after an untimed one; the
naive reads, which take up to a minute each at 10 M on SQLite, --naive-repeat runs at most and
none after --naive-budget seconds):

* aggregate: the selectors of tahawul.feedback.satisfaction, which read SatisfactionDay and CompletedDay;
* naive:     the same selectors and the same maths, with the per-cell sums taken by a GROUP BY over
             the Rating table instead (completed transactions still come from CompletedDay: the
             history has no applications to count).

Both must give the same figures (checked, printed). The claim under test: the aggregate reads
cost about the same at 10 M as at 100 k (ratio near 1), while the naive ones grow with the ratings.
Each (database, size) runs in its own process; the milliseconds depend on the machine's load,
the ratios are what to compare between runs. The whole default run took about 23 minutes on a
2-core machine (generating 10 M ratings: about 6 minutes per database); --ratings 100000,1000000
gives the same picture in about 5.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
POSTGRES_DATABASE = "tahawul_bench_sat"
PERIOD = "90d"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", default="100000,10000000", help="comma-separated sizes, smallest first")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each aggregate read")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive read, at most")
    parser.add_argument(
        "--naive-budget",
        type=float,
        default=60.0,
        help="seconds after which a naive read is not run again (at 10 M on SQLite one run can take minutes)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.ratings.split(",")]
    if arguments.worker:
        worker(arguments.database, sizes[0], arguments.repeat, arguments.naive_repeat, arguments.naive_budget)
        return
    started = time.perf_counter()
    databases = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    failed = False
    for database in databases:
        if database == "postgresql" and not _postgres_answers():
            print("\npostgresql: no server answers on 127.0.0.1:5432; skipped")
            continue
        results = [run(database, size, arguments) for size in sizes]
        report(database, results)
        failed |= not all(result["agree"] for result in results)
    print(f"\n(whole benchmark: {time.perf_counter() - started:.0f} s)")
    if failed:
        sys.exit("the naive and the aggregate reads disagree: the aggregates do not match the ratings")


def run(database: str, size: int, arguments: argparse.Namespace) -> dict[str, Any]:
    """One (database, size) in a fresh database and a fresh process; returns what the worker measured."""
    workdir = Path(tempfile.mkdtemp(prefix="tahawul-bench-sat-"))
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"TAHAWUL_VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "tahawul.settings", "LOG_LEVEL": "WARNING"}
    if database == "postgresql":
        _postgres_sql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}", f"CREATE DATABASE {POSTGRES_DATABASE}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{POSTGRES_DATABASE}"
    print(f"\n{database}: {size:,} ratings ...", flush=True)
    command = [sys.executable, __file__, "--worker", "--database", database, "--ratings", str(size)]
    command += ["--repeat", str(arguments.repeat), "--naive-repeat", str(arguments.naive_repeat)]
    command += ["--naive-budget", str(arguments.naive_budget)]
    try:
        output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        if database == "postgresql":
            _postgres_sql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        workdir.rmdir()
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def report(database: str, results: list[dict[str, Any]]) -> None:
    small, large = results[0], results[-1]
    size_names = [_size_name(result["ratings"]) for result in (small, large)]
    print(f"\n== {database} ==")
    for result in results:
        rows = result["rows"]
        print(
            f"generated {result['ratings']:>12,} ratings in {result['generation_seconds']:7.1f} s"
            f" ({result['ratings'] / result['generation_seconds']:,.0f}/s;"
            f" {result['index_seconds']:.1f} s of it rebuilding the rating indexes)"
        )
        print(
            f"    aggregate rows: SatisfactionDay {rows['satisfaction_days']:,},"
            f" CompletedDay {rows['completed_days']:,};"
            f" naive and aggregate figures {'agree' if result['agree'] else 'DISAGREE'}"
        )
    if len(results) < 2:
        small = large
    header = (
        f"{'operation (period ' + PERIOD + ')':34} {'agg ' + size_names[0]:>11} {'agg ' + size_names[1]:>11} "
        f"{'naive ' + size_names[0]:>12} {'naive ' + size_names[1]:>12} "
        f"{'agg ' + size_names[1] + '/' + size_names[0]:>13} {'naive ' + size_names[1] + '/' + size_names[0]:>15} "
        f"{'naive/agg ' + size_names[1]:>15}"
    )
    print("\nmedian milliseconds")
    print(header)
    for name in large["operations"]:
        figures = [
            statistics.median(result["operations"][name][way])
            for way in ("aggregate", "naive")
            for result in (small, large)
        ]
        aggregate_small, aggregate_large, naive_small, naive_large = figures
        print(
            f"{name:34} {aggregate_small:11.1f} {aggregate_large:11.1f} {naive_small:12.1f} {naive_large:12.1f} "
            f"{aggregate_large / aggregate_small:13.2f} {naive_large / naive_small:15.1f} "
            f"{naive_large / aggregate_large:15.0f}"
        )
    runs = [len(result["operations"][name]["naive"]) for result in results for name in result["operations"]]
    print(f"(naive reads: {min(runs)} to {max(runs)} timed runs each, stopping after --naive-budget seconds)")
    sys.stdout.flush()


def _size_name(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


# --- the worker: one database, one size -------------------------------------------------------


def worker(database: str, size: int, repeat: int, naive_repeat: int, naive_budget: float) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tahawul.catalog.models import Entity, Service
    from tahawul.demo.loader import load_demo
    from tahawul.feedback import satisfaction
    from tahawul.feedback.periods import parse_period
    from tahawul.feedback.satisfaction import GroupBy, Scope

    call_command("migrate", verbosity=0)
    load_demo()
    generation_seconds, index_seconds, history = _load_history(database, size)
    _log(f"generated {history.ratings:,} ratings in {generation_seconds:.0f} s")
    today = timezone.localdate()
    period = parse_period(PERIOD, today=today)
    busiest = Service.objects.order_by("-annual_volume", "code").values_list("entity_id", flat=True).first()
    entity = Entity.objects.get(pk=busiest)
    one_entity = Scope(entity_ids=frozenset({entity.pk}))
    operations: dict[str, Callable[[], object]] = {
        "satisfaction_by(channel)": lambda: satisfaction.satisfaction_by(GroupBy.CHANNEL, period),
        "satisfaction_by(service)": lambda: satisfaction.satisfaction_by(GroupBy.SERVICE, period),
        "satisfaction_by(entity)": lambda: satisfaction.satisfaction_by(GroupBy.ENTITY, period),
        f"satisfaction_by(service, {entity.code})": lambda: satisfaction.satisfaction_by(
            GroupBy.SERVICE, period, one_entity
        ),
        "overall": lambda: satisfaction.overall(period),
        "worst_cells(10)": lambda: satisfaction.worst_cells(period, limit=10),
        "monthly_trend(12 months)": lambda: satisfaction.monthly_trend(Scope(), months=12, today=today),
    }
    naive_trend = lambda: naive_monthly_trend(Scope(), months=12, today=today)  # noqa: E731
    results: dict[str, dict[str, list[float]]] = {}
    agree = True
    for name, operation in operations.items():
        naive = naive_trend if name.startswith("monthly_trend") else _with_naive_totals(operation)
        expected = operation()  # the untimed first run of the aggregate read
        naive_samples, naive_result = _timed_naive(naive, naive_repeat, naive_budget)
        difference = _difference(expected, naive_result)
        same = difference is None
        agree &= same
        if difference:
            _log(f"{name}: the naive figures differ: {difference}")
        results[name] = {"aggregate": _timed(operation, repeat), "naive": naive_samples}
        _log(
            f"{name}: aggregate {statistics.median(results[name]['aggregate']):.1f} ms, "
            f"naive {statistics.median(results[name]['naive']):.1f} ms{'' if same else ', FIGURES DIFFER'}"
        )
    print(
        json.dumps(
            {
                "database": database,
                "ratings": history.ratings,
                "generation_seconds": generation_seconds,
                "index_seconds": index_seconds,
                "rows": {"satisfaction_days": history.satisfaction_days, "completed_days": history.completed_days},
                "operations": results,
                "agree": agree,
            }
        )
    )


def _load_history(database: str, size: int) -> tuple[float, float, Any]:
    """generate_feedback into the fresh database, with the bulk-load settings above; timed whole."""
    from django.db import connection

    from tahawul.demo.feedback_history import generate_feedback

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if database == "sqlite":
            for pragma in ("journal_mode=MEMORY", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                cursor.execute(f"PRAGMA {pragma}")
        indexes = _rating_indexes(cursor, database)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    history = generate_feedback(ratings=size)
    index_started = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        index_seconds = time.perf_counter() - index_started
        if database == "sqlite":
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-2000"):
                cursor.execute(f"PRAGMA {pragma}")
    if database == "postgresql":  # outside any transaction here, as VACUUM needs
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started, index_seconds, history


def _rating_indexes(cursor: Any, database: str) -> list[tuple[str, str]]:
    """The Rating table's secondary indexes (not the primary key or unique constraints), with the
    statements that make them again."""
    if database == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'feedback_rating'"
            " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
        )
    else:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'feedback_rating'"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        )
    return [(name, definition) for name, definition in cursor.fetchall()]


# --- the naive reads: the same figures from the raw ratings -----------------------------------


def naive_cell_totals(scope: Any, start: date, end: date) -> dict[Any, Any]:
    """satisfaction.cell_totals, with the ratings' sums taken from the Rating table itself."""
    from django.db.models import Count, Q, Sum

    from tahawul.applications.models import CompletedDay
    from tahawul.feedback.index import Counts
    from tahawul.feedback.models import MoodChoice, Rating
    from tahawul.feedback.ratings import EASE_AGREES_FROM
    from tahawul.feedback.satisfaction import CellTotals

    window = Q(day__gte=start, day__lte=end) & scope.filter()
    ratings = (
        Rating.objects.filter(window)
        .values("service_id", "channel", "entity_id")
        .annotate(
            satisfied=Count("pk", filter=Q(mood=MoodChoice.SATISFIED)),
            neutral=Count("pk", filter=Q(mood=MoodChoice.NEUTRAL)),
            dissatisfied=Count("pk", filter=Q(mood=MoodChoice.DISSATISFIED)),
            ease_n=Count("ease"),
            ease_sum=Sum("ease", default=0),
            ease_agree=Count("pk", filter=Q(ease__gte=EASE_AGREES_FROM)),
        )
        .order_by()
    )
    completed = {
        (row["service_id"], row["channel"]): (row["total"], row["entity_id"])
        for row in CompletedDay.objects.filter(window)
        .values("service_id", "channel", "entity_id")
        .annotate(total=Sum("completed"))
        .order_by()
    }
    cells = {}
    for row in ratings:
        key = (row["service_id"], row["channel"])
        cells[key] = CellTotals(
            counts=Counts(row["satisfied"], row["neutral"], row["dissatisfied"]),
            completed=completed.pop(key, (0, 0))[0],
            ease_n=row["ease_n"],
            ease_sum=row["ease_sum"],
            ease_agree=row["ease_agree"],
            entity_id=row["entity_id"],
        )
    for key, (total, entity_id) in completed.items():
        cells[key] = CellTotals(Counts.zero(), total, 0, 0, 0, entity_id)
    return cells


def _with_naive_totals(operation: Callable[[], object]) -> Callable[[], object]:
    from tahawul.feedback import satisfaction

    def naive() -> object:
        with mock.patch.object(satisfaction, "cell_totals", naive_cell_totals):
            return operation()

    return naive


def naive_monthly_trend(scope: Any, *, months: int, today: date) -> list[Any]:
    """satisfaction.monthly_trend, with each cell's daily counts grouped from the Rating table."""
    from django.db.models import Count, Q

    from tahawul.applications.models import CompletedDay
    from tahawul.feedback.index import Counts, WeightedCell, rollup
    from tahawul.feedback.models import MoodChoice, Rating
    from tahawul.feedback.satisfaction import TrendPoint

    starts: list[date] = []
    month_start = today.replace(day=1)
    for _step in range(months):
        starts.append(month_start)
        month_start = (month_start - timedelta(days=1)).replace(day=1)
    starts.reverse()
    window = Q(day__gte=starts[0], day__lte=today) & scope.filter()
    per_month: dict[tuple[date, tuple[int, str]], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in (
        Rating.objects.filter(window)
        .values("day", "service_id", "channel")
        .annotate(
            satisfied=Count("pk", filter=Q(mood=MoodChoice.SATISFIED)),
            neutral=Count("pk", filter=Q(mood=MoodChoice.NEUTRAL)),
            dissatisfied=Count("pk", filter=Q(mood=MoodChoice.DISSATISFIED)),
        )
        .order_by()
    ):
        bucket = per_month[(row["day"].replace(day=1), (row["service_id"], row["channel"]))]
        bucket[0] += row["satisfied"]
        bucket[1] += row["neutral"]
        bucket[2] += row["dissatisfied"]
    for day, service_id, channel, completed in CompletedDay.objects.filter(window).values_list(
        "day", "service_id", "channel", "completed"
    ):
        per_month[(day.replace(day=1), (service_id, channel))][3] += completed
    return [
        TrendPoint(
            month=f"{start:%Y-%m}",
            index=rollup(
                [
                    WeightedCell(Counts(values[0], values[1], values[2]), values[3])
                    for (month, _key), values in per_month.items()
                    if month == start
                ]
            ),
        )
        for start in starts
    ]


# --- helpers ----------------------------------------------------------------------------------


def _timed(operation: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _timed_naive(operation: Callable[[], object], repeat: int, budget: float) -> tuple[list[float], object]:
    """Up to ``repeat`` timed runs, fewer once they have taken ``budget`` seconds; and the first
    run's result. No untimed run first: a scan of the whole table gains nothing from one."""
    samples: list[float] = []
    result: object = None
    while len(samples) < max(repeat, 1) and sum(samples) < budget * 1000:
        started = time.perf_counter()
        outcome = operation()
        samples.append((time.perf_counter() - started) * 1000)
        result = outcome if len(samples) == 1 else result
    return samples, result


def _difference(expected: Any, actual: Any, where: str = "result") -> str | None:
    """Where two results differ, or None when they are the same. Floats may differ in their last
    bits (the same cells summed in another order: an effective n of millions keeps only a few
    decimals), never by more than a billionth of their size."""
    if dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        if type(expected) is not type(actual):
            return f"{where}: {type(expected).__name__} against {type(actual).__name__}"
        for item in dataclasses.fields(expected):
            found = _difference(getattr(expected, item.name), getattr(actual, item.name), f"{where}.{item.name}")
            if found:
                return found
        return None
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list | tuple) or len(expected) != len(actual):
            return (
                f"{where}: {len(expected)} items against {len(actual) if isinstance(actual, list | tuple) else actual}"
            )
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found = _difference(left, right, f"{where}[{index}]")
            if found:
                return found
        return None
    if isinstance(expected, float) and isinstance(actual, float):
        return (
            None
            if math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-12)
            else f"{where}: {expected!r} against {actual!r}"
        )
    return None if expected == actual else f"{where}: {expected!r} against {actual!r}"


def _log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


def _postgres_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
