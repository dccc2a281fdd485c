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
    _insert(objects, model)
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


# Values of these types need the database's own form (time zone, text for SQLite); the others go as they are.
PREPARED_TYPES = {"DateTimeField", "DateField", "DecimalField", "JSONField"}


def _insert(objects: list, model) -> None:
    """What ``bulk_create`` does for our plain models, without compiling each value through the ORM: one multi-row
    INSERT … RETURNING per batch, the keys set on the objects in order."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    prepared = {field.attname for field in fields if field.get_internal_type() in PREPARED_TYPES}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
    tail = f" RETURNING {quote(model._meta.pk.column)}"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            batch = objects[start:start + BATCH]
            values = []
            for obj in batch:
                for field in stamped:
                    field.pre_save(obj, add=True)
                for field in fields:
                    value = getattr(obj, field.attname)
                    values.append(field.get_db_prep_save(value, connection) if field.attname in prepared else value)
            cursor.execute(head + ", ".join([placeholder] * len(batch)) + tail, values)
            for obj, (pk,) in zip(batch, cursor.fetchall()):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


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
