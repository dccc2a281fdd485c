"""How much room text takes in a printed cell, so that the workbook can carry row heights and column widths that fit.

Neither Excel nor LibreOffice grows a row to fit wrapped text in a merged cell, and LibreOffice does not grow the rows
of an .xlsx it opens, so the workbook says how high each row is. The measure is deliberately generous, to hold in
SimSun (Windows, WPS) as in the CJK fonts a Linux desktop falls back to: a Chinese character (or punctuation of
ambiguous width, such as “”) is one em wide, any other character 0.55 em; a line is 1.45 em high (the line spacing of
the Noto CJK fonts; SimSun needs less).

Widths are in a spreadsheet's column units: the digit width of the workbook's default font (Calibri 11: 7 pixels at
96 dpi, 5.25 points), of which 5 pixels are the cell's padding.
"""

import functools
import math
import re
import unicodedata

POINTS_PER_UNIT = 5.25
CELL_PADDING = 3.75  # points
LATIN_EM = 0.55
LINE_SPACING = 1.45
VERTICAL_MARGIN = 3.0  # points, above and below the lines together
# A line never starts with closing punctuation nor ends with opening punctuation, and a run of Latin letters and
# digits (an amount, "35.00%", "(3)") is not broken: such a group moves to the next line whole.
OPENING = "（“‘《「〔【(["
CLOSING = "、，。；：！？）”’》」〕】)]%"
GROUP = re.compile(rf"[{re.escape(OPENING)}]*(?:[!-~]+|\s|.)[{re.escape(CLOSING)}]*")


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in points at ``size`` points."""
    return size * sum(map(_em, text))


@functools.cache
def _em(char: str) -> float:
    # A table's text draws on a few thousand distinct characters, measured once each.
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else LATIN_EM


def column_points(units: float) -> float:
    """The room for text, in points, in a column (or merged columns) ``units`` wide."""
    return units * POINTS_PER_UNIT - CELL_PADDING


def units_for(text: str, size: float) -> float:
    """The column width that holds ``text`` on one line."""
    return (text_width(text, size) + CELL_PADDING) / POINTS_PER_UNIT


def line_count(text: str, room: float, size: float) -> int:
    """The lines ``text`` takes, wrapped in ``room`` points at ``size`` points; a line break in the text starts a new
    line, and a group wider than a whole line is broken where it must."""
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for group in GROUP.findall(paragraph):
            width = text_width(group, size)
            if used + width <= room:
                used += width
            elif width <= room:
                lines += 1
                used = 0.0 if group.isspace() else width
            else:
                broken = math.ceil((used + width) / room)
                lines += broken - 1
                used = used + width - (broken - 1) * room
    return lines


# A table repeats its texts down a column (a sector, a track, 是/否): measured once each per width and size.
@functools.lru_cache(maxsize=65536)
def height(text: str, room: float, size: float) -> float:
    """The row height, in points, that shows ``text`` wrapped in ``room`` points at ``size`` points."""
    return line_count(text, room, size) * size * LINE_SPACING + VERTICAL_MARGIN
