"""Workbooks as a unit sends them: the attachment workbook this system exports for the unit, then filled in."""

import io
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from reports import tables, xlsx
from reports.table import Footer

ATTACHMENT1, ATTACHMENT2 = xlsx.SHEET_NAMES[1], xlsx.SHEET_NAMES[2]
HEADER_ROW = 4  # the title, the unit line, then the two header rows
BODY = HEADER_ROW + 2


def exported(campaign, unit, build=tables.attachment1) -> openpyxl.Workbook:
    """The workbook of one attachment table of ``unit``, as the reports page builds it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        xlsx.write([build(campaign=campaign, unit=unit)], Footer("张三", "6678057", date.today()),
                   path)
        return openpyxl.load_workbook(path)


def upload(book: openpyxl.Workbook, name: str = "附件1.xlsx") -> SimpleUploadedFile:
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(name, data.getvalue())


def column_of(key: str, columns=tables.ATTACHMENT1_COLUMNS, labels: int = 3) -> int:
    return labels + 1 + [column.key for column in columns].index(key)


def row_of(sheet, name: str) -> int:
    """The row of a sector or behaviour: an item by its own label, a group without items by the group's."""
    for row in range(BODY, sheet.max_row + 1):
        item, group = sheet.cell(row, 3).value, sheet.cell(row, 2).value
        if item == name or (group == name and not item):
            return row
    raise LookupError(name)


def total_rows(sheet) -> list[int]:
    return [row for row in range(BODY, sheet.max_row + 1) if sheet.cell(row, 1).value == "合计"]


def place(sheet, row: int, key: str) -> str:
    return f"{sheet.title}!{get_column_letter(column_of(key))}{row}"


def fill(sheet, figures: dict[str, dict]) -> None:
    """Attachment 1: the figures written into the rows of their terms, and each 合计 row made the sum of its block."""
    for name, values in figures.items():
        for key, value in values.items():
            sheet.cell(row_of(sheet, name), column_of(key)).value = value
    retotal(sheet)


def retotal(sheet) -> None:
    totalled = [column.key for column in tables.ATTACHMENT1_COLUMNS if column.totalled]
    sums = dict.fromkeys(totalled, Decimal("0.00"))
    for row in range(BODY, total_rows(sheet)[-1] + 1):
        if sheet.cell(row, 1).value == "合计":
            for key in totalled:
                sheet.cell(row, column_of(key)).value = sums[key]
            sums = dict.fromkeys(totalled, Decimal("0.00"))
            continue
        for key in totalled:
            sums[key] += Decimal(str(sheet.cell(row, column_of(key)).value or 0))


def key_clue_rows(sheet, rows: list[dict]) -> None:
    """Attachment 2: the rows written where the exported (empty) table has its 合计 row, and the 合计 row below them
    with their sums; the footer they cover is cleared first."""
    columns = tables.ATTACHMENT2_COLUMNS
    [first] = total_rows(sheet)
    for block in list(sheet.merged_cells.ranges):
        if block.max_row >= first:
            sheet.unmerge_cells(str(block))
    for row in range(first, first + len(rows) + 1):
        for col in range(1, len(columns) + 2):
            sheet.cell(row, col).value = None
    totals = dict.fromkeys(("amount", "people", "unpaid"), Decimal("0.00"))
    for offset, values in enumerate(rows):
        sheet.cell(first + offset, 1).value = offset + 1
        for key, value in values.items():
            sheet.cell(first + offset, column_of(key, columns, 1)).value = value
            if key in totals:
                totals[key] += Decimal(str(value))
    sheet.cell(first + len(rows), 1).value = "合计"
    for key, value in totals.items():
        sheet.cell(first + len(rows), column_of(key, columns, 1)).value = value
