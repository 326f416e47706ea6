"""Bulk writes for the generated histories: rows straight into a table (COPY on PostgreSQL,
batched INSERTs elsewhere) and additions to the per-cell counter tables.

A history of ten million rows cannot go through the ORM one object at a time; these helpers
are what ``feedback_history`` and the simulator share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 5_000
BULK_CACHE_KIB = 256 * 1024


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Write ``rows`` (values of ``columns``, in that order) into ``model``'s table without the ORM:
    COPY on PostgreSQL, else executemany through Django's cursor in batches, dates adapted as the
    ORM adapts them. Returns how many rows were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's cursor wraps psycopg's, whose COPY is several times faster than any INSERT.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        adapters = _adapters(model, columns)
        statement = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            if adapters:
                values = list(row)
                for position, adapt in adapters:
                    values[position] = adapt(values[position])
                row = tuple(values)
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(statement, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            written += len(batch)
    return written


def _adapters(model: type[models.Model], columns: Sequence[str]) -> list[tuple[int, Callable[[Any], Any]]]:
    """The columns whose Python values the database driver cannot take as they are (SQLite stores
    dates as text, in the ORM's own format), with the function the ORM adapts them with."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    adapt_datetime = connection.ops.adapt_datetimefield_value
    stored_in_utc = connection.timezone is UTC

    def utc_datetime(value: Any) -> Any:
        # What the ORM's adapter makes of a datetime (naive UTC, as text), ten times faster for the
        # UTC datetimes the generators make; anything else goes through the ORM's own adapter.
        if value is None:
            return None
        if stored_in_utc and value.tzinfo is UTC:
            return str(value.replace(tzinfo=None))
        return adapt_datetime(value)

    adapters: list[tuple[int, Callable[[Any], Any]]] = []
    for position, column in enumerate(columns):
        if isinstance(fields[column], models.DateTimeField):
            adapters.append((position, utc_datetime))
        elif isinstance(fields[column], models.DateField):
            adapters.append((position, connection.ops.adapt_datefield_value))
    return adapters


@contextmanager
def bulk_load_settings() -> Iterator[None]:
    """A large page cache for this connection while a history is written: the indexes of a
    million rows no longer fit SQLite's default 2 MB, and every insert would read pages back.
    Nothing to do on PostgreSQL, whose COPY and shared buffers need no help."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        page_size = int(cursor.fetchone()[0])
        before_kib = -before if before < 0 else before * page_size // 1024  # negative: KiB, else pages
        if before_kib < BULK_CACHE_KIB:  # never smaller than what the caller set (bench/kpis.py sets 1 GB)
            cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


@contextmanager
def indexes_built_afterwards(*model_list: type[models.Model]) -> Iterator[None]:
    """On SQLite, drop the tables' own indexes while the rows are written and create them again
    after: one sort per index instead of a random B-tree insert per row and index, which, once the
    indexes outgrow the page cache (a few million rows), made every insert wait on the disk.
    Call inside the transaction: a failure rolls the drop back with everything else. The unique
    constraints go and come back too, so a duplicate still fails, when they are rebuilt."""
    if connection.vendor != "sqlite":
        yield
        return
    tables = [model._meta.db_table for model in model_list]
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(tables))
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # noqa: S608 - placeholders
            f" AND tbl_name IN ({placeholders}) ORDER BY name"
        )
        cursor.execute(query, tables)
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    """The first primary key free after every row of ``model``: rows written with explicit ids
    from here on can be referred to by the rows written after them, without reading them back."""
    return (model._default_manager.aggregate(last=models.Max("pk"))["last"] or 0) + 1


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After rows were written with explicit ids, move PostgreSQL's id sequences past them (SQLite
    takes the next id from the largest one, so there is nothing to do there)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


Cell = tuple[Any, ...]  # the key columns' values, e.g. (service id, channel, day)


def add_to_cells(
    model: type[models.Model],
    key_columns: Sequence[str],
    amounts: Mapping[Cell, Mapping[str, int]],
    entity_of: Mapping[int, int],
    period: tuple[str, date, date],
) -> int:
    """Add ``amounts`` to the counter rows of ``model`` keyed by ``key_columns`` (service id
    first), creating the missing ones: a history loaded beside real activity adds to its counts
    instead of colliding with them. ``period`` (column, first, last) bounds the rows read to
    find the existing ones. Returns how many cells were touched."""
    if not amounts:
        return 0
    fields = list(next(iter(amounts.values())))
    column, first, last = period
    existing = {
        tuple(getattr(row, name) for name in key_columns): row
        for row in model._default_manager.filter(**{f"{column}__gte": first, f"{column}__lte": last})
    }
    new, changed = [], []
    for key, values in amounts.items():
        row = existing.get(key)
        if row is None:
            new.append((*key, entity_of[key[0]], *(values[name] for name in fields)))
            continue
        for name in fields:
            setattr(row, name, getattr(row, name) + values[name])
        changed.append(row)
    insert_rows(model, [*key_columns, "entity_id", *fields], new)
    model._default_manager.bulk_update(changed, fields, batch_size=1_000)
    return len(amounts)
