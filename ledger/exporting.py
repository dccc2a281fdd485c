"""The ledger as a workbook: the clues and the screening records a user may see, one sheet each. Used by the export
link of the ledger pages and by the report jobs.

A city's ledger holds hundreds of thousands of rows, so it is streamed: each sheet is one query, its many-to-many
terms gathered in the same query, read through a server-side cursor on PostgreSQL (in chunks on SQLite) and written
row by row into a write-only workbook on disk. Neither memory nor the time per row grows with the ledger, and the
number of queries does not depend on it. Terms are named as the import templates name them, so an exported row reads
like an imported one. Text cells are neutralised against formula injection; amounts and counts stay numbers."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery

from orgs.models import Unit
from screening.models import Campaign

from . import excel, importing, selectors
from .importing import (
    AMOUNT, AREA, BEHAVIOURS, CHANNEL, CODE, CROSS_PROVINCE, DESCRIPTION, METHOD, MODE, NAME, NO, PEOPLE, PROBLEMS,
    RESULT, RESULTS, SCREENED_ON, SECTOR, SOURCE, UNPAID, YES, TermNames,
)
from .models import Clue, ScreeningRecord

UNIT = "填报单位"
STATUS = "状态"
RESULT_LABELS = {value: label for label, value in RESULTS.items()}
CLUE_HEADERS = (
    UNIT, NAME, CODE, SECTOR, BEHAVIOURS, MODE, CHANNEL, AMOUNT, PEOPLE, UNPAID, CROSS_PROVINCE, PROBLEMS, SOURCE,
    DESCRIPTION, STATUS,
)
RECORD_HEADERS = (UNIT, NAME, CODE, SECTOR, BEHAVIOURS, METHOD, AREA, SCREENED_ON, RESULT)
# Rows fetched per round trip, and how often the progress is told.
CHUNK_ROWS = 2000

Progress = Callable[[int, int], None]  # (rows written, rows in all)


class JoinedIds(Aggregate):
    """The ids of a group as one text, "3,17": the terms of a row fetched with the row."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG",
                           template="%(function)s(%(expressions)s::text, ',')", **extra_context)


def term_ids(relation) -> Subquery:
    """The ids of the terms a row holds through a many-to-many ``relation`` (e.g. ``Clue.behaviours``)."""
    owner, term = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
    joined = (relation.through.objects.filter(**{owner: OuterRef("pk")}).values(owner)
              .annotate(ids=JoinedIds(f"{term}_id")).values("ids"))
    return Subquery(joined)


def _ids(joined: str | None) -> list[int]:
    return [int(pk) for pk in joined.split(",")] if joined else []


def _text(value) -> str | None:
    """Text neutralised; an empty text is no cell at all (a spreadsheet reads both as empty; writing it costs time)."""
    return excel.neutralise(str(value)) if value not in (None, "") else None


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: Iterable[tuple]
    count: int


def clue_sheet(clues: QuerySet[Clue], names: TermNames) -> Sheet:
    channels = {value: str(label) for value, label in Clue.Channel.choices}
    statuses = {value: str(label) for value, label in Clue.Status.choices}
    query = clues.annotate(behaviour_ids=term_ids(Clue.behaviours), problem_ids=term_ids(Clue.problems)).values_list(
        "unit__name", "entity__name", "entity__credit_code", "sector_id", "behaviour_ids", "fundraising_mode_id",
        "channel", "amount_involved", "people_involved", "unpaid_funds", "cross_province", "problem_ids", "source_id",
        "description", "status",
    ).order_by("unit__path", "pk")

    def rows() -> Iterator[tuple]:
        for (unit, name, code, sector, behaviours, mode, channel, amount, people, unpaid, cross_province, problems,
             source, description, status) in query.iterator(chunk_size=CHUNK_ROWS):
            yield (
                _text(unit), _text(name), _text(code), _text(names.label_of(sector)),
                _text(names.labels_of(_ids(behaviours))), _text(names.label_of(mode)),
                _text(channels.get(channel, channel)), amount, people, unpaid, YES if cross_province else NO,
                _text(names.labels_of(_ids(problems))), _text(names.label_of(source)), _text(description),
                _text(statuses[status]),
            )

    return Sheet(importing.CLUES.title, CLUE_HEADERS, rows(), clues.count())


def record_sheet(records: QuerySet[ScreeningRecord], names: TermNames) -> Sheet:
    query = records.annotate(behaviour_ids=term_ids(ScreeningRecord.behaviours)).values_list(
        "unit__name", "entity__name", "entity__credit_code", "sector_id", "behaviour_ids", "method_id", "area_id",
        "screened_on", "result",
    ).order_by("unit__path", "pk")

    def rows() -> Iterator[tuple]:
        for unit, name, code, sector, behaviours, method, area, screened_on, result in query.iterator(
            chunk_size=CHUNK_ROWS
        ):
            yield (
                _text(unit), _text(name), _text(code), _text(names.label_of(sector)),
                _text(names.labels_of(_ids(behaviours))), _text(names.label_of(method)), _text(names.label_of(area)),
                screened_on, _text(RESULT_LABELS[result]),
            )

    return Sheet(importing.RECORDS.title, RECORD_HEADERS, rows(), records.count())


def ledger_sheets(*, user, campaign: Campaign, unit: Unit | None = None) -> list[Sheet]:
    """Everything ``user`` may see in ``campaign`` (only beneath ``unit`` when given), ordered by unit."""
    clues = selectors.clues_visible_to(user, campaign=campaign)
    records = selectors.records_visible_to(user, campaign=campaign)
    if unit is not None:
        clues = clues.filter(unit__path__startswith=unit.path)
        records = records.filter(unit__path__startswith=unit.path)
    names = importing.TermNames.for_campaign(campaign)
    return [clue_sheet(clues, names), record_sheet(records, names)]


def write_ledger(target, *, user, campaign: Campaign, unit: Unit | None = None, progress: Progress | None = None) -> int:
    """Write the ledger workbook to ``target`` (a path or a binary file) and return the number of rows written;
    ``progress`` is told every ``CHUNK_ROWS`` rows."""
    sheets = ledger_sheets(user=user, campaign=campaign, unit=unit)
    total = sum(sheet.count for sheet in sheets)
    written = 0

    def counted(rows: Iterable[tuple]) -> Iterator[tuple]:
        nonlocal written
        for row in rows:
            yield row
            written += 1
            if progress and written % CHUNK_ROWS == 0:
                progress(written, total)

    excel.write_workbook(target, [(sheet.title, sheet.headers, counted(sheet.rows)) for sheet in sheets])
    if progress:
        progress(written, max(total, written))
    return written
