from datetime import date
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import tables, xlsx
from reports.table import Footer

FOOTER = Footer("何立新", "022-29240481", date(2026, 11, 25))


def build(tmp_path, built):
    path = tmp_path / "t.xlsx"
    xlsx.write(built, FOOTER, path)
    return load_workbook(path)


def outline_gaps(sheet, first_row: int, last_row: int) -> list[tuple[int, int, str]]:
    """The cells of rows first_row..last_row whose side on the outline of their (merged) cell is not drawn."""
    blocks = {(r, c): m for m in sheet.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
              for c in range(m.min_col, m.max_col + 1)}
    gaps = []
    for r in range(first_row, last_row + 1):
        for c in range(1, sheet.max_column + 1):
            block = blocks.get((r, c))
            top, left, bottom, right = ((block.min_row, block.min_col, block.max_row, block.max_col) if block
                                        else (r, c, r, c))
            border = sheet.cell(r, c).border
            sides = {"top": r == top, "bottom": r == bottom, "left": c == left, "right": c == right}
            gaps += [(r, c, side) for side, on_edge in sides.items() if on_edge and getattr(border, side).style != "thin"]
    return gaps


def test_attachment1_is_drawn_as_the_official_form(tmp_path, tree, open_campaign, ledger):
    clue = ledger.clue("township", "staff", ledger.entity("=cmd|' /C calc'!A0"), "网络借贷平台", amount="120.50",
                       people=35, problems=["超范围经营"])
    ledger.dispose(clue, "rectify", measures=["警示约谈"])
    sheet = build(tmp_path, [tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))]).active
    assert sheet.title == "附件1 排查情况统计表"
    assert sheet["A1"].value == "附件 1"
    assert sheet["A2"].value == "涉嫌非法集资风险专项排查情况统计表"
    assert sheet["O3"].value == "单位：个、人、万元"
    # Two-level header: groups over their columns, lone columns spanning both rows.
    assert [sheet.cell(4, c).value for c in range(1, 16)] == [
        None, None, None, "排查机构数量", "问题机构情况", None, None, None, "整治情况", None, None, None,
        "未整治情况", None, "备注",
    ]
    assert [sheet.cell(5, c).value for c in range(5, 15)] == [
        "机构数量", "主要问题", "涉及人数", "涉及金额", "采取的主要措施", "整改机构数量", "清理机构数量", "立案查处的机构数量",
        "机构数量", "原因",
    ]
    merges = {str(m) for m in sheet.merged_cells.ranges}
    assert {"A2:O2", "A4:C5", "D4:D5", "E4:H4", "I4:L4", "M4:N4", "O4:O5"} <= merges
    assert {"A6:A19", "B6:C6", "B7:B9", "A20:C20"} <= merges  # 重点领域, a top-level leaf, a group, 合计
    # Row 7 is 网络借贷平台: numbers stored as numbers with two decimals.
    assert [sheet.cell(7, c).value for c in range(2, 4)] == ["互联网金融行业企业", "网络借贷平台"]
    for column, expected in ((4, 1), (5, 1), (7, 35), (8, 120.5), (10, 1)):
        cell = sheet.cell(7, column)
        assert cell.value == expected and cell.number_format == "0.00" and cell.data_type == "n"
    assert sheet.cell(7, 6).value == "超范围经营(1)" and sheet.cell(7, 9).value == "警示约谈(1)"
    assert sheet.cell(20, 1).value == "合计" and sheet.cell(20, 8).value == 120.5 and sheet.cell(20, 6).value is None
    assert sheet.cell(6, 4).value == 0 and sheet.cell(6, 4).number_format == "0.00"
    assert sheet.print_title_rows == "$4:$5"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    footer_row = 6 + 26 + 1
    assert sheet.cell(footer_row, 1).value == "填报人：何立新"
    assert "电话：022-29240481" in [sheet.cell(footer_row, c).value for c in range(1, 16)]
    assert sheet.cell(footer_row, 15).value == "2026 年 11 月 25 日"
    assert sheet.cell(footer_row + 2, 1).value.startswith("注：1. 重点领域是指非法集资主体所属的行业")
    assert sheet.cell(footer_row + 7, 1).value == "6. 合计栏标“*”的项目需统计合计数。"


def test_attachment2_neutralises_formula_text_and_totals(tmp_path, tree, open_campaign, ledger):
    clue = ledger.clue("township", "staff", ledger.entity("=HYPERLINK(\"http://x\")"), "房地产", amount="0.01",
                       people=3, unpaid="0.01")
    ledger.make_key(clue)
    sheet = build(tmp_path, [tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))]).active
    assert sheet["A4"].value == "序号" and "A4:A5" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet["B4"].value == "风险情况" and sheet["J4"].value == "工作情况"
    assert sheet["A6"].value == "1" and sheet["B6"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["F7"].value == 0.01 and sheet["G7"].value == 3 and sheet["A7"].value == "合计"
    assert sheet["N3"].value == "单位：人、万元"


def test_one_workbook_with_all_three_tables(tmp_path, tree, open_campaign):
    built = [f(campaign=open_campaign, unit=tree.unit("county")) for f in
             (tables.attachment1, tables.attachment2, tables.attachment3)]
    book = build(tmp_path, built)
    assert book.sheetnames == ["附件1 排查情况统计表", "附件2 重点风险线索统计表", "附件3 无非法集资区县统计表"]
    third = book["附件3 无非法集资区县统计表"]
    assert third["A4"].value == "区、县名称" and third["A5"].value == "甲县"
    assert (third["B5"].value, third["B5"].data_type, third["B5"].number_format) == (0, "n", "0")  # a count of cases


def test_the_sheet_is_laid_out_and_set_up_for_printing_as_the_official_form(tmp_path, tree, open_campaign, ledger):
    ledger.clue("township", "staff", ledger.entity("某某网贷信息服务有限公司"), "网络借贷平台", amount="1", people=1)
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    sheet = build(tmp_path, [table]).active
    font = lambda ref: (sheet[ref].font.name, sheet[ref].font.size, bool(sheet[ref].font.b))  # noqa: E731
    assert font("A1") == ("黑体", 12, False)
    assert font("A2") == ("方正小标宋简体", 18, False) and sheet["A2"].alignment.horizontal == "center"
    assert sheet.row_dimensions[2].height == 32
    assert sheet["A3"].value == "填报单位：甲县" and "A3:L3" in {str(m) for m in sheet.merged_cells.ranges}
    assert font("A3") == ("宋体", 11, False) and sheet["A3"].alignment.horizontal == "left"
    assert font("O3") == ("宋体", 11, False) and sheet["O3"].alignment.horizontal == "right"
    # Header: bold, centred, wrapped, boxed, rows 36 high.
    for ref in ("D4", "E4", "E5", "O4"):
        assert font(ref) == ("宋体", 11, True), ref
        assert (sheet[ref].alignment.horizontal, sheet[ref].alignment.vertical, sheet[ref].alignment.wrap_text) == (
            "center", "center", True)
    assert outline_gaps(sheet, 4, 5) == []
    assert sheet.row_dimensions[4].height == sheet.row_dimensions[5].height == 36
    # Body: labels centred, numbers right-aligned, text left-aligned, 合计 in bold; every cell boxed.
    assert font("C7") == ("宋体", 10, False) and sheet["C7"].alignment.horizontal == "center"
    assert sheet["D7"].alignment.horizontal == "right" and sheet["D7"].alignment.vertical == "center"
    assert sheet["F7"].alignment.horizontal == "left" and sheet["F7"].alignment.wrap_text
    assert font("A20") == ("宋体", 10, True) and font("D20") == ("宋体", 10, True)
    assert outline_gaps(sheet, 6, 6 + 26 - 1) == []
    # Column widths: the three label columns, then each column's own.
    widths = [sheet.column_dimensions[get_column_letter(c)].width for c in range(1, 16)]
    assert widths == [6, 18, 16] + [column.width for column in table.columns]
    # Footer and notes.
    footer_row = 6 + 26 + 1
    assert font(f"A{footer_row}") == ("宋体", 11, False)
    assert sheet.cell(footer_row, 7).value == "电话：022-29240481"
    assert sheet.cell(footer_row, 15).alignment.horizontal == "right"
    note = f"A{footer_row + 2}"
    assert font(note) == ("宋体", 10, False) and sheet[note].alignment.wrap_text
    assert f"A{footer_row + 2}:O{footer_row + 2}" in {str(m) for m in sheet.merged_cells.ranges}
    long_note = len(table.notes[0]) // (15 * 6) + 1
    assert sheet.row_dimensions[footer_row + 2].height == 15 * long_note
    # A4 landscape, one page wide, as many pages down as it takes, centred, with narrow margins.
    setup = sheet.page_setup
    assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert sheet.print_options.horizontalCentered
    margins = sheet.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.4, 0.4, 0.5, 0.5)


def test_the_workbook_has_one_sheet_per_table_and_no_blank_sheet(tmp_path, tree, open_campaign):
    book = build(tmp_path, [tables.attachment3(campaign=open_campaign, unit=tree.unit("county"))])
    assert book.sheetnames == ["附件3 无非法集资区县统计表"]
    sheet = book.active
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == [16, 14, 26, 28, 20]
    assert sheet["A3"].value == "填报单位：甲县" and sheet["E3"].value is None  # attachment 3 has no unit line
