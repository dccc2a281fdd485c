"""Attachment tables received from units that do not report in the system (以报表形式报送): a workbook in the official
layout, as reports/xlsx.py draws it, read back and checked.

A sheet is recognised by the head of its first data column (attachment 1: 排查机构数量, attachment 2: 风险情况) and its
columns are read under the header the export writes, merged label cells read as the label above them. Every fault is
named by its sheet and cell, all of them at once; the caller saves nothing while there is one.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ledger import excel, validators
from ledger.models import Clue, ScreeningRecord
from orgs.models import Unit
from screening.models import Campaign, Term

from .models import ReceivedKeyClue, ReceivedReturn
from .table import Column
from .tables import ATTACHMENT1_COLUMNS, ATTACHMENT2_COLUMNS

HEADER_SEARCH_ROWS = 10
TOTAL = "合计"
BLOCKS = {"重点领域": Term.Vocabulary.SECTOR, "重点行为": Term.Vocabulary.BEHAVIOUR}
UNIT_LINE = "填报单位"
# The footer line and the notes below the body: the rows of the table end there.
BELOW_THE_BODY = ("填报人", "注")


def _key(value) -> str:
    """Texts compare as a person reads them: the form breaks its heads over lines (排查机\n构数量), people type
    full-width letters and stray spaces."""
    return "".join(validators.to_half_width(str(value or "")).split())


@dataclass(frozen=True)
class Layout:
    attachment: int
    columns: list[Column]
    labels: int  # the label columns left of the data

    @property
    def anchor(self) -> str:
        first = self.columns[0]
        return first.group or first.label


LAYOUTS = (Layout(1, ATTACHMENT1_COLUMNS, 3), Layout(2, ATTACHMENT2_COLUMNS, 1))


@dataclass
class Received:
    """What one sheet holds, read: the model fields of each row (a term, or an attachment 2 row's sector, and the
    values under the columns' keys)."""

    attachment: int
    unit_place: str  # the cell naming the unit (填报单位), where a refusal of the unit is shown
    rows: list[dict] = field(default_factory=list)


@dataclass
class Reading:
    tables: list[Received] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Sheet:
    """A sheet's cells from A1, and the places of its cells as a spreadsheet names them."""

    def __init__(self, name: str, cells: list[list], reading: Reading):
        self.name, self.cells, self.reading = name, cells, reading

    def value(self, row: int, col: int):
        if row < len(self.cells) and col < len(self.cells[row]):
            value = self.cells[row][col]
            if isinstance(value, str):
                value = value.strip()
            return None if value == "" else value
        return None

    def text(self, row: int, col: int) -> str:
        value = self.value(row, col)
        if value is None:
            return ""
        if isinstance(value, float):  # a 序号 or a code typed as digits
            return str(validators.as_displayed(value))
        return str(value)

    def place(self, row: int, col: int) -> str:
        return f"{self.name}!{get_column_letter(col + 1)}{row + 1}"

    def fault(self, row: int, col: int, message: str) -> None:
        self.reading.errors.append(_("%(place)s: %(message)s") % {"place": self.place(row, col), "message": message})

    def number(self, row: int, col: int, column: Column) -> Decimal | None:
        """The number in a cell, as the spreadsheet shows it; an empty cell is 0. None, and the fault kept, when it is
        not a number of the form: negative, or with more than two decimals (note 5), which is never rounded."""
        raw = self.value(row, col)
        if raw is None:
            return Decimal("0.00")
        if isinstance(raw, float | int) and not isinstance(raw, bool):
            value = validators.as_displayed(float(raw))
        else:
            try:
                value = Decimal(validators.to_half_width(str(raw)).replace(",", ""))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                self.fault(row, col, _("%(column)s must be a number, not “%(value)s”.")
                           % {"column": column.label, "value": raw})
                return None
        if value < 0:
            self.fault(row, col, _("%(column)s cannot be negative.") % {"column": column.label})
            return None
        if value != value.quantize(validators.CENT):
            self.fault(row, col, _("%(column)s takes at most two decimals: “%(value)s” has more.")
                       % {"column": column.label, "value": value})
            return None
        if value > validators.MAX_AMOUNT:
            self.fault(row, col, _("%(column)s is too large.") % {"column": column.label})
            return None
        return value.quantize(validators.CENT)

    def values(self, row: int, first: int, columns: list[Column]) -> dict:
        """The row's value under each column's key: numbers checked, text as written."""
        return {
            column.key: self.number(row, first + index, column) if column.numeric else self.text(row, first + index)
            for index, column in enumerate(columns)
        }

    def is_empty(self, row: int, last_col: int) -> bool:
        return all(self.value(row, col) is None for col in range(last_col + 1))


class _Terms:
    """The campaign's sector and behaviour trees, looked up by the names a table writes. One query."""

    def __init__(self, campaign: Campaign):
        terms = list(Term.objects.filter(campaign=campaign, vocabulary__in=BLOCKS.values()))
        self.tops = {(term.vocabulary, _key(term.name)): term for term in terms if not term.parent_id}
        self.items = {(term.parent_id, _key(term.name)): term for term in terms if term.parent_id}
        self.divided = {term.parent_id for term in terms if term.parent_id}

    def sector(self, name: str) -> Term | None:
        """A sector a clue can be filed under (a leaf), by its name alone, as attachment 2 writes it."""
        found = [term for (_parent, key), term in self.items.items()
                 if key == _key(name) and term.vocabulary == Term.Vocabulary.SECTOR]
        top = self.tops.get((Term.Vocabulary.SECTOR, _key(name)))
        if top is not None and top.pk not in self.divided:
            found.append(top)
        return found[0] if len(found) == 1 else None


def read(file, *, campaign: Campaign, unit: Unit) -> Reading:
    """The attachment 1 and 2 tables of the workbook in ``file``, sent by ``unit``, with every fault found."""
    reading = Reading()
    try:
        grids = excel.read_grids(file)
    except excel.ExcelError as refused:
        reading.errors.append(refused.message)
        return reading
    terms = _Terms(campaign)
    for name, cells in grids:
        sheet = _Sheet(name, cells, reading)
        found = _find_header(sheet)
        if found is None:
            continue
        layout, header_row, first = found
        if any(table.attachment == layout.attachment for table in reading.tables):
            sheet.fault(header_row, first, _("The workbook holds attachment %(number)d twice.")
                        % {"number": layout.attachment})
            continue
        if not _header_matches(sheet, layout, header_row, first):
            continue
        received = Received(layout.attachment, _unit_place(sheet, header_row, first, unit))
        reader = _read_attachment1 if layout.attachment == 1 else _read_attachment2
        reader(sheet, header_row + 2, first, terms, received)
        reading.tables.append(received)
    if not reading.tables and not reading.errors:
        reading.errors.append(_(
            "No sheet of the workbook is attachment 1 or 2 in the official layout. Start from the attachment workbook "
            "this system builds for the unit, and fill it in."
        ))
    _refuse_counted_twice(reading, campaign, unit)
    return reading


def _find_header(sheet: _Sheet) -> tuple[Layout, int, int] | None:
    """The layout of the sheet, the row of its upper header and the column of its first data column."""
    anchors = {_key(layout.anchor): layout for layout in LAYOUTS}
    for row in range(min(HEADER_SEARCH_ROWS, len(sheet.cells))):
        for col in range(len(sheet.cells[row])):
            layout = anchors.get(_key(sheet.value(row, col)))
            if layout is not None and col >= layout.labels:
                return layout, row, col
    return None


def _header_matches(sheet: _Sheet, layout: Layout, header_row: int, first: int) -> bool:
    """Whether each column stands under its head, as the export draws it: a group's head over its first column and
    each column's label below it, or a column's label alone. The first difference is named."""
    expected = []
    for index, column in enumerate(layout.columns):
        col = first + index
        if not column.group:
            expected.append((header_row, col, column.label))
            continue
        if index == 0 or layout.columns[index - 1].group != column.group:
            expected.append((header_row, col, column.group))
        expected.append((header_row + 1, col, column.label))
    for row, col, text in expected:
        if _key(sheet.value(row, col)) != _key(text):
            sheet.fault(row, col, _("The head of this column should be “%(head)s”: the sheet is not in the official "
                                    "layout of attachment %(number)d.") % {"head": text, "number": layout.attachment})
            return False
    return True


def _unit_place(sheet: _Sheet, header_row: int, first: int, unit: Unit) -> str:
    """The cell naming the unit above the header (填报单位：…), refused when it names another unit; the head of the
    first column when the sheet names none."""
    for row in range(header_row):
        for col in range(len(sheet.cells[row])):
            text = _key(sheet.value(row, col))
            if not text.startswith(UNIT_LINE):
                continue
            named = text.removeprefix(UNIT_LINE).lstrip(":")
            if named and named != _key(unit.name):
                sheet.fault(row, col, _("The table is filled in by “%(named)s”, not by %(unit)s, the unit chosen.")
                            % {"named": named, "unit": unit.name})
            return sheet.place(row, col)
    return sheet.place(header_row, first)


def _body(sheet: _Sheet, body: int, first: int, columns: list[Column], label_col: int):
    """(row, its values, whether it is a 合计 row) of each row of the body down to the footer, empty rows left out."""
    last_col = first + len(columns) - 1
    for row in range(body, len(sheet.cells)):
        if sheet.text(row, label_col).startswith(BELOW_THE_BODY):
            return
        if not sheet.is_empty(row, last_col):
            yield row, sheet.values(row, first, columns), _key(sheet.value(row, label_col)) == TOTAL


def _read_attachment1(sheet: _Sheet, body: int, first: int, terms: _Terms, received: Received) -> None:
    """The sector block, then the behaviour block, each closed by its 合计 row, which must be the sum of its rows."""
    columns = ATTACHMENT1_COLUMNS
    heading, group, vocabulary = first - 3, first - 2, None
    group_name, block_rows, block_place = "", [], None
    seen: dict[int, int] = {}
    for row, values, is_total in _body(sheet, body, first, columns, heading):
        if is_total:
            if vocabulary is None:
                sheet.fault(row, heading, _("This 合计 row closes no block of rows."))
            else:
                _check_total(sheet, row, first, columns, block_rows)
            vocabulary, block_rows = None, []
            continue
        if sheet.value(row, heading) is not None:
            named = BLOCKS.get(_key(sheet.value(row, heading)))
            if named is None:
                sheet.fault(row, heading, _("The row heading should be 重点领域 or 重点行为, not “%(text)s”.")
                            % {"text": sheet.text(row, heading)})
                continue
            if named != vocabulary:
                if vocabulary is not None:
                    sheet.fault(*block_place, _("This block of rows is not closed by a 合计 row."))
                vocabulary, block_place, group_name, block_rows = named, (row, heading), "", []
        if vocabulary is None:
            sheet.fault(row, heading, _("This row stands under no 重点领域 or 重点行为 heading."))
            continue
        group_name = sheet.text(row, group) or group_name
        term = _term(sheet, row, group, terms, vocabulary, group_name)
        block_rows.append(values)
        if term is None:
            continue
        if term.pk in seen:
            sheet.fault(row, group + 1 if term.parent_id else group,
                        _("“%(name)s” has a row already (row %(row)d).") % {"name": term.name, "row": seen[term.pk]})
            continue
        seen[term.pk] = row + 1
        if any(values.values()):  # the export writes every row of the form, most of them empty
            received.rows.append({"term": term, **values})
    if vocabulary is not None:
        sheet.fault(*block_place, _("This block of rows is not closed by a 合计 row."))


def _term(sheet: _Sheet, row: int, group: int, terms: _Terms, vocabulary: str, group_name: str) -> Term | None:
    """The leaf of the campaign's tree that the row's labels name: an item under its group, or a group without items."""
    block = "重点领域" if vocabulary == Term.Vocabulary.SECTOR else "重点行为"
    top = terms.tops.get((vocabulary, _key(group_name)))
    if top is None:
        sheet.fault(row, group, _("“%(name)s” is not among the %(block)s of this campaign.")
                    % {"name": group_name, "block": block})
        return None
    item_name = sheet.text(row, group + 1)
    if not item_name:
        if top.pk in terms.divided:
            sheet.fault(row, group, _("“%(name)s” is divided into items: fill in the rows of its items.")
                        % {"name": top.name})
            return None
        return top
    item = terms.items.get((top.pk, _key(item_name)))
    if item is None:
        sheet.fault(row, group + 1, _("“%(name)s” is not an item of “%(group)s” in this campaign.")
                    % {"name": item_name, "group": top.name})
    return item


def _check_total(sheet: _Sheet, row: int, first: int, columns: list[Column], rows: list[dict]) -> None:
    """Each column marked * (note 6) of a 合计 row equals the sum of the rows above it; a column where a row's cell
    is refused already is not summed again."""
    for index, column in enumerate(columns):
        if not column.totalled:
            continue
        total = sheet.number(row, first + index, column)
        parts = [values[column.key] for values in rows]
        if total is None or None in parts:
            continue
        summed = sum(parts, Decimal("0.00"))
        if total != summed:
            sheet.fault(row, first + index, _("The 合计 of %(column)s is %(total)s, but its rows add up to %(sum)s.")
                        % {"column": column.label, "total": total, "sum": summed})


def _read_attachment2(sheet: _Sheet, body: int, first: int, terms: _Terms, received: Received) -> None:
    """One row per key clue, then the 合计 row."""
    columns = ATTACHMENT2_COLUMNS
    number_col = first - 1
    keys = [column.key for column in columns]
    rows = []
    for row, values, is_total in _body(sheet, body, first, columns, number_col):
        if is_total:
            _check_total(sheet, row, first, columns, rows)
            return
        rows.append(values)
        entity_col, sector_col = first + keys.index("entity"), first + keys.index("sector")
        if not values["entity"]:
            sheet.fault(row, entity_col, _("企业名称 is empty."))
        sector = terms.sector(values["sector"])
        if sector is None:
            sheet.fault(row, sector_col, _("“%(name)s” is not a sector (所属行业) of this campaign.")
                        % {"name": values["sector"]})
        for index, column in enumerate(columns):
            limit = getattr(ReceivedKeyClue._meta.get_field(column.key), "max_length", None)
            if limit and len(values[column.key]) > limit:
                sheet.fault(row, first + index, _("%(column)s has more than %(limit)d characters.")
                            % {"column": column.label, "limit": limit})
        received.rows.append({**values, "sector": sector, "position": len(rows)})
    sheet.fault(body, number_col, _("The table has no 合计 row below its rows."))


def _refuse_counted_twice(reading: Reading, campaign: Campaign, unit: Unit) -> None:
    """A unit's figures come from the ledger or from a table, never both: refused when the unit (or a unit beneath it)
    has clues or screening records in the campaign, or when a unit above or beneath it sent the same attachment as a
    table. Three queries."""
    if not reading.tables:
        return
    beneath = Q(unit__path__startswith=unit.path)
    clues = Clue.objects.filter(beneath, campaign=campaign).count()
    records = ScreeningRecord.objects.filter(beneath, campaign=campaign).count()
    related = ReceivedReturn.objects.filter(
        Q(unit__in=unit.lineage_ids[:-1]) | beneath, campaign=campaign,
        attachment__in=[table.attachment for table in reading.tables],
    ).exclude(unit=unit)
    sent = dict(related.values_list("attachment", "unit__name"))
    for table in reading.tables:
        if clues or records:
            reading.errors.append(_(
                "%(place)s: %(unit)s already reports in the system (%(clues)d clues and %(records)d screening records "
                "in the ledger of this campaign): a table of it would count its figures twice."
            ) % {"place": table.unit_place, "unit": unit.name, "clues": clues, "records": records})
        if table.attachment in sent:
            reading.errors.append(_(
                "%(place)s: %(other)s, above or beneath %(unit)s, has sent attachment %(number)d as a table already: "
                "the figures would be counted twice."
            ) % {"place": table.unit_place, "other": sent[table.attachment], "unit": unit.name,
                 "number": table.attachment})
