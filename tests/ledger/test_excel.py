"""Reading uploaded workbooks without trusting them, and the formula neutralisation of what we write."""

import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from ledger import excel
from tests.ledger.workbooks import with_member, xlsx

HEADERS = ["企业名称", "所属行业", "涉及人数"]


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English, whatever the state of the Chinese catalogue.
    with translation.override("en"):
        yield


def read(data: bytes, required=("企业名称", "所属行业")):
    return excel.read_table(io.BytesIO(data), headers=HEADERS, required=required)


def refusal(data: bytes) -> str:
    with pytest.raises(excel.ExcelError) as refused:
        read(data)
    return refused.value.message


def test_columns_are_found_by_header_below_a_title_and_empty_rows_are_skipped():
    data = xlsx(
        ["序号", " 所属行业 ", "企业名称*", "涉及人数"],
        [{"序号": 1, " 所属行业 ": "教育机构", "企业名称*": " 甲公司 ", "涉及人数": 3}, {}, {"企业名称*": "乙公司"}],
        above=[["某街道排查名单"]],
    )
    assert read(data) == [
        (3, {"企业名称": "甲公司", "所属行业": "教育机构", "涉及人数": 3}),
        (5, {"企业名称": "乙公司", "所属行业": None, "涉及人数": None}),
    ]


def test_a_missing_required_column_is_named():
    assert "所属行业" in refusal(xlsx(["企业名称", "涉及人数"], [{"企业名称": "甲公司"}]))


def test_a_file_without_data_rows_is_refused():
    assert "no data" in refusal(xlsx(HEADERS, []))


@pytest.mark.parametrize("data", [b"just text", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600], ids=["text", "xls"])
def test_a_file_that_is_not_a_workbook_is_refused(data):
    assert ".xlsx" in refusal(data)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert ".xlsx" in refusal(out.getvalue())


def test_a_file_over_10_mb_is_refused():
    assert "10 MB" in refusal(b"\0" * (excel.MAX_FILE_BYTES + 1))


def test_more_than_20000_rows_are_refused():
    rows = [{"企业名称": f"公司{i}", "所属行业": "教育机构"} for i in range(excel.MAX_ROWS + 1)]
    assert "20,000" in refusal(xlsx(HEADERS, rows))


def test_a_zip_bomb_is_refused_before_it_is_read(monkeypatch):
    bomb = with_member(xlsx(HEADERS, [{"企业名称": "甲"}]), "xl/worksheets/sheet1.xml", b" " * (50 * 1024 * 1024))
    assert len(bomb) < excel.MAX_FILE_BYTES

    def must_not_open(*args, **kwargs):
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(excel.CalamineWorkbook, "from_filelike", must_not_open)
    monkeypatch.setattr(excel, "_extent", must_not_open)
    assert "refused" in refusal(bomb)


def test_the_sum_of_the_members_is_limited(monkeypatch):
    monkeypatch.setattr(excel, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "refused" in refusal(xlsx(HEADERS, [{"企业名称": "甲"}]))


def sheet_xml(rows: str) -> bytes:
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + rows.encode() + b"</sheetData></worksheet>")


def with_sheet(rows: str) -> bytes:
    return with_member(xlsx(HEADERS, [{"企业名称": "甲"}]), "xl/worksheets/sheet1.xml", sheet_xml(rows))


def test_two_cells_far_apart_are_refused_before_the_sheet_is_read(monkeypatch):
    def must_not_open(*args, **kwargs):
        raise AssertionError("the sheet was read")

    monkeypatch.setattr(excel.CalamineWorkbook, "from_filelike", must_not_open)
    far_apart = with_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'
                           '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert "20,000" in refusal(far_apart)
    wide = with_sheet('<row r="1">' + "<c><v>1</v></c>" * (excel.MAX_EXTENT[1] + 1) + "</row>")
    assert "columns" in refusal(wide)


def test_cells_formatted_far_below_the_data_but_empty_are_no_rows():
    header = "".join(f'<c r="{letter}1" t="inlineStr"><is><t>{text}</t></is></c>'
                     for letter, text in zip("ABC", HEADERS))
    data = with_sheet(f'<row r="1">{header}</row><row r="2"><c r="A2" t="inlineStr"><is><t>甲公司</t></is></c>'
                      '<c r="B2" t="inlineStr"><is><t>教育机构</t></is></c></row>'
                      '<row r="900000"><c r="XFD900000" s="1"/></row>')
    assert read(data) == [(2, {"企业名称": "甲公司", "所属行业": "教育机构", "涉及人数": None})]


def test_rows_keep_their_numbers_in_excel_when_the_table_starts_further_right():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C2"] = "某街道排查名单"
    for offset, header in enumerate(HEADERS):
        sheet.cell(row=4, column=3 + offset, value=header)
    sheet["C6"], sheet["D6"], sheet["E6"] = "乙公司", "教育机构", 12
    buffer = io.BytesIO()
    book.save(buffer)
    assert read(buffer.getvalue()) == [(6, {"企业名称": "乙公司", "所属行业": "教育机构", "涉及人数": 12})]


def test_a_hidden_first_sheet_is_passed_over():
    book = openpyxl.Workbook()
    book.active.title, book.active.sheet_state = "旧表", "hidden"
    book.active.append(["无关"])
    sheet = book.create_sheet("名单")
    sheet.append(HEADERS)
    sheet.append(["丙公司", "养老机构", 4])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read(buffer.getvalue()) == [(2, {"企业名称": "丙公司", "所属行业": "养老机构", "涉及人数": 4})]


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>
</sheetData></worksheet>"""


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_a_billion_laughs_workbook_is_refused_cleanly(member):
    laughs = with_member(xlsx(HEADERS, [{"企业名称": "甲"}]), member, LAUGHS)
    message = refusal(laughs)
    assert ".xlsx" in message or "damaged" in message


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(trigger):
    assert excel.neutralise(f"{trigger}HYPERLINK(\"http://x\")") == f"'{trigger}HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("value", ["甲公司", "a=b", "", -5, 3.5, None])
def test_other_values_are_left_alone(value):
    assert excel.neutralise(value) == value
