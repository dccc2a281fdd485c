"""Draws a Table as the official form in a spreadsheet: 附件 mark, title, unit line, two-level merged header, merged
row labels, 合计 rows, numbers stored as numbers in their column's format, borders, rows as high as their wrapped text,
A4 landscape one page wide with the header repeated on every page, the footer lines and the notes."""

import math
from copy import copy
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledger.excel import neutralise, stamp

from . import layout, printing
from .table import Footer, Table, header_grid

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
FONT = "宋体"
BODY_SIZE = 10
LABEL_WIDTHS = {1: [6, 18, 16], 2: [5], 3: [16], None: [18]}
SHEET_NAMES = {1: "附件1 排查情况统计表", 2: "附件2 重点风险线索统计表", 3: "附件3 无非法集资区县统计表", None: "工作成效量化统计表"}


def write(tables: Sequence[Table], footer: Footer, path: Path) -> None:
    """One workbook with a sheet per table."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        draw(book.create_sheet(SHEET_NAMES[table.attachment]), table, footer)
    stamp(book)
    book.save(path)


def draw(sheet: Worksheet, table: Table, footer: Footer) -> None:
    labels = len(table.label_headers)
    width = labels + len(table.columns)
    sheet.cell(1, 1, table.mark).font = Font(name="黑体", size=12)
    _merged(sheet, 2, 1, 2, width, table.title, Font(name="方正小标宋简体", size=18), CENTRE)
    _merged(sheet, 3, 1, 3, max(1, width - 3), f"填报单位：{table.unit_name}", Font(name=FONT, size=11), LEFT)
    if table.unit_line:
        unit_line = sheet.cell(3, width, table.unit_line)
        unit_line.font, unit_line.alignment = Font(name=FONT, size=11), Alignment(horizontal="right")
    top = 4
    body = top + _draw_header(sheet, table, top)
    _draw_body(sheet, table, body)
    end = body + len(table.rows)
    if table.received_note:
        _merged(sheet, end, 1, end, width, table.received_note, Font(name=FONT, size=10), LEFT)
        end += 1
    _draw_footer(sheet, footer, end + 1, width)
    for offset, note in enumerate(table.notes):
        row = end + 3 + offset
        _merged(sheet, row, 1, row, width, note, Font(name=FONT, size=10), LEFT)
    for index, column_width in enumerate(_column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    _fit_rows(sheet)
    printing.set_up(sheet, range(top, body), _blocks(table, body, sheet.max_row))


def _column_widths(table: Table) -> list[float]:
    """The label columns', then each column's own width; a numeric column widens to its longest number, which a
    spreadsheet would otherwise show as ####."""
    widths = list(LABEL_WIDTHS[table.attachment])
    for column in table.columns:
        numbers = [str(row.values.get(column.key, "")) for row in table.rows] if column.numeric else []
        needed = max((layout.units_for(text, BODY_SIZE) for text in numbers), default=0)
        widths.append(max(column.width, math.ceil(needed)))
    return widths


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


def _fit_rows(sheet: Worksheet) -> None:
    """Each row as high as its tallest wrapped text, given its columns' widths; where a merged block spans several rows
    and they lack room for its text, its last row makes up the difference."""
    blocks = {(block.min_row, block.min_col): block for block in sheet.merged_cells.ranges}
    units = {index: sheet.column_dimensions[get_column_letter(index)].width for index in range(1, sheet.max_column + 1)}
    # A cell's alignment and font are read through its style's indexes into the workbook's lists: the cell's own
    # properties build a proxy object on every read, which over the 80,000 cells of a city's key clues cost a second.
    alignments, fonts = sheet.parent._alignments, sheet.parent._fonts
    heights: dict[int, float] = {}
    spanning = []
    for cell in sheet._cells.values():  # the cells written; iter_rows would create every empty one of the rectangle
        if isinstance(cell, MergedCell) or cell.value in (None, "") or not alignments[cell._style.alignmentId].wrap_text:
            continue
        block = blocks.get((cell.row, cell.column))
        last_row, last_col = (block.max_row, block.max_col) if block else (cell.row, cell.column)
        room = layout.column_points(sum(units[index] for index in range(cell.column, last_col + 1)))
        needed = layout.height(str(cell.value), room, fonts[cell._style.fontId].sz)
        if last_row == cell.row:
            heights[cell.row] = max(heights.get(cell.row, 0), needed)
        else:
            spanning.append((range(cell.row, last_row + 1), needed))
    for rows, needed in spanning:
        lacking = needed - sum(heights.get(row, 0) for row in rows)
        if lacking > 0:
            heights[rows[-1]] = heights.get(rows[-1], 0) + lacking
    for row, points in heights.items():
        sheet.row_dimensions[row].height = math.ceil(points * 10) / 10


def _merged(sheet, first_row, first_col, last_row, last_col, value, font=None, alignment=None, border=False):
    cell = sheet.cell(first_row, first_col, neutralise(value))
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    if (first_row, first_col) != (last_row, last_col):
        sheet.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
    if border:
        for row in sheet.iter_rows(min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col):
            for each in row:
                each.border = BORDER
    return cell


def _draw_header(sheet, table: Table, top: int) -> int:
    """Draws the header rows from the same layout as the page; returns how many rows it took."""
    bold = Font(name=FONT, size=11, bold=True)
    grid = header_grid(table)
    taken: set[tuple[int, int]] = set()
    for offset, cells in enumerate(grid):
        row, column = top + offset, 1
        for cell in cells:
            while (row, column) in taken:
                column += 1
            last_row, last_col = row + cell.rowspan - 1, column + cell.colspan - 1
            _merged(sheet, row, column, last_row, last_col, cell.text, bold, CENTRE, border=True)
            taken.update((r, c) for r in range(row, last_row + 1) for c in range(column, last_col + 1))
            column = last_col + 1
    return len(grid)


def _draw_body(sheet, table: Table, body: int) -> None:
    font, bold = Font(name=FONT, size=BODY_SIZE), Font(name=FONT, size=BODY_SIZE, bold=True)
    labels = len(table.label_headers)
    styled = _StyleCopies()
    for r, row in enumerate(table.rows):
        excel_row = body + r
        row_font = bold if row.is_total else font
        for c, text in enumerate(row.labels, start=1):
            styled(sheet.cell(excel_row, c, neutralise(text)), row_font, CENTRE)
        for c, column in enumerate(table.columns, start=labels + 1):
            value = row.values.get(column.key, "")
            cell = sheet.cell(excel_row, c, value if column.numeric and value != "" else neutralise(value))
            if column.numeric:
                styled(cell, row_font, RIGHT, column.number_format)
            else:
                styled(cell, row_font, LEFT)
    for merge in table.merges:
        sheet.merge_cells(
            start_row=body + merge.first_row, start_column=merge.first_col + 1,
            end_row=body + merge.last_row, end_column=merge.last_col + 1,
        )


class _StyleCopies:
    """Styles a body cell (font, alignment, number format, the border) by copying the style of the first cell styled
    alike. Assigning a style makes openpyxl look it up among the workbook's styles by hashing it, four times a cell;
    a cell's style is a small array of indexes into those lists, so a copy of a styled cell's array is the same
    style."""

    def __init__(self):
        self._done = {}

    def __call__(self, cell, font: Font, alignment: Alignment, number_format: str = "General") -> None:
        key = (id(font), id(alignment), number_format)
        if key in self._done:
            cell._style = copy(self._done[key])
            return
        cell.font, cell.alignment, cell.border, cell.number_format = font, alignment, BORDER, number_format
        self._done[key] = copy(cell._style)


def _draw_footer(sheet, footer: Footer, row: int, width: int) -> None:
    font = Font(name=FONT, size=11)
    sheet.cell(row, 1, neutralise(f"填报人：{footer.filled_by}")).font = font
    phone_col = max(2, width // 2)
    sheet.cell(row, phone_col, neutralise(f"电话：{footer.phone}")).font = font
    date_cell = sheet.cell(row, width, footer.date_text)
    date_cell.font, date_cell.alignment = font, Alignment(horizontal="right")
