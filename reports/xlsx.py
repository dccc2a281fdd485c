"""Draws a Table as the official form in a spreadsheet: 附件 mark, title, unit line, two-level merged header, merged
row labels, 合计 rows, numbers stored as numbers in their column's format, borders, A4 landscape with the header repeated on
every page, the footer lines and the notes."""

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledger.excel import neutralise

from .table import Footer, Table, header_grid

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FONT = "宋体"
LABEL_WIDTHS = {1: [6, 18, 16], 2: [6], 3: [16]}
SHEET_NAMES = {1: "附件1 排查情况统计表", 2: "附件2 重点风险线索统计表", 3: "附件3 无非法集资区县统计表"}


def write(tables: Sequence[Table], footer: Footer, path: Path) -> None:
    """One workbook with a sheet per table."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        draw(book.create_sheet(SHEET_NAMES[table.attachment]), table, footer)
    book.save(path)


def draw(sheet: Worksheet, table: Table, footer: Footer) -> None:
    labels = len(table.label_headers)
    width = labels + len(table.columns)
    sheet.cell(1, 1, f"附件 {table.attachment}").font = Font(name="黑体", size=12)
    _merged(sheet, 2, 1, 2, width, table.title, Font(name="方正小标宋简体", size=18), CENTRE)
    sheet.row_dimensions[2].height = 32
    _merged(sheet, 3, 1, 3, max(1, width - 3), f"填报单位：{table.unit_name}", Font(name=FONT, size=11), LEFT)
    if table.unit_line:
        unit_line = sheet.cell(3, width, table.unit_line)
        unit_line.font, unit_line.alignment = Font(name=FONT, size=11), Alignment(horizontal="right")
    top = 4
    body = top + _draw_header(sheet, table, top)
    _draw_body(sheet, table, body)
    end = body + len(table.rows)
    _draw_footer(sheet, footer, end + 1, width)
    for offset, note in enumerate(table.notes):
        row = end + 3 + offset
        _merged(sheet, row, 1, row, width, note, Font(name=FONT, size=10), LEFT)
        sheet.row_dimensions[row].height = 15 * max(1, len(note) // (width * 6) + 1)
    for index, column_width in enumerate(LABEL_WIDTHS[table.attachment] + [c.width for c in table.columns], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    _print_setup(sheet, top, body - 1)


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
        sheet.row_dimensions[row].height = 36
    return len(grid)


def _draw_body(sheet, table: Table, body: int) -> None:
    font, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    labels = len(table.label_headers)
    for r, row in enumerate(table.rows):
        excel_row = body + r
        for c, text in enumerate(row.labels, start=1):
            cell = sheet.cell(excel_row, c, neutralise(text))
            cell.font, cell.alignment, cell.border = bold if row.is_total else font, CENTRE, BORDER
        for c, column in enumerate(table.columns, start=labels + 1):
            value = row.values.get(column.key, "")
            cell = sheet.cell(excel_row, c, value if column.numeric and value != "" else neutralise(value))
            cell.font, cell.border = bold if row.is_total else font, BORDER
            if column.numeric:
                cell.number_format = column.number_format
                cell.alignment = Alignment(horizontal="right", vertical="center")
            else:
                cell.alignment = LEFT
    for merge in table.merges:
        sheet.merge_cells(
            start_row=body + merge.first_row, start_column=merge.first_col + 1,
            end_row=body + merge.last_row, end_column=merge.last_col + 1,
        )


def _draw_footer(sheet, footer: Footer, row: int, width: int) -> None:
    font = Font(name=FONT, size=11)
    sheet.cell(row, 1, neutralise(f"填报人：{footer.filled_by}")).font = font
    phone_col = max(2, width // 2)
    sheet.cell(row, phone_col, neutralise(f"电话：{footer.phone}")).font = font
    date_cell = sheet.cell(row, width, footer.date_text)
    date_cell.font, date_cell.alignment = font, Alignment(horizontal="right")


def _print_setup(sheet, first_header_row: int, last_header_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{first_header_row}:{last_header_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
