"""Workbooks in and out: reading an uploaded .xlsx without trusting it, and writing the .xlsx files people download.

An upload is checked as a zip archive before it is read (size, members, compression), its XML refused if it declares
a document type (no workbook does; entity expansion, "billion laughs", needs one), and the rectangle of each sheet
measured, so that neither a large file nor a crafted one can exhaust the server. It is then read with calamine
(python-calamine), which reads a sheet fifteen to twenty times faster than openpyxl but holds it as one rectangle from
its first cell to its last: two cells far apart would ask for billions of cells, hence the measure beforehand.
"""

import io
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from config import version

from .validators import to_half_width

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# What the members of an honest 20,000-row workbook can reach uncompressed, with a wide margin.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Spreadsheet XML compresses 10 to 50 times; zip bombs, a thousand times and more.
MAX_COMPRESSION_RATIO = 200
# Below this size a member cannot hurt, and small repetitive parts (styles, empty sheets) compress very well.
RATIO_CHECKED_FROM = 1024 * 1024
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 100
# Where a document type would stand: before the root element, after at most an XML declaration and comments.
PROLOG_BYTES = 64 * 1024
# The rectangle a sheet may span: the rows allowed, with room for a title and some empty rows, by the columns the
# header is looked for in (at most about 70 MB held by calamine).
MAX_EXTENT = (MAX_ROWS + HEADER_SEARCH_ROWS + 100, MAX_COLUMNS)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The first cell of a template's example row begins with it; such a row is never imported.
EXAMPLE_MARK = "示例"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What calamine and the zip and XML libraries raise on a damaged or hostile file.
_UNREADABLE = (
    zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, IndexError, ValueError, TypeError, EOFError, OSError,
    SyntaxError, CalamineError, etree.LxmlError,
)


class ExcelError(Exception):
    """The whole file is refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula (OWASP "CSV injection") made inert by a leading
    apostrophe. Anything else, numbers included, is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def normalise_header(text) -> str:
    """Headers compare without spaces, full-width forms or the asterisk people add to mark a required column."""
    return "".join(to_half_width(str(text or "")).split()).strip("*")


# Reading -------------------------------------------------------------------------------------------------------------


def read_table(file, *, headers: Sequence[str], required: Sequence[str]) -> list[tuple[int, dict[str, object]]]:
    """The data rows of the first visible sheet of the workbook in ``file`` (a binary file object), as
    (row number in Excel, {header: value}). Columns are found by their header, in any order; other columns are ignored.
    Text is stripped and empty cells are None; empty rows are skipped."""
    with _opened(file) as workbook:
        return _read_rows(_first_visible_sheet(workbook), headers, required)


def read_grids(file) -> list[tuple[str, list[list]]]:
    """Every visible sheet of the workbook in ``file`` as (name, its cells from A1, row by row), after the same checks
    as ``read_table``: for a form whose cells are found by their place rather than under a header row."""
    with _opened(file) as workbook:
        return [
            (sheet.name, workbook.get_sheet_by_index(index).to_python(skip_empty_area=False))
            for index, sheet in enumerate(workbook.sheets_metadata)
            if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet
        ]


@contextmanager
def _opened(file):
    """The workbook in ``file``, checked before calamine reads it; a damaged or hostile one is refused."""
    _check_archive(file)
    try:
        _check_sheets(file)
        workbook = CalamineWorkbook.from_filelike(file)
    except _UNREADABLE:
        raise ExcelError(_damaged())
    try:
        yield workbook
    except _UNREADABLE:
        raise ExcelError(_damaged())
    finally:
        workbook.close()


def _damaged() -> str:
    return _("The workbook is damaged and cannot be read. Open it in Excel or WPS, save it again as .xlsx and upload "
             "the new file.")


def _not_xlsx() -> str:
    return _("This is not an Excel workbook (.xlsx). Open it in Excel or WPS and save it as “Excel 工作簿 (*.xlsx)”; "
             "remove any password first.")


def _check_archive(file) -> None:
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if size > MAX_FILE_BYTES:
        raise ExcelError(
            _("The file is larger than %(limit)d MB. Split it into several files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not zipfile.is_zipfile(file):
        raise ExcelError(_not_xlsx())
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except _UNREADABLE:
        raise ExcelError(_not_xlsx())
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ExcelError(_not_xlsx())
    # The sizes are those the archive declares: zipfile never inflates a member beyond its declared size, so they
    # bound what calamine can be made to read.
    too_compressed = any(
        member.file_size > RATIO_CHECKED_FROM
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if too_compressed or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise ExcelError(_("The workbook expands to far more data than a spreadsheet holds and was refused."))
    file.seek(0)


def _check_sheets(file) -> None:
    """Refuse XML with a document type, and a sheet whose cells span more than MAX_EXTENT, placing the cells as
    calamine does (by their reference, else after the cell before) and counting only those with a value."""
    with zipfile.ZipFile(file) as archive:
        for member in archive.infolist():
            if not member.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(member) as xml:
                if b"<!DOCTYPE" in xml.read(PROLOG_BYTES).upper():
                    raise ExcelError(_damaged())
            if member.filename.startswith("xl/worksheets/"):
                with archive.open(member) as xml:
                    rows, columns = _extent(xml)
                if rows > MAX_EXTENT[0]:
                    raise ExcelError(_too_many_rows())
                if columns > MAX_EXTENT[1]:
                    raise ExcelError(_("The sheet has more than %(limit)d columns. Remove the columns that are not "
                                       "in the template.") % {"limit": MAX_EXTENT[1]})
    file.seek(0)


def _extent(xml) -> tuple[int, int]:
    last_row = last_column = row = column = 0
    for event, element in etree.iterparse(xml, events=("start", "end"), tag=("{*}row", "{*}c"),
                                          resolve_entities=False, no_network=True):
        if element.tag.endswith("row"):
            if event == "start":
                row, column = int(element.get("r") or row + 1), 0
            else:
                element.clear()
            continue
        if event == "start":
            continue
        reference = element.get("r")
        if reference:
            letters, row = coordinate_from_string(reference)
            column = column_index_from_string(letters)
        else:
            column += 1
        if len(element):
            last_row, last_column = max(last_row, row), max(last_column, column)
    return last_row, last_column


def _too_many_rows() -> str:
    return _("The file has more than %(limit)s rows. Split it into several files.") % {"limit": f"{MAX_ROWS:,}"}


def _first_visible_sheet(workbook):
    for index, sheet in enumerate(workbook.sheets_metadata):
        if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet:
            return workbook.get_sheet_by_index(index)
    raise ExcelError(_("The workbook has no visible sheet."))


def _read_rows(sheet, headers: Sequence[str], required: Sequence[str]) -> list[tuple[int, dict[str, object]]]:
    # calamine's rows begin at the sheet's first row but its columns at the first column holding something; the
    # columns are found by header in the same rows, so only the row numbers must be Excel's.
    all_rows = sheet.iter_rows()
    header_row, columns = _find_header(all_rows, headers, required)
    rows, example_row = [], None
    for number, values in enumerate(all_rows, start=header_row + 1):
        values = [values[index] if index < len(values) else None for index in range(max(columns.values()) + 1)]
        if is_example(values):
            example_row = number
            continue
        cells = {header: _clean(values[index]) for header, index in columns.items()}
        if all(value is None for value in cells.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise ExcelError(_too_many_rows())
        rows.append((number, cells))
    if not rows and example_row:
        raise ExcelError(
            _("The file holds only the template's example (row %(row)d), which is never imported: nothing has been "
              "imported. Write your rows below it, or over it.") % {"row": example_row}
        )
    if not rows:
        raise ExcelError(_("The file has no data below its header row."))
    return rows


def is_example(values: Sequence) -> bool:
    """The example row of a template: its first cell begins with 示例."""
    first = values[0] if values else None
    return isinstance(first, str) and first.strip().startswith(EXAMPLE_MARK)


def _find_header(rows, headers: Sequence[str], required: Sequence[str]) -> tuple[int, dict[str, int]]:
    """The header row (people put a title line or two above it) and the column index of each known header, read off
    the first rows of the iterator ``rows``, which is left after the header."""
    wanted = {normalise_header(header): header for header in headers}
    for number, values in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        found = [(wanted.get(normalise_header(value)), index) for index, value in enumerate(values)]
        found = [(header, index) for header, index in found if header]
        if not found:
            continue
        named = [header for header, _index in found]
        twice = sorted({header for header in named if named.count(header) > 1})
        if twice:
            raise ExcelError(_("The column %(columns)s appears twice in the header row.") % {"columns": "、".join(twice)})
        columns = dict(found)
        missing = [header for header in required if header not in columns]
        if missing:
            raise ExcelError(
                _("Row %(row)d lacks the required column(s) %(columns)s. Use the template of this page.")
                % {"row": number, "columns": "、".join(missing)}
            )
        return number, columns
    raise ExcelError(
        _("No header row was found in the first %(count)d rows: it should hold %(columns)s. Use the template of this "
          "page.") % {"count": HEADER_SEARCH_ROWS, "columns": "、".join(required)}
    )


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# Writing -------------------------------------------------------------------------------------------------------------

BOLD = Font(bold=True)
REQUIRED = Font(bold=True, color="C00000")
EXAMPLE = Font(italic=True, color="7F7F7F")
TITLE = Font(bold=True, size=14)
WRAPPED = Alignment(wrap_text=True, vertical="top")
OPTIONS_SHEET = "选项"
INSTRUCTIONS_SHEET = "说明"
TEMPLATE_ROWS = MAX_ROWS + 1  # the header and as many rows as an upload may hold
NUMBER_FORMATS = {Decimal: "0.00", date: "yyyy-mm-dd"}


@dataclass(frozen=True)
class Column:
    """A column of a template: its header, whether it must be filled, and what helps people fill it."""

    header: str
    required: bool = False
    options: Sequence[str] = ()  # offered as a drop-down list
    several: bool = False  # the cell may name several options, separated by 、
    number_format: str = ""  # "@" keeps typed codes as text; "0.00" shows amounts with two decimals
    help: str = ""  # what the column holds and how to write it, on the instructions sheet
    example: object = None  # its cell in the example row


def display_width(text: str) -> int:
    """The width of ``text`` in Excel's character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(text))


def _column_width(texts: Iterable[str]) -> int:
    return min(max((display_width(text) for text in texts), default=8) + 4, 40)


def template(columns: Sequence[Column], *, title: str, instructions: Sequence[str] = ()) -> bytes:
    """A workbook to fill in: the header row, one example row (its first cell marked 示例, never imported), drop-down
    lists read from a hidden sheet of options, the formats that keep codes as text and amounts at two decimals, and a
    说明 sheet: each column's meaning, then ``instructions``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    _instructions_sheet(workbook.create_sheet(INSTRUCTIONS_SHEET), columns, title=title, instructions=instructions)
    options_sheet = workbook.create_sheet(OPTIONS_SHEET)
    options_sheet.sheet_state = "hidden"
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED if column.required else BOLD
        if column.required:
            cell.comment = Comment(_("Required."), "")
        dimension = sheet.column_dimensions[letter]
        dimension.width = _column_width([column.header, *column.options])
        if column.number_format:
            dimension.number_format = column.number_format
        if column.options:
            sheet.add_data_validation(_drop_down(column, options_sheet, index, f"{letter}2:{letter}{TEMPLATE_ROWS}"))
        example = f"{EXAMPLE_MARK}：{column.example}" if index == 1 else column.example
        example_cell = sheet.cell(row=2, column=index, value=example)
        example_cell.font = EXAMPLE
        if column.number_format:
            example_cell.number_format = column.number_format
    return _bytes(workbook)


def _instructions_sheet(sheet, columns: Sequence[Column], *, title: str, instructions: Sequence[str]) -> None:
    sheet.append([_("How to fill in the sheet “%(sheet)s”") % {"sheet": title}])
    sheet["A1"].font = TITLE
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("What it holds")])
    for cell in sheet[3]:
        cell.font = BOLD
    for column in columns:
        sheet.append([column.header, _("Yes") if column.required else "", column.help])
        sheet.cell(row=sheet.max_row, column=1).font = REQUIRED if column.required else BOLD
        sheet.cell(row=sheet.max_row, column=3).alignment = WRAPPED
    sheet.append([])
    # Each line in a cell of its own, not wrapped: it runs on over the empty cells beside it.
    for line in instructions:
        sheet.append([line])
    sheet.column_dimensions["A"].width = _column_width(column.header for column in columns)
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80


def _drop_down(column: Column, options_sheet, index: int, cells: str) -> DataValidation:
    letter = get_column_letter(index)
    options_sheet.cell(row=1, column=index, value=column.header)
    for row, option in enumerate(column.options, start=2):
        options_sheet.cell(row=row, column=index, value=option)
    source = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(column.options) + 1}"
    # A cell that names several options is no single item of the list: Excel must let it through.
    validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=not column.several)
    if column.several:
        validation.promptTitle = column.header
        validation.prompt = _("Several values may be given, separated by 、")
        validation.showInputMessage = True
    else:
        validation.errorTitle = column.header
        validation.error = _("Choose a value from the list.")
    validation.add(cells)
    return validation


def write_workbook(target, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> None:
    """A workbook of plain tables written to ``target`` (a path or a binary file), one sheet per (title, headers,
    rows): bold headers, numbers as numbers (Decimal amounts at 0.00), dates as dates. The rows are consumed one at a
    time and written at once (openpyxl's write-only mode), so a sheet of any length takes little memory. Callers
    neutralise their text cells."""
    book = openpyxl.Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _column_width([header])
        sheet.append([_header_cell(sheet, header) for header in headers])
        formatted = _formatter(sheet)
        for row in rows:
            sheet.append(formatted(row))
    stamp(book)
    book.save(target)


def _header_cell(sheet, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = BOLD
    return cell


def _formatter(sheet):
    """Numbers and dates keep their formats through one styled cell per column and format, reused row after row:
    openpyxl writes a row as soon as it is appended, and a new styled cell per value costs as much as writing it."""
    styled: dict[tuple[int, str], WriteOnlyCell] = {}

    def formatted(row: Sequence) -> list:
        cells = list(row)
        for index, value in enumerate(cells):
            number_format = NUMBER_FORMATS.get(type(value))
            if number_format is None:
                continue
            cell = styled.get((index, number_format))
            if cell is None:
                cell = styled[index, number_format] = WriteOnlyCell(sheet)
                cell.number_format = number_format
            cell.value = value
            cells[index] = cell
        return cells

    return formatted


def stamp(book) -> None:
    """Mark a generated workbook with the release and commit that made it (config/version.py), so that an office can
    say which version produced a table: in its document properties, and small at the right of every sheet's printed
    footer, which sits in the bottom margin and takes nothing from the page's body."""
    label = version.label()
    book.properties.creator = "fxjz"
    book.properties.version = label
    book.properties.description = f"fxjz {label}"
    text = _("Version %(version)s") % {"version": label}
    for sheet in book.worksheets:
        sheet.oddFooter.right.text = text
        sheet.oddFooter.right.size = 8
        # Excel and LibreOffice draw the footer upwards from this distance; it must stay below the body's margin.
        sheet.page_margins.footer = min(sheet.page_margins.footer, sheet.page_margins.bottom * 0.4)


def _bytes(book) -> bytes:
    stamp(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
