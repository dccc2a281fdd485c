"""The shape every attachment table takes: computed once (reports/tables.py), drawn twice (HTML and xlsx).

A table has label columns on the left (row headings, merged where the official form merges them), data columns under a
header of at most two levels, body rows, the notes of the form, and the footer lines.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""  # the upper header cell shared by neighbouring columns; "" spans both header rows
    numeric: bool = False
    totalled: bool = False  # marked "*" in the form: the 合计 row sums it
    width: int = 10  # in characters, for the spreadsheet
    number_format: str = "0.00"  # note 5 of attachments 1 and 2; attachment 3 counts cases in whole numbers


@dataclass
class Row:
    labels: list[str]
    values: dict[str, Decimal | int | str]
    is_total: bool = False
    term_id: int | None = None  # the taxonomy leaf of the row, where the home page links it to the ledger


@dataclass(frozen=True)
class Merge:
    """A merged block of label cells, in body coordinates (row and label-column indexes, inclusive)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class Unmerged:
    """An entity reported by more than one unit whose clues the office has not merged, and a clue where it can."""

    entity_name: str
    clue_id: int


@dataclass
class Table:
    attachment: int | None  # None: a table beside the three attachments, without their 附件 mark
    title: str
    unit_line: str
    label_headers: list[str]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit_name: str = ""
    campaign_title: str = ""
    drafts_left_out: int = 0
    unmerged: list[Unmerged] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # what the page says beside the table (not part of the form)
    received_from: list[str] = field(default_factory=list)  # the units whose figures came as a table (以报表形式报送)

    @property
    def mark(self) -> str:
        return f"附件 {self.attachment}" if self.attachment else ""

    @property
    def received_note(self) -> str:
        """The line under the table naming the units whose figures were received as tables, not entered."""
        if not self.received_from:
            return ""
        return f"注：以下单位以报表形式报送，其数据取自所报报表，未录入台账：{'、'.join(self.received_from)}。"

    @property
    def groups(self) -> list[tuple[str, int]]:
        """The upper header row: (label, number of columns spanned); "" for columns that span both rows."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if column.group and spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans


@dataclass(frozen=True)
class Footer:
    filled_by: str
    phone: str
    on: date

    @property
    def date_text(self) -> str:
        return f"{self.on.year} 年 {self.on.month} 月 {self.on.day} 日"


def number(value) -> Decimal:
    """Every number of the forms carries two decimals (note 5), counts included: 3 → 3.00; half a cent rounds up."""
    return Decimal(value or 0).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def counted_names(counts: dict[str, int], order: dict[str, int]) -> str:
    """超范围经营(3)、虚假宣传(1): most frequent first, then in taxonomy order."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 0), item[0]))
    return "、".join(f"{name}({count})" for name, count in ranked)


COUNTED_SEPARATORS = re.compile(r"[、，,；;\n]")
COUNTED_NAME = re.compile(r"(?P<name>.+?)\s*[（(]\s*(?P<count>\d+)\s*[)）]")


def names_counted(text: str) -> dict[str, int]:
    """超范围经营(3)、虚假宣传(1) read back into counts, as a received table writes them; a name without a count was
    found at least once, and counts once."""
    counts: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in COUNTED_SEPARATORS.split(text))):
        matched = COUNTED_NAME.fullmatch(item)
        name, count = (matched["name"].strip(), int(matched["count"])) if matched else (item, 1)
        counts[name] = counts.get(name, 0) + count
    return counts


@dataclass(frozen=True)
class LabelCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def label_grid(table: Table) -> list[list[LabelCell]]:
    """The label cells of each body row as an HTML table wants them: a merged block becomes one cell with its spans,
    and the cells it covers are left out."""
    starts = {(m.first_row, m.first_col): m for m in table.merges}
    covered = {
        (row, col)
        for m in table.merges
        for row in range(m.first_row, m.last_row + 1)
        for col in range(m.first_col, m.last_col + 1)
        if (row, col) != (m.first_row, m.first_col)
    }
    grid = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, text in enumerate(row.labels):
            if (r, c) in covered:
                continue
            merge = starts.get((r, c))
            span = (merge.last_row - merge.first_row + 1, merge.last_col - merge.first_col + 1) if merge else (1, 1)
            cells.append(LabelCell(text, *span))
        grid.append(cells)
    return grid


def header_grid(table: Table) -> list[list[LabelCell]]:
    """The header rows, left to right: label headers, then each group over its columns, or a column alone spanning
    both rows. One header row when no column has a group."""
    depth = 2 if any(column.group for column in table.columns) else 1
    top: list[LabelCell] = []
    bottom: list[LabelCell] = []
    if len(table.label_headers) > 1 and not any(table.label_headers):
        top.append(LabelCell("", depth, len(table.label_headers)))
    else:
        top.extend(LabelCell(text, depth) for text in table.label_headers)
    start = 0
    for group, span in table.groups:
        columns = table.columns[start:start + span]
        start += span
        if group:
            top.append(LabelCell(group, 1, span))
            bottom.extend(LabelCell(column.label) for column in columns)
        else:
            top.extend(LabelCell(column.label, depth) for column in columns)
    return [top, bottom] if depth == 2 else [top]


@dataclass(frozen=True)
class BodyRow:
    is_total: bool
    labels: list[LabelCell]
    cells: list[tuple[str, bool]]  # (text, is a number)


def body_grid(table: Table) -> list[BodyRow]:
    """The body as the page draws it: merged labels, then each value as text (numbers with their two decimals)."""
    return [
        BodyRow(row.is_total, labels, [(str(row.values.get(c.key, "")), c.numeric) for c in table.columns])
        for row, labels in zip(table.rows, label_grid(table))
    ]
