"""Writing hundreds of thousands of generated rows fast: PostgreSQL's COPY (through psycopg2's ``copy_expert``), or
plain multi-row inserts elsewhere (SQLite, in the tests). Rows come as tuples in the order of the columns given; keys
are chosen by the caller, so that rows of one table can point at rows of another before either is written."""

import csv
import io
from collections.abc import Iterable, Sequence
from itertools import islice

from django.core.management.color import no_style
from django.db import connection

CHUNK = 50_000  # rows per COPY or per executemany: a few megabytes of text, never the whole table in memory
NULL = "\\N"


def next_id(model) -> int:
    """The first free primary key of ``model``'s table."""
    with connection.cursor() as cursor:
        table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def write_rows(model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples of values for ``columns``, a model's column names) into ``model``'s table; returns how
    many."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    listed = ", ".join(quote(column) for column in columns)
    rows = iter(rows)
    written = 0
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, CHUNK)):
            if connection.vendor == "postgresql":
                cursor.cursor.copy_expert(f"COPY {table} ({listed}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",
                                          _as_csv(chunk))
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({listed}) VALUES ({placeholders})", chunk)
            written += len(chunk)
    return written


def _as_csv(rows: list[tuple]) -> io.StringIO:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows(tuple(NULL if value is None else value for value in row) for row in rows)
    text.seek(0)
    return text


def copy_history(model, *, from_id: int, date_column: str | None, user_column: str | None) -> None:
    """The first history row ("+", created) of every row of ``model`` from ``from_id`` on, copied by the database: dated
    by the row's own ``date_column`` and attributed to its ``user_column`` (now and nobody when None)."""
    quote = connection.ops.quote_name
    history = model.history.model
    listed = ", ".join(quote(field.column) for field in history.tracked_fields)
    date = quote(date_column) if date_column else "CURRENT_TIMESTAMP"
    user = quote(user_column) if user_column else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({listed}, history_date, history_change_reason, "
            f"history_type, history_user_id) SELECT {listed}, {date}, NULL, '+', {user} "
            f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} >= %s",
            [from_id],
        )


def reset_sequences(models: list) -> None:
    """Move the tables' key sequences past the keys written here (PostgreSQL; SQLite follows the largest key)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def vacuum_analyze(models: list) -> None:
    """Fresh planner statistics for the tables just filled, so that the first pages are planned on the real sizes, and
    their visibility maps, so that counts and pages are read off the indexes alone (PostgreSQL; nothing to do
    elsewhere). VACUUM cannot run in a transaction: inside one (a test's), ANALYZE alone gives the statistics."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
