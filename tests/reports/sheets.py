"""Reading a drawn workbook as the printed page would show it."""

from openpyxl.cell import MergedCell
from openpyxl.utils import get_column_letter

from reports import layout, printing


def cut_cells(sheet) -> list[str]:
    """The cells whose text the printed page would cut: wrapped text (a merged block's included) needing more height
    than its rows have, and numbers wider than their column (a spreadsheet prints ####)."""
    blocks = {(block.min_row, block.min_col): block for block in sheet.merged_cells.ranges}
    widths = dict(enumerate(column_widths(sheet), start=1))
    cut = []
    for cell in (cell for row in sheet.iter_rows() for cell in row):
        if isinstance(cell, MergedCell) or cell.value in (None, ""):
            continue
        block = blocks.get((cell.row, cell.column))
        last_row, last_col = (block.max_row, block.max_col) if block else (cell.row, cell.column)
        room = layout.column_points(sum(widths[column] for column in range(cell.column, last_col + 1)))
        if cell.data_type == "n":
            shown = f"{cell.value:{'.0f' if cell.number_format == '0' else '.2f'}}"
            if layout.text_width(shown, cell.font.sz) > room:
                cut.append(f"{cell.coordinate} {shown}: wider than its column")
        elif cell.alignment.wrap_text:
            have = sum(row_height(sheet, row) for row in range(cell.row, last_row + 1))
            needed = layout.height(str(cell.value), room, cell.font.sz)
            if needed > have:
                cut.append(f"{cell.coordinate} {cell.value!r}: needs {needed:.1f} pt, has {have:.1f}")
    return cut


def row_height(sheet, row: int) -> float:
    return sheet.row_dimensions[row].height or printing.DEFAULT_ROW_HEIGHT


def column_widths(sheet) -> list[float]:
    return [sheet.column_dimensions[get_column_letter(column)].width for column in range(1, sheet.max_column + 1)]
