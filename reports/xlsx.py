"""Draws a Table as the official form in a spreadsheet: 附件 mark, title, unit line, two-level merged header, merged
row labels, 合计 rows, numbers stored as numbers in their column's format, borders, rows as high as their wrapped text,
A4 landscape one page wide with the header repeated on every page, the footer lines and the notes.

The sheet is written as it is drawn, row after row (openpyxl's write-only mode): a city's attachment 2 has some 80,000
cells, which a workbook held whole took nearly three times as long to write as the cells' values alone. So the whole
form is laid out from the table before its first row is written: the columns' widths, each row's height from the texts
wrapped in it, the merged cells and the page breaks (these two are written after the rows).
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from ledger.excel import neutralise, stamp

from . import layout, printing
from .table import Column, Footer, LabelCell, Table, header_grid, label_grid


@dataclass(frozen=True, eq=False)
class Style:
    """How a cell looks; ``ruled`` boxes it in thin lines. Styles compare by identity: each is made once."""

    font: Font | None = None
    alignment: Alignment | None = None
    number_format: str = "General"
    ruled: bool = False


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
FONT = "宋体"
BODY_SIZE = 10
LABEL_WIDTHS = {1: [6, 18, 16], 2: [5], 3: [16], None: [18]}
SHEET_NAMES = {1: "附件1 排查情况统计表", 2: "附件2 重点风险线索统计表", 3: "附件3 无非法集资区县统计表", None: "工作成效量化统计表"}
HEADER_TOP = 4

MARK = Style(Font(name="黑体", size=12))
TITLE = Style(Font(name="方正小标宋简体", size=18), CENTRE)
UNIT = Style(Font(name=FONT, size=11), LEFT)
UNIT_LINE = Style(Font(name=FONT, size=11), Alignment(horizontal="right"))
HEADING = Style(Font(name=FONT, size=11, bold=True), CENTRE, ruled=True)
NOTE = Style(Font(name=FONT, size=10), LEFT)
SIGNATURE = Style(Font(name=FONT, size=11))
SIGNATURE_DATE = Style(Font(name=FONT, size=11), Alignment(horizontal="right"))
COVERED = Style(ruled=True)  # the cells a ruled merged block covers, which draw its outline
BODY_FONTS = {False: Font(name=FONT, size=BODY_SIZE), True: Font(name=FONT, size=BODY_SIZE, bold=True)}  # by 合计
BODY_LABELS = {total: Style(font, CENTRE, ruled=True) for total, font in BODY_FONTS.items()}


class Placed(NamedTuple):
    """A cell of the form outside the body's values, or the first cell of a merged block of ``rows`` by ``columns``."""

    row: int
    column: int
    value: object
    style: Style
    rows: int = 1
    columns: int = 1

    @property
    def last_row(self) -> int:
        return self.row + self.rows - 1

    @property
    def last_col(self) -> int:
        return self.column + self.columns - 1


def write(tables: Sequence[Table], footer: Footer, path: Path) -> None:
    """One workbook with a sheet per table."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = PlacedRowsSheet(book, SHEET_NAMES[table.attachment])
        book._add_sheet(sheet)  # create_sheet would make openpyxl's own kind of write-only sheet
        draw(sheet, table, footer)
    stamp(book)
    book.save(path)


class PlacedRowsSheet(WriteOnlyWorksheet):
    """A write-only sheet to which rows are appended as cells already styled and placed in their columns. openpyxl's
    own append takes each cell for a value first, fails (formatting an error message), and makes a new cell after each
    styled one, which over a city's 80,000 key clue cells cost a quarter of a second."""

    def _values_to_row(self, cells, row_idx):
        for cell in cells:
            cell.row = row_idx
            yield cell


def draw(sheet: PlacedRowsSheet, table: Table, footer: Footer) -> None:
    """Lays ``table`` out as the form and writes it into ``sheet``, a new sheet of a write-only workbook."""
    widths = _column_widths(table)
    header = header_grid(table)
    body = HEADER_TOP + len(header)
    end = body + len(table.rows)
    placed = [
        *_heading(table, len(widths)), *_grid(header, HEADER_TOP, [HEADING] * len(header)),
        *_grid(label_grid(table), body, [BODY_LABELS[row.is_total] for row in table.rows]),
        *_closing(table, footer, end, len(widths)),
    ]
    last_row = max(cell.last_row for cell in placed)
    heights = _row_heights(placed, table, body, widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in placed:
        if cell.rows > 1 or cell.columns > 1:
            sheet.merged_cells.add(CellRange(min_row=cell.row, min_col=cell.column, max_row=cell.last_row,
                                             max_col=cell.last_col))
    printing.set_up(sheet, range(HEADER_TOP, body), _blocks(table, body, last_row), widths, heights)
    _write_rows(sheet, table, placed, body, last_row, heights)


def _column_widths(table: Table) -> list[float]:
    """The label columns', then each column's own width; a numeric column widens to its longest number, which a
    spreadsheet would otherwise show as ####."""
    widths = list(LABEL_WIDTHS[table.attachment])
    for column in table.columns:
        numbers = [str(row.values.get(column.key, "")) for row in table.rows] if column.numeric else []
        needed = max((layout.units_for(text, BODY_SIZE) for text in numbers), default=0)
        widths.append(max(column.width, math.ceil(needed)))
    return widths


def _heading(table: Table, width: int) -> list[Placed]:
    """The 附件 mark, the title across the table, and the unit's name above its left part, the units on the right."""
    cells = [Placed(1, 1, table.mark, MARK), Placed(2, 1, table.title, TITLE, columns=width),
             Placed(3, 1, f"填报单位：{table.unit_name}", UNIT, columns=max(1, width - 3))]
    if table.unit_line:
        cells.append(Placed(3, width, table.unit_line, UNIT_LINE))
    return cells


def _grid(grid: Sequence[Sequence[LabelCell]], top: int, styles: Sequence[Style]) -> Iterator[Placed]:
    """The cells of a grid of spanning cells (the header, the row labels) from row ``top``, each row's in its style,
    each cell in the first column its row's earlier cells and the blocks above leave free."""
    taken: set[tuple[int, int]] = set()
    for offset, (cells, style) in enumerate(zip(grid, styles)):
        row, column = top + offset, 1
        for cell in cells:
            while (row, column) in taken:
                column += 1
            yield Placed(row, column, cell.text, style, cell.rowspan, cell.colspan)
            if cell.rowspan > 1:
                taken.update((below, each) for below in range(row + 1, row + cell.rowspan)
                             for each in range(column, column + cell.colspan))
            column += cell.colspan


def _closing(table: Table, footer: Footer, end: int, width: int) -> list[Placed]:
    """Under the table: the units whose tables were received, the footer lines after a blank row, then the notes after
    another."""
    cells = []
    if table.received_note:
        cells.append(Placed(end, 1, table.received_note, NOTE, columns=width))
        end += 1
    cells += [Placed(end + 1, 1, f"填报人：{footer.filled_by}", SIGNATURE),
              Placed(end + 1, max(2, width // 2), f"电话：{footer.phone}", SIGNATURE),
              Placed(end + 1, width, footer.date_text, SIGNATURE_DATE)]
    cells += [Placed(end + 3 + offset, 1, note, NOTE, columns=width) for offset, note in enumerate(table.notes)]
    return cells


def _row_heights(placed: Iterable[Placed], table: Table, body: int, widths: Sequence[float]) -> dict[int, float]:
    """Each row as high as its tallest wrapped text, given its columns' widths; where a merged block spans several rows
    and they lack room for its text, its last row makes up the difference."""
    heights = _body_heights(table, body, widths)
    spanning = []
    for cell in placed:
        if cell.value in (None, "") or not (cell.style.alignment and cell.style.alignment.wrap_text):
            continue
        room = layout.column_points(sum(widths[cell.column - 1:cell.last_col]))
        needed = layout.height(str(neutralise(cell.value)), room, cell.style.font.sz)
        if cell.rows == 1:
            heights[cell.row] = max(heights.get(cell.row, 0), needed)
        else:
            spanning.append((range(cell.row, cell.last_row + 1), needed))
    for rows, needed in spanning:
        lacking = needed - sum(heights.get(row, 0) for row in rows)
        if lacking > 0:
            heights[rows[-1]] = heights.get(rows[-1], 0) + lacking
    return {row: math.ceil(points * 10) / 10 for row, points in heights.items()}


def _body_heights(table: Table, body: int, widths: Sequence[float]) -> dict[int, float]:
    """The height the texts of each body row's text columns need."""
    texts = [(column.key, layout.column_points(widths[index]))
             for index, column in enumerate(table.columns, start=len(table.label_headers)) if not column.numeric]
    heights = {}
    for number, row in enumerate(table.rows, start=body):
        needed = [layout.height(str(neutralise(value)), room, BODY_SIZE)
                  for key, room in texts if (value := row.values.get(key)) not in (None, "")]
        if needed:
            heights[number] = max(needed)
    return heights


def _write_rows(sheet: PlacedRowsSheet, table: Table, placed: Iterable[Placed], body: int, last_row: int,
                heights: Mapping[int, float]) -> None:
    """Rows 1 to ``last_row`` in order, each given its height first: the placed cells and those their ruled blocks
    cover, and in the body's rows the values after the labels. A cell is made once per column and style and given a
    new value row after row, as openpyxl writes a row as soon as it is appended."""
    made = StyledCells(sheet)
    value_cells = {
        total: [(made(index, _value_style(column, total)), column.key)
                for index, column in enumerate(table.columns, start=len(table.label_headers) + 1)]
        for total in (False, True)
    }
    by_row = _by_row(placed)
    for row in range(1, last_row + 1):
        if row in heights:
            sheet.row_dimensions[row].height = heights[row]
        cells = []
        for column, value, style in by_row.get(row, ()):
            cell = made(column, style)
            cell.value = neutralise(value)
            cells.append(cell)
        if body <= row < body + len(table.rows):
            record = table.rows[row - body]
            for cell, key in value_cells[record.is_total]:
                cell.value = neutralise(record.values.get(key, ""))
                cells.append(cell)
        sheet.append(cells)


def _by_row(placed: Iterable[Placed]) -> dict[int, list[tuple[int, object, Style]]]:
    """The placed cells of each row, and the empty cells their ruled blocks cover, as (column, value, style) from left
    to right."""
    by_row: dict[int, dict[int, tuple[object, Style]]] = defaultdict(dict)
    for cell in placed:
        by_row[cell.row][cell.column] = (cell.value, cell.style)
        if cell.style.ruled:
            for row in range(cell.row, cell.last_row + 1):
                for column in range(cell.column, cell.last_col + 1):
                    by_row[row].setdefault(column, (None, COVERED))
    return {row: [(column, *cells[column]) for column in sorted(cells)] for row, cells in by_row.items()}


def _value_style(column: Column, total: bool) -> Style:
    """A body column's style in a row, or in a 合计 row: numbers to the right in the column's format, text wrapped."""
    if column.numeric:
        return Style(BODY_FONTS[total], RIGHT, column.number_format, ruled=True)
    return Style(BODY_FONTS[total], LEFT, ruled=True)


class StyledCells:
    """A sheet's cells, one per column and style, each given a new value row after row: making and styling a cell
    for each value would cost as much as writing it."""

    def __init__(self, sheet: PlacedRowsSheet):
        self._sheet = sheet
        self._made: dict[tuple[int, Style], StyledCell] = {}

    def __call__(self, column: int, style: Style) -> "StyledCell":
        cell = self._made.get((column, style))
        if cell is None:
            cell = self._made[column, style] = StyledCell(self._sheet, column, style)
        return cell


class StyledCell(Cell):
    """A cell in a column and style, whose style's number in the workbook is found once: openpyxl finds it by hashing
    the style each time it writes a cell."""

    __slots__ = ("style_id",)

    def __init__(self, sheet: PlacedRowsSheet, column: int, style: Style):
        super().__init__(sheet, column=column)
        self.number_format = style.number_format
        if style.font:
            self.font = style.font
        if style.alignment:
            self.alignment = style.alignment
        if style.ruled:
            self.border = BORDER
        self.style_id = super().style_id


def _blocks(table: Table, body: int, last_row: int) -> list[list[range]]:
    """The sheet's rows as blocks of groups for the page breaks: the rows under a label merged in the first column
    make a block, those under a label merged in the second a group in it; any other row is a block of its own. A 合计
    row closes the block before it, and the footer and the notes the last block."""
    merged = {(m.first_col, m.first_row): m.last_row for m in table.merges if m.last_row > m.first_row}

    def groups(first: int, last: int) -> list[range]:
        found, row = [], first
        while row <= last:
            end = merged.get((1, row), row)
            found.append(range(body + row, body + end + 1))
            row = end + 1
        return found

    blocks: list[list[range]] = []
    row = 0
    while row < len(table.rows):
        end = merged.get((0, row), row)
        if table.rows[row].is_total and blocks:
            blocks[-1].append(range(body + row, body + row + 1))
        else:
            blocks.append(groups(row, end))
        row = end + 1
    footer = range(body + len(table.rows), last_row + 1)
    if blocks:
        blocks[-1].append(footer)
    else:
        blocks.append([footer])
    return blocks
