"""Workbooks built in memory for the import and export tests."""

import io
import zipfile
from decimal import Decimal

import openpyxl

from ledger import importing, validators


def xlsx(headers, rows, *, above=()) -> bytes:
    """A workbook whose first sheet has ``above`` (title lines), the header row, then ``rows`` (dicts by header)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in above:
        sheet.append(line)
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with its member ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def credit_code(number: int) -> str:
    """A valid unified social credit code, distinct for each number."""
    body = f"91120115MA{number:07d}"
    return body + validators.credit_code_check_character(body)


def clue_row(number: int = 0, **cells) -> dict:
    """A valid clue row of the 2018 form; keyword arguments override cells by header."""
    row = {
        importing.NAME: f"天津某某投资管理有限公司{number}",
        importing.CODE: credit_code(number),
        importing.SECTOR: "网络借贷平台",
        importing.BEHAVIOURS: "消费返利",
        importing.MODE: "债权类",
        importing.CHANNEL: "线上线下相结合",
        importing.AMOUNT: 120.5,
        importing.PEOPLE: 35,
        importing.UNPAID: Decimal("20"),
        importing.CROSS_PROVINCE: "否",
        importing.PROBLEMS: "超范围经营、虚假宣传",
        importing.SOURCE: "群众举报",
        importing.DESCRIPTION: "以高息为诱饵吸收资金",
    }
    return row | cells


def clues_xlsx(rows) -> bytes:
    return xlsx(importing.CLUES.headers, rows)
