"""Bulk writes for imports of thousands of rows, where building one Python object per row and per link is what takes
the time: history rows are copied by the database itself, links are inserted as plain pairs."""

from django.db import connection
from django.utils import timezone

BATCH = 500


def bulk_create_with_history(objects: list, model, *, actor) -> list:
    """Insert ``objects`` with the ORM, then their first history rows ("+", created) with one INSERT … SELECT per
    batch."""
    if not objects:
        return objects
    model.objects.bulk_create(objects, batch_size=BATCH)
    history = model.history.model
    quote = connection.ops.quote_name
    columns = [field.column for field in history.tracked_fields]
    listed = ", ".join(quote(column) for column in columns)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    user = actor.pk if actor is not None else None
    ids = [obj.pk for obj in objects]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "
                f"({listed}, {quote('history_date')}, {quote('history_change_reason')}, {quote('history_type')}, "
                f"{quote('history_user_id')}) "
                f"SELECT {listed}, %s, NULL, '+', %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [now, user, *batch],
            )
    return objects


def bulk_link(through, pairs) -> None:
    """Insert many-to-many links given as (owner id, term id) pairs into ``through``, e.g. ``Clue.behaviours.through``.
    """
    pairs = list(pairs)
    if not pairs:
        return
    owner, target = (field.column for field in through._meta.concrete_fields if field.is_relation)
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(through._meta.db_table)} ({quote(owner)}, {quote(target)}) VALUES "
    with connection.cursor() as cursor:
        # One statement per batch: executemany would cost PostgreSQL a round trip per pair.
        for start in range(0, len(pairs), BATCH):
            batch = pairs[start:start + BATCH]
            cursor.execute(insert + ", ".join(["(%s, %s)"] * len(batch)), [value for pair in batch for value in pair])
