"""Tables received from outside the system (issue 15, part 4): the county office files attachment 1 or 2 that a unit
sent as a spreadsheet; the county and city tables then count it as that unit's return and say so."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ledger import services as ledger_services
from ledger.models import ScreeningRecord
from orgs.models import Notification, Unit
from reports import dashboard, tables, xlsx
from reports.models import ReceivedKeyClue, ReceivedReturn, ReceivedRow
from reports.table import Footer
from screening.locks import EntryClosed, today_local
from screening.models import UnitSubmission
from tests.factories import UnitFactory, member
from tests.reports.received_books import (
    ATTACHMENT1, ATTACHMENT2, BODY, column_of, exported, fill, key_clue_rows, place, row_of, total_rows, upload,
)
from tests.reports.sheets import cut_cells

D = Decimal
NUMERIC1 = [column.key for column in tables.ATTACHMENT1_COLUMNS if column.numeric]


@pytest.fixture
def sender(tree):
    """三镇, a township of 甲县 that does not report in the system."""
    return UnitFactory(name="三镇", code="A3", parent=tree.unit("county"))


@pytest.fixture
def county_ledger(ledger):
    """What 甲县 holds in its ledger before any table is received."""
    clue = ledger.clue("township", "staff", ledger.entity("某某网贷信息服务有限公司"), "网络借贷平台", amount="120.50",
                       people=35, behaviours=["消费返利"], problems=["超范围经营"])
    ledger.dispose(clue, "rectify", measures=["警示约谈"])
    ledger.make_key(clue)
    ledger.records("township", "staff", "教育机构", ["某培训学校"])
    return clue


@pytest.fixture
def office(client, tree):
    client.force_login(tree.user("office"))
    return client


def received_url(campaign, unit) -> str:
    return f"{reverse('reports:received', args=[campaign.slug])}?unit={unit.pk}"


def post(client, campaign, unit, book, *, via=None):
    return client.post(received_url(campaign, via or unit), {"sender": unit.pk, "file": upload(book)})


def filled_attachment1(campaign, sender, amount="0.10"):
    book = exported(campaign, sender)
    fill(book[ATTACHMENT1], {
        "网络借贷平台": {"screened": D("4"), "problem_count": D("2"), "people": D("10"), "amount": D(amount),
                   "problems": "超范围经营(2)、设资金池(1)", "rectified": D("1"), "measures": "警示约谈(1)"},
        "教育机构": {"screened": D("3.5"), "amount": D("0.20")},
        "消费返利": {"screened": D("1"), "problem_count": D("1"), "people": D("7"), "amount": D("0.30")},
    })
    return book


def grid(table) -> list[list]:
    return [[row.values[key] for key in NUMERIC1] for row in table.rows]


def refusal_lines(response) -> list[str]:
    return [str(line) for line in response.context["refusals"]]


def nothing_saved():
    return (ReceivedReturn.objects.count(), ReceivedRow.objects.count(), ReceivedKeyClue.objects.count()) == (0, 0, 0)


def test_a_received_table_adds_exactly_its_figures_to_the_county_and_city_tables(
    office, tree, open_campaign, county_ledger, sender,
):
    county, city = tree.unit("county"), tree.unit("city")
    before = {unit: tables.attachment1(campaign=open_campaign, unit=unit) for unit in (county, city)}
    book = filled_attachment1(open_campaign, sender)
    sent = tables.attachment1(campaign=open_campaign, unit=sender)  # every figure 0.00, the layout of the sent table
    sheet = book[ATTACHMENT1]
    for row, table_row in zip(range(BODY, BODY + len(sent.rows)), sent.rows):
        table_row.values.update({key: D(str(sheet.cell(row, column_of(key)).value)) for key in NUMERIC1})

    response = post(office, open_campaign, sender, book, via=county)

    assert response.status_code == 302, response.context and refusal_lines(response)
    for unit in (county, city):
        after = tables.attachment1(campaign=open_campaign, unit=unit)
        expected = [[a + b for a, b in zip(old, added)] for old, added in zip(grid(before[unit]), grid(sent))]
        assert grid(after) == expected
        assert after.received_from == ["三镇"] and before[unit].received_from == []
    after = tables.attachment1(campaign=open_campaign, unit=county)
    lending = next(row for row in after.rows if row.labels[2] == "网络借贷平台")
    assert lending.values["problems"] == "超范围经营(3)、设资金池(1)"  # the ledger's one, and the table's two
    assert lending.values["measures"] == "警示约谈(2)"
    sector_total = next(row for row in after.rows if row.is_total)
    assert sector_total.values["amount"] == D("120.80")  # 120.50 + 0.10 + 0.20, exact to the cent
    filed = ReceivedReturn.objects.get()
    assert (filed.unit, filed.attachment, filed.uploaded_by, filed.original_name) == (
        sender, 1, tree.user("office"), "附件1.xlsx")
    assert filed.file.read()[:2] == b"PK"


def test_a_received_attachment_2_adds_its_rows_and_totals(office, tree, open_campaign, county_ledger, sender):
    county = tree.unit("county")
    before = tables.attachment2(campaign=open_campaign, unit=county)
    book = exported(open_campaign, sender, tables.attachment2)
    key_clue_rows(book[ATTACHMENT2], [
        {"entity": "某某养老服务中心", "sector": "养老机构", "mode": "预收养老费", "channel": "线下", "amount": D("30.05"),
         "people": D("12"), "unpaid": D("10.10"), "cross_province": "否", "remarks": "已约谈"},
    ])

    assert post(office, open_campaign, sender, book).status_code == 302

    after = tables.attachment2(campaign=open_campaign, unit=county)
    assert len(after.rows) == len(before.rows) + 1
    added = after.rows[-2]
    assert (added.labels, added.values["entity"], added.values["sector"], added.values["amount"]) == (
        ["2"], "某某养老服务中心", "养老机构", D("30.05"))
    assert added.values["remarks"] == "三镇以报表形式报送；已约谈"
    assert [after.rows[-1].values[key] - before.rows[-1].values[key] for key in ("amount", "people", "unpaid")] == [
        D("30.05"), D("12.00"), D("10.10")]
    assert after.received_from == ["三镇"]


def test_the_preview_and_the_workbook_name_the_units_received_as_tables(
    office, tree, open_campaign, county_ledger, sender, tmp_path, django_assert_max_num_queries,
):
    county = tree.unit("county")
    preview = reverse("reports:preview", args=[open_campaign.slug, "attachment1"]) + f"?unit={county.pk}"
    assert "以下单位以报表形式报送" not in office.get(preview).content.decode()
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender)).status_code == 302

    with django_assert_max_num_queries(30):
        page = office.get(preview).content.decode()
    note = "注：以下单位以报表形式报送，其数据取自所报报表，未录入台账：三镇。"
    assert note in page
    xlsx.write([tables.attachment1(campaign=open_campaign, unit=county)], Footer("", "", date.today()),
               tmp_path / "a.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx").active
    [note_row] = [cell.row for cell in sheet["A"] if cell.value == note]
    assert note_row == total_rows(sheet)[-1] + 1  # right under the table, above the footer
    assert cut_cells(sheet) == []


def test_a_corrected_file_replaces_the_figures_it_corrects(office, tree, open_campaign, county_ledger, sender):
    county = tree.unit("county")
    before = tables.attachment1(campaign=open_campaign, unit=county)
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender, amount="5.00")).status_code == 302
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender, amount="3.00")).status_code == 302

    after = tables.attachment1(campaign=open_campaign, unit=county)
    lending = [row for row in after.rows if row.labels[2] == "网络借贷平台"]
    old = [row for row in before.rows if row.labels[2] == "网络借贷平台"]
    assert lending[0].values["amount"] == old[0].values["amount"] + D("3.00")
    assert ReceivedReturn.objects.count() == 1
    assert ReceivedRow.objects.count() == 3


def test_one_unit_has_one_received_table_per_attachment_in_the_database(tree, open_campaign, sender):
    fields = {"campaign": open_campaign, "unit": sender, "attachment": 1, "file": "received/a.xlsx",
              "original_name": "a.xlsx", "uploaded_by": tree.user("office"), "uploaded_at": timezone.now()}
    ReceivedReturn.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceivedReturn.objects.create(**fields)


def wrong_total(sheet):
    [sector_total, _behaviours] = total_rows(sheet)
    sheet.cell(sector_total, column_of("amount")).value = D("0.31")
    return place(sheet, sector_total, "amount"), "涉及金额的合计为 0.31，而各行之和为 0.30"


def three_decimals(sheet):
    row = row_of(sheet, "网络借贷平台")
    sheet.cell(row, column_of("amount")).value = 0.105
    return place(sheet, row, "amount"), "涉及金额最多两位小数：“0.105”超过两位"


def unknown_sector(sheet):
    row = row_of(sheet, "众筹平台")
    sheet.cell(row, 3).value = "区块链挖矿"
    return f"{sheet.title}!C{row}", "“区块链挖矿”不是本次活动“互联网金融行业企业”下的细项"


def unknown_behaviour(sheet):
    row = row_of(sheet, "以弱势群体为主要目标的集资行为")
    sheet.cell(row, 2).value = "以学生为目标的集资行为"
    return f"{sheet.title}!B{row}", "“以学生为目标的集资行为”不在本次活动的重点行为之中"


@pytest.mark.parametrize("edit", [wrong_total, three_decimals, unknown_sector, unknown_behaviour])
def test_a_faulty_table_is_refused_at_its_cell_and_nothing_is_saved(
    office, tree, open_campaign, county_ledger, sender, edit,
):
    before = grid(tables.attachment1(campaign=open_campaign, unit=tree.unit("county")))
    book = filled_attachment1(open_campaign, sender, amount="0.10")
    cell, message = edit(book[ATTACHMENT1])

    response = post(office, open_campaign, sender, book)

    assert response.status_code == 200
    assert refusal_lines(response) == [f"{cell}：{message}。"]
    assert "已拒收，未保存任何数据" in response.content.decode()
    assert nothing_saved()
    assert grid(tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))) == before


def test_every_fault_is_named_at_once(office, open_campaign, county_ledger, sender):
    book = filled_attachment1(open_campaign, sender)
    places = [edit(book[ATTACHMENT1])[0] for edit in (three_decimals, unknown_sector, unknown_behaviour)]
    lines = refusal_lines(post(office, open_campaign, sender, book))
    assert [line.split("：")[0] for line in lines] == places
    assert nothing_saved()


def test_a_unit_reporting_in_the_system_is_refused_at_its_name(office, tree, open_campaign, county_ledger):
    township = tree.unit("township")
    book = exported(open_campaign, township)  # its own figures, taken from the ledger

    lines = refusal_lines(post(office, open_campaign, township, book))

    assert lines == [f"{ATTACHMENT1}!A3：一街道已在系统中填报（本次活动台账中有 1 条风险线索、2 条排查记录），"
                     "以报表形式报送会重复计算其数据。"]
    assert nothing_saved()


def test_the_table_must_be_of_the_unit_chosen(office, open_campaign, county_ledger, sender, tree):
    book = filled_attachment1(open_campaign, sender)
    lines = refusal_lines(post(office, open_campaign, tree.unit("village"), book))
    assert lines == [f"{ATTACHMENT1}!A3：表中填报单位为“三镇”，不是所选的一社区。"]
    assert nothing_saved()


def test_only_the_county_office_files_received_tables(client, tree, open_campaign, sender):
    other_office = UnitFactory(name="乙县处非办", code="B-O", level=Unit.Level.COUNTY, kind=Unit.Kind.OFFICE,
                               parent=tree.unit("other_county"))
    tree.users["other_office"] = member(other_office, "office", username="other_office")
    book = filled_attachment1(open_campaign, sender)
    # Township staff may see their own township's tables, and nothing of 三镇.
    for user, unit, status in (("staff", tree.unit("township"), 403), ("leader", sender, 403),
                               ("city_office", sender, 403), ("other_office", sender, 404)):
        client.force_login(tree.user(user))
        assert client.get(received_url(open_campaign, unit)).status_code == status, user
        assert post(client, open_campaign, unit, book).status_code == status, user
    assert nothing_saved()


def test_the_page_lists_what_was_received_in_a_fixed_number_of_queries(
    office, tree, open_campaign, sender, django_assert_max_num_queries,
):
    for index in range(3):
        unit = UnitFactory(name=f"新镇{index}", code=f"N{index}", parent=tree.unit("county"))
        assert post(office, open_campaign, unit, filled_attachment1(open_campaign, unit)).status_code == 302
    with django_assert_max_num_queries(15):
        page = office.get(received_url(open_campaign, tree.unit("county")))
    assert [filed.unit.name for filed in page.context["returns"]] == ["新镇0", "新镇1", "新镇2"]
    filed = ReceivedReturn.objects.first()
    download = office.get(reverse("reports:received_file", args=[filed.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))[ATTACHMENT1]


def test_a_unit_beneath_one_received_as_a_table_is_refused(office, tree, open_campaign, sender):
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender)).status_code == 302
    village = UnitFactory(name="三镇一村", code="A3-1", level=Unit.Level.VILLAGE, parent=sender)

    lines = refusal_lines(post(office, open_campaign, village, exported(open_campaign, village)))

    assert lines == [f"{ATTACHMENT1}!A3：三镇一村的上级或下级单位三镇已以报表形式报送附件 1，数据会重复计算。"]
    assert ReceivedReturn.objects.count() == 1


def test_a_key_clue_row_of_an_unknown_sector_or_a_wrong_total_is_refused(office, open_campaign, sender):
    book = exported(open_campaign, sender, tables.attachment2)
    sheet = book[ATTACHMENT2]
    key_clue_rows(sheet, [{"entity": "某某公司", "sector": "殡葬服务", "amount": D("1.00"), "people": D("2"),
                           "unpaid": D("0")}])
    [total] = total_rows(sheet)
    sheet.cell(total, column_of("people", tables.ATTACHMENT2_COLUMNS, 1)).value = D("3")

    lines = refusal_lines(post(office, open_campaign, sender, book))

    assert lines == [f"{ATTACHMENT2}!C{total - 1}：“殡葬服务”不是本次活动的所属行业（重点领域）。",
                     f"{ATTACHMENT2}!G{total}：涉及人数的合计为 3.00，而各行之和为 2.00。"]
    assert nothing_saved()


def test_the_home_page_bars_count_the_received_figures_as_the_table_does(office, tree, open_campaign, county_ledger,
                                                                         sender):
    county = tree.unit("county")
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender)).status_code == 302
    figures = dashboard.office_figures(open_campaign, county, on=today_local())
    lending = next(bar for bar in figures.by_sector if bar.label == "网络借贷平台")
    row = next(row for row in tables.attachment1(campaign=open_campaign, unit=county).rows
               if row.labels[2] == "网络借贷平台")
    assert (lending.count, lending.amount) == (row.values["problem_count"], row.values["amount"]) == (
        D("3.00"), D("120.60"))


def test_a_unit_received_as_a_table_is_approved_with_it_and_enters_nothing_more(office, tree, open_campaign, sender,
                                                                                 term):
    """Otherwise what its staff entered later would be counted beside its table, and it would be chased as late."""
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender)).status_code == 302

    submission = UnitSubmission.objects.get(campaign=open_campaign, unit=sender)
    assert (submission.status, submission.note, submission.decided_by) == (
        UnitSubmission.Status.APPROVED, "以报表形式报送", tree.user("office"))
    staff = member(sender, "staff", username="sanzhen_staff")
    assert post(office, open_campaign, sender, filled_attachment1(open_campaign, sender)).status_code == 302
    assert Notification.objects.filter(recipient=staff, title__contains="三镇").exists()  # told the entry has closed
    with pytest.raises(EntryClosed):
        ledger_services.records_create(actor=staff, campaign=open_campaign, unit=sender, rows=[
            ledger_services.RecordData(entity=ledger_services.EntityData(name="某培训学校"), sector=term("教育机构"))])
    assert not ScreeningRecord.objects.filter(unit=sender).exists()
