"""The downloadable templates carry a 说明 sheet and one example row that is never imported; the preview shows the
figures of each row beside its name and code, so that a wrong column is caught before confirming."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ledger import importing as I  # noqa: N812
from ledger.models import Clue, ScreeningRecord
from tests.ledger.workbooks import clue_row, clues_xlsx, xlsx


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def template_of(client, kind: str) -> openpyxl.Workbook:
    response = client.get(reverse("ledger:template_download", args=["open", kind]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, unit, kind="clues"):
    return client.post(reverse("ledger:import_upload", args=["open", kind]), {"unit": unit.pk, "file": io.BytesIO(data)})


@pytest.mark.parametrize("sheet", [I.CLUES, I.RECORDS])
def test_the_instructions_sheet_says_what_each_column_holds(client, tree, open_campaign, sheet):
    client.force_login(tree.user("staff"))
    book = template_of(client, sheet.kind)
    assert [ws.title for ws in book.worksheets] == [sheet.title, "说明", "选项"]
    assert book["说明"].sheet_state == "visible" and book.worksheets[0] is book.active
    rows = [[cell.value for cell in row] for row in book["说明"].iter_rows()]
    columns = {row[0]: row[1:] for row in rows[3:3 + len(sheet.headers)]}
    assert list(columns) == list(sheet.headers)
    assert {header for header, (required, _help) in columns.items() if required == "是"} == set(sheet.required)
    assert all(help_text for _required, help_text in columns.values())
    lines = " ".join(str(row[0]) for row in rows[4 + len(sheet.headers):] if row[0])
    for fact in ("父/子", "2026年11月25日", "10 MB", "20,000", "示例"):
        assert fact in lines


@pytest.mark.parametrize("sheet", [I.CLUES, I.RECORDS])
def test_the_example_row_is_marked_and_would_pass_as_it_stands(client, tree, open_campaign, sheet):
    client.force_login(tree.user("staff"))
    book = template_of(client, sheet.kind)
    example = book.active[2]
    assert example[0].value.startswith("示例") and example[0].font.italic
    # Without its mark the example is a correct row: it shows how each cell is written.
    example[0].value = example[0].value.removeprefix("示例：")
    response = upload(client, saved(book), tree.unit("township"), sheet.kind)
    assert response.context["result"].is_valid and len(response.context["result"].rows) == 1


def test_the_untouched_template_imports_nothing_and_says_so(client, tree, open_campaign, tmp_path):
    client.force_login(tree.user("staff"))
    data = saved(template_of(client, "clues"))
    response = upload(client, data, tree.unit("township"))
    assert response.status_code == 200 and "result" not in response.context
    assert "只有模板的示例（第 2 行），示例行不会导入：未导入任何数据" in response.content.decode()
    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="示例"):
        call_command("import_clues", str(path), "--campaign", "open", "--unit", "A1", "--user", "staff")
    assert not Clue.objects.exists() and not ScreeningRecord.objects.exists()


def test_rows_below_the_example_are_imported_without_it(client, tree, open_campaign):
    client.force_login(tree.user("staff"))
    book = template_of(client, "clues")
    book.active.append([clue_row(1)[header] for header in I.CLUES.headers])
    response = upload(client, saved(book), tree.unit("township"))
    assert [row.number for row in response.context["result"].rows] == [3]
    client.post(reverse("ledger:import_confirm", args=["open", "clues"]))
    assert [clue.entity.name for clue in Clue.objects.all()] == ["天津某某投资管理有限公司1"]


def test_the_preview_shows_the_figures_of_each_row(client, tree, open_campaign):
    client.force_login(tree.user("staff"))
    swapped = clue_row(2, **{I.AMOUNT: "三十五", I.PEOPLE: 120.5})
    response = upload(client, clues_xlsx([clue_row(1, **{I.BEHAVIOURS: "消费返利、资金互助"}), swapped]),
                      tree.unit("township"))
    page = response.content.decode()
    heads = page[page.index("<thead>"):page.index("</thead>")]
    for header in (I.NAME, I.CODE, I.SECTOR, I.BEHAVIOURS, I.AMOUNT, I.PEOPLE, I.UNPAID):
        assert f">{header}</th>" in heads
    first = page[page.index('<td class="num">2</td>'):page.index('<td class="num">3</td>')]
    for shown in ("网络借贷平台", "消费返利、资金互助", '<td class="num">120.50</td>', '<td class="num">35</td>',
                  '<td class="num">20.00</td>'):
        assert shown in first
    second = page[page.index('<td class="num">3</td>'):]
    assert '<td class="num">三十五</td>' in second and '<td class="num">120.5</td>' in second


def test_the_record_preview_shows_method_date_and_result(client, tree, open_campaign):
    client.force_login(tree.user("staff"))
    data = xlsx(I.RECORDS.headers, [{I.NAME: "某某理财工作室", I.SECTOR: "养老机构", I.METHOD: "扫街排查",
                                     I.SCREENED_ON: "2026/3/5", I.RESULT: "发现问题"}])
    page = upload(client, data, tree.unit("township"), "records").content.decode()
    for shown in ("养老机构", "扫街排查", "2026年3月5日", "发现问题"):
        assert shown in page
