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


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    bomb = with_member(xlsx(HEADERS, [{"企业名称": "甲"}]), "xl/worksheets/sheet1.xml", b" " * (50 * 1024 * 1024))
    assert len(bomb) < excel.MAX_FILE_BYTES

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(excel.openpyxl, "load_workbook", must_not_open)
    assert "refused" in refusal(bomb)


def test_the_sum_of_the_members_is_limited(monkeypatch):
    monkeypatch.setattr(excel, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "refused" in refusal(xlsx(HEADERS, [{"企业名称": "甲"}]))


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
    assert openpyxl.DEFUSEDXML, "openpyxl parses uploads through defusedxml"
    laughs = with_member(xlsx(HEADERS, [{"企业名称": "甲"}]), member, LAUGHS)
    message = refusal(laughs)
    assert ".xlsx" in message or "damaged" in message


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(trigger):
    assert excel.neutralise(f"{trigger}HYPERLINK(\"http://x\")") == f"'{trigger}HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("value", ["甲公司", "a=b", "", -5, 3.5, None])
def test_other_values_are_left_alone(value):
    assert excel.neutralise(value) == value
