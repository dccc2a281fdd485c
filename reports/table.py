"""The shape every attachment table takes: computed once (reports/tables.py), drawn twice (HTML and xlsx).

A table has label columns on the left (row headings, merged where the official form merges them), data columns under a
header of at most two levels, body rows, the notes of the form, and the footer lines.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""  # the upper header cell shared by neighbouring columns; "" spans both header rows
    numeric: bool = False
    totalled: bool = False  # marked "*" in the form: the 合计 row sums it
    width: int = 10  # in characters, for the spreadsheet


@dataclass
class Row:
    labels: list[str]
    values: dict[str, Decimal | str]
    is_total: bool = False


@dataclass(frozen=True)
class Merge:
    """A merged block of label cells, in body coordinates (row and label-column indexes, inclusive)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class Table:
    attachment: int
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
    remarks: list[str] = field(default_factory=list)  # what the page says beside the table (not part of the form)

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
    """Every number of the forms carries two decimals (note 5), counts included: 3 → 3.00."""
    return Decimal(value or 0).quantize(TWO_PLACES)


def counted_names(counts: dict[str, int], order: dict[str, int]) -> str:
    """超范围经营(3)、虚假宣传(1): most frequent first, then in taxonomy order."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 0), item[0]))
    return "、".join(f"{name}({count})" for name, count in ranked)
