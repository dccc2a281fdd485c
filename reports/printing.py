"""How a drawn sheet goes on paper: A4 landscape, one page wide, the header rows repeated on every page, and page
breaks that keep together what a page break would cut.

A page break through merged cells prints part of their text on each page and cuts it, so a group of rows bound by a
merged label starts a new page when it does not fit on what is left of the current one (and is split between its
own groups only when it is taller than a page); the 合计 row stays with its block, and the footer and the notes with
the last block. The sheet is being written as it is drawn (reports/xlsx.py), so the rows' heights and the columns'
widths are those the drawing gives it rather than read off it; the scale is the one fitting the columns to the page
width, and a page is taken as a little shorter than it is, so that these breaks come before the application's own.
"""

import math
from collections.abc import Iterator, Mapping, Sequence

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from . import layout

INCH = 72  # points
A4_LANDSCAPE = (841.89, 595.28)  # points
SIDE_MARGIN, END_MARGIN = 0.4, 0.5  # inches
DEFAULT_ROW_HEIGHT = 15  # points, what Excel gives a row whose height the file does not set
SAFETY = 0.95


def set_up(sheet, titles: range, blocks: Sequence[Sequence[range]], widths: Sequence[float],
           heights: Mapping[int, float]) -> None:
    """Print ``sheet``, whose columns are ``widths`` wide and whose rows are ``heights`` high (a row not in it has the
    default height), on A4 landscape, one page wide, repeating the rows ``titles`` on each page, breaking pages between
    ``blocks`` (each a sequence of groups of rows) and, in a block taller than a page, between its groups."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{titles.start}:{titles.stop - 1}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = SIDE_MARGIN
    sheet.page_margins.top = sheet.page_margins.bottom = END_MARGIN
    for row in _page_ends(titles, blocks, scale(widths), heights):
        sheet.row_breaks.append(Break(id=row))


def scale(widths: Sequence[float]) -> float:
    """The scale at which columns ``widths`` wide fill the page's width (never above full size), in whole percent as
    the applications print it."""
    width = sum(widths) * layout.POINTS_PER_UNIT
    printable = A4_LANDSCAPE[0] - 2 * SIDE_MARGIN * INCH
    return min(100, math.floor(100 * printable / width)) / 100


def _page_ends(titles: range, blocks: Sequence[Sequence[range]], at_scale: float, heights: Mapping[int, float]
               ) -> Iterator[int]:
    """The last row of each page but the last."""
    def height(rows: range) -> float:
        return sum(heights.get(row) or DEFAULT_ROW_HEIGHT for row in rows)

    page = (A4_LANDSCAPE[1] - 2 * END_MARGIN * INCH) / at_scale * SAFETY
    repeated = height(titles)
    used = height(range(1, titles.stop))
    for block in blocks:
        whole = sum(height(group) for group in block)
        if used + whole <= page:
            used += whole
            continue
        if repeated + whole <= page:
            yield block[0].start - 1
            used = repeated + whole
            continue
        for group in block:
            needed = height(group)
            if used + needed > page and used > repeated:
                yield group.start - 1
                used = repeated
            used += needed
