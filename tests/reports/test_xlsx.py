from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import layout, printing, tables, xlsx
from reports.table import Column, Footer, Merge, Row, Table
from tests.reports.sheets import column_widths, cut_cells, row_height

D = Decimal
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
    assert sheet["A3"].value == "填报单位：甲县" and "A3:L3" in {str(m) for m in sheet.merged_cells.ranges}
    assert font("A3") == ("宋体", 11, False) and sheet["A3"].alignment.horizontal == "left"
    assert font("O3") == ("宋体", 11, False) and sheet["O3"].alignment.horizontal == "right"
    # Header: bold, centred, wrapped, boxed, its rows as high as their text.
    for ref in ("D4", "E4", "E5", "O4"):
        assert font(ref) == ("宋体", 11, True), ref
        assert (sheet[ref].alignment.horizontal, sheet[ref].alignment.vertical, sheet[ref].alignment.wrap_text) == (
            "center", "center", True)
    assert outline_gaps(sheet, 4, 5) == []
    assert row_height(sheet, 5) >= layout.height("立案查处的机构数量", layout.column_points(10), 11)  # three lines
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
    assert row_height(sheet, footer_row + 2) == row_height(sheet, footer_row + 3)  # notes of one line each
    assert cut_cells(sheet) == []  # the title, heads, labels and notes all fit
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


LONG_REASON = "经营者失联，正在协调公安机关查找实际控制人并冻结其名下账户，待查明资金去向后再定处置方案"


def test_rows_grow_to_fit_their_longest_wrapped_text(tmp_path, tree, open_campaign, ledger):
    """主要问题, 采取的主要措施, 原因 and attachment 2's text columns wrap: their rows grow, so that printed text does not
    run over the next row."""
    clue = ledger.clue("township", "staff", ledger.entity("天津市宝坻区某某财富投资管理咨询服务有限公司"), "网络借贷平台",
                       amount="1", people=1, problems=["超范围经营", "发布涉嫌非法集资广告资讯", "虚假宣传", "设资金池"])
    ledger.dispose(clue, "not_handled", reason=LONG_REASON, handling_result="停业整改，正在配合公安机关侦查")
    ledger.make_key(clue)
    book = build(tmp_path, [tables.attachment1(campaign=open_campaign, unit=tree.unit("county")),
                            tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))])
    first, second = book.worksheets
    lending, plain = 7, 8  # 网络借贷平台, 第三方支付
    assert row_height(first, lending) >= 4 * row_height(first, plain)
    assert row_height(second, 6) >= 2 * row_height(second, 7)  # the key clue's row, the 合计 row
    assert cut_cells(first) == [] and cut_cells(second) == []


def test_a_label_merged_down_rows_too_low_for_it_grows_the_last_of_them(tmp_path):
    """The rows under a merged label keep the height of their own text, but for the last, which makes up what the
    label lacks."""
    table = Table(attachment=None, title="工作成效量化统计表", unit_line="", label_headers=["单位"],
                  columns=[Column("remarks", "备注")], merges=[Merge(0, 0, 1, 0)], unit_name="甲县",
                  rows=[Row(["防范和处置非法集资工作领导小组成员单位"], {"remarks": "甲"}), Row([""], {"remarks": "乙"}),
                        Row(["乙县"], {"remarks": "丙"})])
    sheet = build(tmp_path, [table]).active
    first, last, plain = 5, 6, 7  # under a header of one row
    assert f"A{first}:A{last}" in {str(m) for m in sheet.merged_cells.ranges}
    assert cut_cells(sheet) == []
    assert row_height(sheet, first) == row_height(sheet, plain) < row_height(sheet, last)


def test_a_number_widens_its_column_rather_than_print_as_hashes(tmp_path, tree, open_campaign, ledger):
    ledger.clue("township", "staff", ledger.entity("大额"), "网络借贷平台", amount="999999999999.99", people=2147483647)
    sheet = build(tmp_path, [tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))]).active
    assert sheet.column_dimensions["H"].width > 12 and sheet.column_dimensions["G"].width > 10
    assert cut_cells(sheet) == []


def key_clue_rows(count: int) -> list[Row]:
    return [Row([str(i)], {
        "entity": f"天津市宝坻区某某财富投资管理咨询服务有限公司第{i}分公司", "sector": "民间投融资中介机构", "mode": "债权类",
        "channel": "线上线下相结合", "amount": D("1234567.89"), "people": D("350.00"), "unpaid": D("345.60"),
        "cross_province": "是", "measures": "警示约谈、刑事打击", "refund": "正在清退（已清退 35.00%）",
        "result": "停业整改，正在配合公安机关侦查", "notices": "已向河南省、山东省通报 3 次", "remarks": "",
    }) for i in range(1, count + 1)]


def attachment2_of(rows: list[Row]) -> Table:
    return Table(attachment=2, title="重点风险线索统计表", unit_line="单位：人、万元", label_headers=["序号"],
                 columns=tables.ATTACHMENT2_COLUMNS, rows=rows + [Row(["合计"], {}, is_total=True)],
                 notes=tables.ATTACHMENT2_NOTES, unit_name="甲县")


def test_attachment2_fills_a4_landscape_at_full_size_with_its_header_on_every_page(tmp_path):
    sheet = build(tmp_path, [attachment2_of(key_clue_rows(40))]).active
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.print_title_rows == "$4:$5"
    at_scale = printing.scale(column_widths(sheet))
    assert at_scale >= 0.95  # one page wide with next to no shrinking: 10-point text stays readable
    assert {sheet.cell(6, c).font.sz for c in range(1, 15)} == {10}
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    assert len(breaks) >= 4
    page = (printing.A4_LANDSCAPE[1] - 2 * printing.END_MARGIN * printing.INCH) / at_scale
    header = row_height(sheet, 4) + row_height(sheet, 5)
    tops = [1] + [last + 1 for last in breaks]
    for top, bottom in zip(tops, breaks + [sheet.max_row]):
        rows = sum(row_height(sheet, row) for row in range(top, bottom + 1))
        assert rows + (header if top > 1 else 0) <= page
    assert breaks[-1] < 6 + 40 - 1  # the 合计 row, the footer and the notes follow a key clue to the last page


def test_a_block_of_attachment1_that_does_not_fit_starts_a_new_page(tmp_path, tree, open_campaign):
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    for row in table.rows[:3]:
        row.values["unhandled_reasons"] = LONG_REASON
    sheet = build(tmp_path, [table]).active
    behaviours = 6 + 15  # the first row of 重点行为, after the 14 sectors and their 合计
    assert sheet.cell(behaviours, 1).value == "重点行为"
    assert [brk.id for brk in sheet.row_breaks.brk] == [behaviours - 1]
    assert cut_cells(sheet) == []


def test_only_the_table_is_ruled_only_its_total_is_bold_and_the_footer_keeps_the_forms_font(tmp_path, tree,
                                                                                            open_campaign):
    sheet = build(tmp_path, [attachment2_of(key_clue_rows(2))]).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    ruled_rows = {cell.row for cell in cells if cell.border.left.style == "thin"}
    first_body, total_row = 6, 8  # under the two-row header
    assert ruled_rows == set(range(4, total_row + 1))  # the title, the unit line, the footer and the notes are not
    assert [sheet.cell(r, 2).value for r in (first_body, total_row)] == [key_clue_rows(1)[0].values["entity"], None]
    assert not any(sheet.cell(first_body, c).font.b for c in range(1, sheet.max_column + 1))
    assert sheet.cell(total_row, 1).value == "合计" and sheet.cell(total_row, 1).font.b
    footer = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("填报人", "电话", "2026"))]
    assert len(footer) == 3 and {cell.font.name for cell in footer} == {xlsx.FONT}

    attachment3 = build(tmp_path, [tables.attachment3(campaign=open_campaign, unit=tree.unit("county"))]).active
    [phone] = [cell for row in attachment3.iter_rows() for cell in row if str(cell.value).startswith("电话")]
    assert phone.column == 2  # five columns: 填报人 in A, 电话 in B, the date in E
