"""The shape shared by the page and the workbook (reports/table.py): headers, merged labels, numbers, names."""

from datetime import date
from decimal import Decimal

import pytest

from reports.table import (
    BodyRow, Column, Footer, LabelCell, Merge, Row, Table, body_grid, counted_names, header_grid, label_grid, number,
)

D = Decimal
COLUMNS = [
    Column("screened", "排查机构数量", numeric=True),
    Column("count", "机构数量", "问题机构情况", numeric=True),
    Column("problems", "主要问题", "问题机构情况"),
    Column("measures", "采取的主要措施", "整治情况"),
    Column("remarks", "备注"),
]


def table(**fields) -> Table:
    return Table(attachment=1, title="t", unit_line="", **({"label_headers": ["", "", ""], "columns": COLUMNS} | fields))


def test_neighbouring_columns_of_a_group_share_one_upper_cell():
    assert table().groups == [("", 1), ("问题机构情况", 2), ("整治情况", 1), ("", 1)]


def test_a_two_level_header_with_blank_label_headers_merged_into_one_corner():
    top, bottom = header_grid(table())
    assert top == [LabelCell("", 2, 3), LabelCell("排查机构数量", 2), LabelCell("问题机构情况", 1, 2),
                   LabelCell("整治情况", 1, 1), LabelCell("备注", 2)]
    assert bottom == [LabelCell("机构数量"), LabelCell("主要问题"), LabelCell("采取的主要措施")]


def test_named_label_headers_stand_alone_and_a_flat_header_is_one_row():
    columns = [Column("cases", "今年非法集资刑事立案数", numeric=True), Column("remarks", "备注")]
    assert header_grid(table(label_headers=["区、县名称"], columns=columns)) == [
        [LabelCell("区、县名称"), LabelCell("今年非法集资刑事立案数"), LabelCell("备注")]]
    assert header_grid(table(label_headers=["序号"]))[0][0] == LabelCell("序号", 2)


def test_merged_labels_become_one_cell_with_its_spans_and_the_covered_cells_are_left_out():
    rows = [Row(["重点领域", "互联网金融", "网络借贷平台"], {}), Row(["重点领域", "互联网金融", "众筹平台"], {}),
            Row(["重点领域", "教育机构", ""], {}), Row(["合计", "", ""], {}, is_total=True)]
    merges = [Merge(0, 0, 2, 0), Merge(0, 1, 1, 1), Merge(2, 1, 2, 2), Merge(3, 0, 3, 2)]
    assert label_grid(table(rows=rows, merges=merges)) == [
        [LabelCell("重点领域", 3, 1), LabelCell("互联网金融", 2, 1), LabelCell("网络借贷平台")],
        [LabelCell("众筹平台")],
        [LabelCell("教育机构", 1, 2)],
        [LabelCell("合计", 1, 3)],
    ]


def test_the_body_shows_numbers_with_two_decimals_and_marks_them():
    rows = [Row(["1"], {"screened": D("3.00"), "count": D("0.50"), "problems": "虚假宣传(1)"}),
            Row(["合计"], {"screened": D("3.00")}, is_total=True)]
    grid = body_grid(table(label_headers=["序号"], rows=rows))
    assert grid[0] == BodyRow(False, [LabelCell("1")], [("3.00", True), ("0.50", True), ("虚假宣传(1)", False),
                                                       ("", False), ("", False)])
    assert grid[1].is_total and grid[1].cells[1] == ("", True)


@pytest.mark.parametrize(("value", "shown"), [(3, D("3.00")), (None, D("0.00")), (D("0.005"), D("0.01")),
                                              (D("2.675"), D("2.68")), ("12.5", D("12.50"))])
def test_every_number_carries_two_decimals_rounded_half_up(value, shown):
    assert str(number(value)) == str(shown)


def test_names_are_listed_most_frequent_first_then_in_taxonomy_order():
    order = {"超范围经营": 0, "设资金池": 1, "虚假宣传": 2}
    assert counted_names({"虚假宣传": 1, "超范围经营": 3, "设资金池": 1}, order) == "超范围经营(3)、设资金池(1)、虚假宣传(1)"
    assert counted_names({}, order) == ""


def test_free_text_reasons_are_listed_by_count_then_by_name():
    assert counted_names({"经营者失联": 1, "尚未制定处置方案": 2, "待公安认定": 1}, {}) == (
        "尚未制定处置方案(2)、待公安认定(1)、经营者失联(1)")


def test_the_footer_date_is_written_as_on_the_form():
    assert Footer("何立新", "022-29240481", date(2026, 1, 5)).date_text == "2026 年 1 月 5 日"
