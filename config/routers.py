"""Report computations may read from a PostgreSQL read replica (REPLICA_DATABASE_URL): a city's tables and ledger
read hundreds of thousands of rows and need not load the primary that staff write to. Only reads made inside
``report_reads()`` go there, so a page that writes and then reads never sees a replica lagging behind it; every write
goes to the primary."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def report_reads() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        return settings.REPORT_READS_DATABASE if _reading_reports.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: a row read from one may refer to a row of the other.
        return {obj1._state.db, obj2._state.db} <= {"default", REPLICA} or None

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication
