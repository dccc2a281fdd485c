"""The ledger export streams: what it writes is the ledger row for row, in a number of queries that does not grow with
the ledger and without OFFSET paging (whose cost grows with the square of the rows)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger import exporting, services
from ledger.models import Clue, ScreeningRecord
from ledger.services import RecordData


def _export(user, campaign, **options):
    buffer = io.BytesIO()
    with CaptureQueriesContext(connection) as queries:
        written = exporting.write_ledger(buffer, user=user, campaign=campaign, **options)
    clues, records = openpyxl.load_workbook(buffer).worksheets
    return written, clues, records, [query["sql"] for query in queries.captured_queries]


def _rows(sheet):
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=2)]


def _names(terms) -> str:
    return "、".join(term.name for term in terms.order_by("order", "pk"))


def _clues(tree, campaign, clue_data, term, count: int):
    behaviours = [[], [term("消费返利")], [term("资金互助"), term("消费返利")]]
    first = Clue.objects.count()
    for n in range(first, first + count):
        services.clue_create(
            actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
            data=clue_data(entity={"name": f"某某公司{n}", "credit_code": ""}, amount_involved=Decimal(f"{n + 10}.25"),
                           people_involved=n, unpaid_funds=None if n % 2 else Decimal("3.10"),
                           behaviours=behaviours[n % 3], problems=behaviours[n % 3] and [term("虚假宣传")]),
        )


def test_the_export_holds_every_clue_and_record_as_the_ledger_has_it(tree, open_campaign, clue_data, term):
    _clues(tree, open_campaign, clue_data, term, 5)
    services.records_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=[
        RecordData(entity=services.EntityData(name="没问题的公司"), sector=term("房地产"),
                   behaviours=[term("资金互助"), term("消费返利")]),
    ])
    written, clues, records, _queries = _export(tree.user("office"), open_campaign)

    expected_clues = [
        (clue.unit.name, clue.entity.name, "", clue.sector.name, _names(clue.behaviours),
         clue.fundraising_mode.name if clue.fundraising_mode else "", clue.get_channel_display(),
         float(clue.amount_involved), clue.people_involved,
         None if clue.unpaid_funds is None else float(clue.unpaid_funds), "否", _names(clue.problems),
         clue.source.name if clue.source else "", clue.description or None, clue.get_status_display())
        for clue in Clue.objects.order_by("pk")
    ]
    assert [cell.value for cell in clues[1]] == list(exporting.CLUE_HEADERS)
    # openpyxl reads an empty text cell back as None.
    assert [tuple(value if value != "" else None for value in row) for row in _rows(clues)] == [
        tuple(value if value != "" else None for value in row) for row in expected_clues
    ]
    expected_records = [
        (record.unit.name, record.entity.name, None, record.sector.name, _names(record.behaviours) or None, None, None,
         record.screened_on, "发现问题" if record.result == ScreeningRecord.Result.PROBLEM else "未发现问题")
        for record in ScreeningRecord.objects.order_by("pk")
    ]
    assert [(*row[:7], row[7].date(), row[8]) for row in _rows(records)] == expected_records
    assert written == 5 + 6
    amounts = [row[7] for row in clues.iter_rows(min_row=2)] + [row[9] for row in clues.iter_rows(min_row=2)]
    assert {cell.number_format for cell in amounts if cell.value is not None} == {"0.00"}
    assert {row[7].number_format for row in records.iter_rows(min_row=2)} == {"yyyy-mm-dd"}
    assert {row[8].number_format for row in clues.iter_rows(min_row=2)} == {"General"}


def test_the_export_takes_as_many_queries_for_many_rows_as_for_few(tree, open_campaign, clue_data, term,
                                                                   django_assert_max_num_queries):
    _clues(tree, open_campaign, clue_data, term, 2)
    few = len(_export(tree.user("office"), open_campaign)[3])
    _clues(tree, open_campaign, clue_data, term, 12)
    with django_assert_max_num_queries(few):
        written, *_rest = _export(tree.user("office"), open_campaign)
    assert written == 2 * 14


def test_the_export_never_pages_with_offset(tree, open_campaign, clue_data, term, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2)
    _clues(tree, open_campaign, clue_data, term, 5)
    _written, clues, _records, queries = _export(tree.user("office"), open_campaign)
    assert clues.max_row == 6
    assert not [sql for sql in queries if "OFFSET" in sql.upper()]


def test_the_export_tells_its_progress_in_rows(tree, open_campaign, clue_data, term, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 4)
    _clues(tree, open_campaign, clue_data, term, 5)
    told = []
    exporting.write_ledger(io.BytesIO(), user=tree.user("office"), campaign=open_campaign,
                           progress=lambda written, total: told.append((written, total)))
    assert told == [(4, 10), (8, 10), (10, 10)]


@pytest.mark.parametrize("user, count", [("staff", 1), ("office", 2)])
def test_the_export_beneath_a_unit_holds_that_unit_only(tree, open_campaign, clue_data, user, count):
    for unit, staff in (("township", "staff"), ("department", "department_staff")):
        services.clue_create(actor=tree.user(staff), campaign=open_campaign, unit=tree.unit(unit), data=clue_data())
    assert _export(tree.user(user), open_campaign)[0] == 2 * count
    assert _export(tree.user(user), open_campaign, unit=tree.unit("township"))[0] == 2
