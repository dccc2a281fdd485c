"""Excel import of clues and screening records: the preview, the commands and the upload page share one set of rules."""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from ledger import import_template, importing, services
from ledger.models import Clue, Entity, ScreeningRecord
from ledger.services import EntityData, RecordData
from screening.models import Phase, Term
from tests.ledger.test_services import assert_screened_covers_problems
from tests.ledger.workbooks import clue_row, clues_xlsx, credit_code, xlsx

I = importing  # noqa: E741


@pytest.fixture(autouse=True)
def _english(client, settings):
    # Messages are checked in English, whatever the state of the Chinese catalogue; pages too (the language switch).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def preview(tree, campaign, data: bytes, unit="township", sheet=I.CLUES, **options):
    return I.preview(io.BytesIO(data), sheet=sheet, campaign=campaign, unit=tree.unit(unit), **options)


def run(command, tmp_path, data: bytes, *args):
    """Run an import command on ``data``; its output and error output."""
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command(command, str(path), "--campaign", "open", "--unit", "A1", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# Rows into data ------------------------------------------------------------------------------------------------------


def test_a_row_gives_the_clue_the_form_would_give(tree, open_campaign, clue_data, term):
    result = preview(tree, open_campaign, clues_xlsx([clue_row(
        0, **{I.NAME: "天津某某投资管理有限公司", I.CODE: "91350100m000100y43", I.AMOUNT: "120.50", I.UNPAID: 20,
              I.CROSS_PROVINCE: "是", I.MODE: None, I.SOURCE: None, I.DESCRIPTION: "描述"}
    )]))
    by_hand = clue_data(entity={"credit_code": "91350100m000100y43"}, cross_province=True, description="描述")
    [row] = result.rows
    assert row.status == "new" and row.data == by_hand

    imported = I.save(result, actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))[0]
    entered = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("village"),
                                   data=by_hand)
    compared = ["entity_id", "sector_id", "fundraising_mode_id", "channel", "amount_involved", "people_involved",
                "unpaid_funds", "cross_province", "source_id", "description", "status", "code_check_confirmed"]
    assert [getattr(imported, f) for f in compared] == [getattr(entered, f) for f in compared]
    for relation in ("behaviours", "problems"):
        assert set(getattr(imported, relation).all()) == set(getattr(entered, relation).all())
    assert imported.record.result == entered.record.result == ScreeningRecord.Result.PROBLEM


def test_every_error_of_every_row_is_reported_at_its_column(tree, open_campaign):
    rows = [
        clue_row(1),
        clue_row(2, **{I.AMOUNT: "很多", I.PEOPLE: 3.5, I.SECTOR: "不存在的行业", I.CHANNEL: "网上"}),
        clue_row(3, **{I.NAME: None, I.PROBLEMS: "虚假宣传、乱说、瞎说", I.CROSS_PROVINCE: "不知道"}),
        clue_row(4, **{I.SECTOR: "互联网金融行业企业"}),
        clue_row(5, **{I.UNPAID: 500}),
        clue_row(6, **{I.PEOPLE: 99_999_999_999, I.AMOUNT: True, I.CODE: 9.1120115e17}),
    ]
    result = preview(tree, open_campaign, clues_xlsx(rows))
    assert [row.status for row in result.rows] == ["new", "error", "error", "error", "error", "error"]
    columns = {row.number: sorted(error.column for error in row.errors) for row in result.error_rows}
    assert columns == {
        3: sorted([I.AMOUNT, I.PEOPLE, I.SECTOR, I.CHANNEL]),
        4: sorted([I.NAME, I.PROBLEMS, I.PROBLEMS, I.CROSS_PROVINCE]),
        5: [I.SECTOR],  # a group takes no data
        6: [I.UNPAID],  # more than the amount involved
        7: sorted([I.CODE, I.AMOUNT, I.PEOPLE]),  # a code Excel turned into a number, a boolean, too many people
    }
    assert any("乱说" in error.message for error in result.rows[2].errors)


def test_a_code_excel_stored_as_a_number_is_refused_with_the_reason(tree, open_campaign):
    """Excel keeps 15 significant digits: an 18-character code typed into a number cell comes back altered (its last
    digits zeros), so it is refused with the reason rather than read as some other entity's code."""
    [row] = preview(tree, open_campaign, clues_xlsx([clue_row(1, **{I.CODE: 911201150000000000.0})])).rows
    assert [(error.column, error.message) for error in row.errors] == [(I.CODE, (
        "The code was stored as a number and Excel kept only its first 15 digits. Format the column as text and type "
        "the code again."))]
    assert not Entity.objects.exists()


def test_a_fifteen_digit_number_is_read_as_digits_and_refused_for_its_length(tree, open_campaign):
    [row] = preview(tree, open_campaign, clues_xlsx([clue_row(1, **{I.CODE: 120115000012345.0})])).rows
    [error] = row.errors
    assert error.column == I.CODE and "this one has 15" in error.message


def test_numbers_the_spreadsheet_computed_are_read_as_it_shows_them(tree, open_campaign):
    """A cell computed as =0.1+0.7 shows 0.80 and holds 0.7999999999999999: it is 0.80 万元. A value typed with three
    decimals is still refused, at its column."""
    result = preview(tree, open_campaign, clues_xlsx([
        clue_row(1, **{I.AMOUNT: 1.15 * 7, I.UNPAID: 0.1 + 0.7, I.PEOPLE: 0.7 * 10, I.DESCRIPTION: 0.1 + 0.7}),
        clue_row(2, **{I.AMOUNT: 1.234}),
    ]))
    computed, typed = result.rows
    assert computed.status == "new"
    assert (computed.data.amount_involved, computed.data.unpaid_funds, computed.data.people_involved) == (
        Decimal("8.05"), Decimal("0.80"), 7)
    assert computed.data.description == "0.8"
    assert [(error.column, error.message) for error in typed.errors] == [
        (I.AMOUNT, f"{I.AMOUNT} takes at most two decimals (万元); “1.234” has more.")]


def test_names_are_leaf_names_or_paths_where_a_name_repeats(tree, open_campaign, term):
    for parent in ("互联网金融行业企业", "资金密集型行业企业"):
        Term.objects.create(campaign=open_campaign, vocabulary=Term.Vocabulary.SECTOR, parent=term(parent), name="其他")
    names = I.TermNames.for_campaign(open_campaign)
    assert "互联网金融行业企业/其他" in names.options(Term.Vocabulary.SECTOR)
    assert "网络借贷平台" in names.options(Term.Vocabulary.SECTOR)
    result = preview(tree, open_campaign, clues_xlsx([
        clue_row(1, **{I.SECTOR: "资金密集型行业企业 / 其他"}),
        clue_row(2, **{I.SECTOR: "其他"}),
        clue_row(3, **{I.BEHAVIOURS: "消费返利,资金互助，消费返利"}),
    ]))
    assert result.rows[0].data.sector.parent.name == "资金密集型行业企业"
    assert "资金密集型行业企业/其他" in result.rows[1].errors[0].message
    assert [t.name for t in result.rows[2].data.behaviours] == ["消费返利", "资金互助"]


def test_a_repeated_row_and_one_already_in_the_ledger_are_refused(tree, open_campaign, clue_data):
    services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                         data=clue_data(entity={"credit_code": credit_code(9)}))
    result = preview(tree, open_campaign, clues_xlsx([
        clue_row(1), clue_row(1, **{I.NAME: "另一个名字"}), clue_row(9), clue_row(9, **{I.SECTOR: "众筹平台"}),
    ]))
    assert [row.status for row in result.rows] == ["new", "error", "error", "new"]
    assert "Row 2" in result.rows[1].errors[0].message and result.rows[1].errors[0].column == I.CODE
    assert "already has a clue" in result.rows[2].errors[0].message
    # Another unit's clue on the entity is no repeat: the entity is shared, each unit reports it once.
    assert preview(tree, open_campaign, clues_xlsx([clue_row(9)]), unit="village").is_valid


def test_a_name_with_invisible_characters_is_the_same_entity(tree, open_campaign):
    plain = {I.NAME: "某某理财工作室", I.CODE: None}
    I.save(preview(tree, open_campaign, clues_xlsx([clue_row(1, **plain)])), actor=tree.user("staff"),
           campaign=open_campaign, unit=tree.unit("township"))
    result = preview(tree, open_campaign, clues_xlsx([
        clue_row(2, **{I.NAME: "\ufeff某某理财工作室\u200b", I.CODE: None}),
        clue_row(3, **{I.NAME: "某某理财\u200d工作室\u00a0", I.CODE: None}),
        clue_row(4, **{I.NAME: "\u200b\u00a0", I.CODE: None}),
    ]), unit="village")
    assert [(row.number, error.column, error.message) for row in result.rows for error in row.errors] == [
        (3, I.NAME, "Row 2 has the same entity in the same sector."), (4, I.NAME, f"{I.NAME} is required.")]
    result.rows[1:] = []
    I.save(result, actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("village"))
    assert list(Entity.objects.values_list("name", flat=True)) == ["某某理财工作室"]
    assert Clue.objects.count() == 2


# The commands --------------------------------------------------------------------------------------------------------


def test_one_bad_row_saves_nothing_and_the_fixed_file_imports_every_row(tree, open_campaign, tmp_path):
    rows = [clue_row(n) for n in range(5)]
    rows[3] = clue_row(3, **{I.PEOPLE: "三十"})
    with pytest.raises(CommandError) as refused:
        run("import_clues", tmp_path, clues_xlsx(rows), "--user", "staff")
    assert "1 of 5" in str(refused.value)
    assert not Clue.objects.exists() and not Entity.objects.exists() and not ScreeningRecord.objects.exists()

    rows[3] = clue_row(3)
    out, _err = run("import_clues", tmp_path, clues_xlsx(rows), "--user", "staff")
    assert "5 clues" in out
    assert Clue.objects.filter(unit=tree.unit("township"), status=Clue.Status.DRAFT).count() == 5


def test_the_command_prints_every_bad_row_with_its_column(tree, open_campaign, tmp_path, capsys):
    rows = [clue_row(1, **{I.AMOUNT: -1}), clue_row(2), clue_row(3, **{I.SECTOR: None, I.PEOPLE: None})]
    err = io.StringIO()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(clues_xlsx(rows))
    with pytest.raises(CommandError):
        call_command("import_clues", str(path), campaign="open", unit="A1", user="staff", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"Row 2 [{I.AMOUNT}]:")
    assert {line.split(":")[0] for line in lines[1:]} == {f"Row 4 [{I.SECTOR}]", f"Row 4 [{I.PEOPLE}]"}


def test_dry_run_checks_everything_and_saves_nothing(tree, open_campaign, tmp_path):
    out, _err = run("import_clues", tmp_path, clues_xlsx([clue_row(1), clue_row(2)]), "--user", "staff", "--dry-run")
    assert "2 clues" in out and "nothing was saved" in out
    assert not Clue.objects.exists() and not Entity.objects.exists()


def test_submit_hands_the_imported_clues_to_the_office(tree, open_campaign, tmp_path):
    run("import_clues", tmp_path, clues_xlsx([clue_row(1)]), "--user", "staff", "--submit")
    clue = Clue.objects.get()
    assert clue.status == Clue.Status.SUBMITTED and clue.submitted_at


def test_a_wrong_check_character_needs_the_flag(tree, open_campaign, tmp_path):
    data = clues_xlsx([clue_row(1, **{I.CODE: "91350100M000100Y44"})])
    err = io.StringIO()
    path = tmp_path / "codes.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_clues", str(path), campaign="open", unit="A1", user="staff", stderr=err)
    assert f"[{I.CODE}]" in err.getvalue() and "--accept-code-warnings" in err.getvalue()
    run("import_clues", tmp_path, data, "--user", "staff", "--accept-code-warnings")
    assert Clue.objects.get().code_check_confirmed


@pytest.mark.parametrize(("args", "expected"), [
    ((), "staff"),  # without --user the command names who may enter for the unit
    (("--user", "nobody"), "nobody"),
    (("--user", "office"), "permission"),
])
def test_the_actor_must_be_named_and_hold_the_enter_permission(tree, open_campaign, tmp_path, args, expected):
    with pytest.raises(CommandError) as refused:
        run("import_clues", tmp_path, clues_xlsx([clue_row(1)]), *args)
    assert expected in str(refused.value)
    assert not Clue.objects.exists()


def test_screening_records_import_with_dates_in_any_usual_form(tree, open_campaign, tmp_path):
    headers = I.RECORDS.headers
    rows = [
        {I.NAME: "甲公司", I.CODE: credit_code(1), I.SECTOR: "教育机构", I.METHOD: "扫街排查", I.AREA: "写字楼",
         I.SCREENED_ON: date(2026, 11, 20), I.RESULT: "未发现问题"},
        {I.NAME: "乙公司", I.SECTOR: "养老机构", I.SCREENED_ON: "2026/11/21", I.RESULT: "发现问题"},
        {I.NAME: "丙公司", I.SECTOR: "医疗机构", I.SCREENED_ON: "2026年11月22日", I.BEHAVIOURS: "资金互助"},
        {I.NAME: "丁公司", I.SECTOR: "医疗机构", I.SCREENED_ON: "2026-11-23"},
    ]
    out, _err = run("import_screening", tmp_path, xlsx(headers, rows), "--user", "staff")
    assert "4 screening records" in out
    records = {r.entity.name: r for r in ScreeningRecord.objects.select_related("entity", "method", "area")}
    assert [records[n].screened_on.day for n in ("甲公司", "乙公司", "丙公司", "丁公司")] == [20, 21, 22, 23]
    assert records["甲公司"].method.name == "扫街排查" and records["甲公司"].area.name == "写字楼"
    assert records["乙公司"].result == ScreeningRecord.Result.PROBLEM
    assert [b.name for b in records["丙公司"].behaviours.all()] == ["资金互助"]

    result = preview(tree, open_campaign, xlsx(headers, [rows[0], {I.NAME: "戊公司", I.SECTOR: "教育机构",
                                                                   I.SCREENED_ON: "上周"}]), sheet=I.RECORDS)
    assert "already been screened" in result.rows[0].errors[0].message
    assert result.rows[1].errors[0].column == I.SCREENED_ON


def test_a_screening_record_then_a_clue_on_it(tree, open_campaign, term):
    services.records_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                            rows=[RecordData(entity=EntityData(name="甲", credit_code=credit_code(1)),
                                             sector=term("网络借贷平台"))])
    assert preview(tree, open_campaign, clues_xlsx([clue_row(1)])).is_valid


def test_imports_keep_problem_institutions_within_screened_ones(tree, open_campaign, term, tmp_path):
    services.records_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=[
        RecordData(entity=EntityData(name=f"主体{n}", credit_code=credit_code(n)), sector=term("网络借贷平台"))
        for n in (1, 2)
    ])
    run("import_clues", tmp_path, clues_xlsx([clue_row(n) for n in range(5)]), "--user", "staff", "--submit")
    withdrawn = Clue.objects.filter(unit=tree.unit("township")).first()
    services.clue_withdraw(actor=tree.user("staff"), clue=withdrawn, reason="重复")
    assert_screened_covers_problems(open_campaign)
    assert ScreeningRecord.objects.filter(campaign=open_campaign).count() >= Clue.objects.exclude(
        status=Clue.Status.WITHDRAWN).count()


# The upload page -----------------------------------------------------------------------------------------------------


def upload_url(kind="clues"):
    return reverse("ledger:import_upload", args=["open", kind])


def upload(client, data: bytes, unit, **fields):
    return client.post(upload_url(), {"unit": unit.pk, "file": io.BytesIO(data), **fields})


def test_upload_preview_then_confirm_saves_every_row_and_removes_the_file(client, tree, open_campaign, media):
    client.force_login(tree.user("staff"))
    page = client.get(upload_url())
    assert page.status_code == 200 and page.context["unit"] == tree.unit("township")
    response = upload(client, clues_xlsx([clue_row(1), clue_row(2)]), tree.unit("village"), submit="on")
    assert response.status_code == 200 and response.context["result"].is_valid
    assert reverse("ledger:import_confirm", args=["open", "clues"]) in response.content.decode()
    assert not Clue.objects.exists() and len(list((media / "imports").iterdir())) == 1

    confirmed = client.post(reverse("ledger:import_confirm", args=["open", "clues"]))
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("ledger:clue_list", args=["open"])
    assert Clue.objects.filter(unit=tree.unit("village"), status=Clue.Status.SUBMITTED).count() == 2
    assert not list((media / "imports").iterdir())
    again = client.post(reverse("ledger:import_confirm", args=["open", "clues"]))
    assert again.status_code == 302 and Clue.objects.count() == 2


def test_a_file_with_errors_shows_them_and_offers_no_confirmation(client, tree, open_campaign, media):
    client.force_login(tree.user("staff"))
    response = upload(client, clues_xlsx([clue_row(1), clue_row(2, **{I.AMOUNT: "abc"})]), tree.unit("township"))
    page = response.content.decode()
    assert response.status_code == 200 and f"Row 3 [{I.AMOUNT}]" in page
    assert reverse("ledger:import_confirm", args=["open", "clues"]) not in page
    assert not list((media / "imports").glob("*.xlsx"))


@pytest.mark.parametrize("data", [b"not a workbook", b"\0" * (10 * 1024 * 1024 + 1)], ids=["not xlsx", "too large"])
def test_a_bad_file_gets_a_message_not_a_server_error(client, tree, open_campaign, media, data):
    client.force_login(tree.user("staff"))
    response = upload(client, data, tree.unit("township"))
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not (media / "imports").exists()


def test_staff_cannot_import_into_another_units_ledger(client, tree, open_campaign, media):
    client.force_login(tree.user("staff"))
    assert upload(client, clues_xlsx([clue_row(1)]), tree.unit("sibling_township")).status_code == 404
    client.force_login(tree.user("office"))  # sees the township, enters nothing
    assert upload(client, clues_xlsx([clue_row(1)]), tree.unit("township")).status_code == 403
    assert client.get(upload_url()).status_code == 403
    assert not Clue.objects.exists()


def test_a_closed_entry_is_said_on_the_page_and_saves_nothing(client, tree, open_campaign, media):
    client.force_login(tree.user("staff"))
    upload(client, clues_xlsx([clue_row(1)]), tree.unit("township"))
    yesterday = date.today() - timedelta(days=1)
    Phase.objects.filter(campaign=open_campaign).update(start=yesterday - timedelta(days=30), deadline=yesterday)
    response = client.post(reverse("ledger:import_confirm", args=["open", "clues"]))
    assert response.status_code == 200 and "Entry closed" in response.content.decode()
    assert not Clue.objects.exists()


def test_the_template_has_the_headers_and_drop_downs(client, tree, open_campaign):
    client.force_login(tree.user("staff"))
    response = client.get(reverse("ledger:template_download", args=["open", "clues"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, _instructions, options = book.worksheets
    assert [cell.value for cell in sheet[1]] == [
        "企业名称", "统一社会信用代码", "所属行业", "重点行为", "集资模式", "是否通过互联网", "涉及金额（万元）", "涉及人数",
        "未兑付资金（万元）", "是否跨省", "主要问题", "线索来源", "情况描述",
    ]
    assert options.sheet_state == "hidden"
    lists = {str(v.sqref).split(":")[0][:-1]: v for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"C", "D", "E", "F", "J", "K", "L"}
    assert not lists["D"].showErrorMessage and lists["C"].showErrorMessage  # several behaviours may be typed
    sectors = [cell.value for cell in options["C"][1:] if cell.value]
    assert "网络借贷平台" in sectors and "互联网金融行业企业" not in sectors
    assert [cell.value for cell in options["F"][1:4]] == ["线上", "线下", "线上线下相结合"]

    records = openpyxl.load_workbook(io.BytesIO(
        client.get(reverse("ledger:template_download", args=["open", "records"])).content
    )).worksheets[0]
    assert [cell.value for cell in records[1]] == ["企业名称", "统一社会信用代码", "所属行业", "重点行为", "排查方式",
                                                 "重点区域", "排查日期", "排查结果"]


def test_a_filled_in_template_imports(tree, open_campaign):
    book = openpyxl.load_workbook(io.BytesIO(import_template.template(I.CLUES, open_campaign)))
    row = clue_row(1)
    book.active.append([row[header] for header in I.CLUES.headers])
    buffer = io.BytesIO()
    book.save(buffer)
    assert preview(tree, open_campaign, buffer.getvalue()).is_valid


# The export ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_the_export_neutralises_formulas_and_keeps_numbers(client, tree, open_campaign, clue_data, trigger):
    clue = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                data=clue_data(amount_involved=Decimal("1234.50")))
    Clue.objects.filter(pk=clue.pk).update(description=f"{trigger}HYPERLINK(\"http://evil\",\"x\")")
    Entity.objects.filter(pk=clue.entity_id).update(name=f"{trigger}1+1")
    client.force_login(tree.user("staff"))
    response = client.get(reverse("ledger:export", args=["open"]))
    assert response.status_code == 200
    clues, records = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    headers = [cell.value for cell in clues[1]]
    row = dict(zip(headers, clues[2]))
    # openpyxl writes through lxml, which keeps a carriage return as a character reference.
    assert row[I.DESCRIPTION].value == f"'{trigger}HYPERLINK(\"http://evil\",\"x\")"
    assert row[I.NAME].value == f"'{trigger}1+1" and row[I.NAME].data_type == "s"
    assert row[I.AMOUNT].value == 1234.5 and row[I.AMOUNT].number_format == "0.00"
    assert row[I.PEOPLE].value == 35 and row[I.PEOPLE].data_type == "n"
    assert row[I.CHANNEL].value == "线上线下相结合" and row[I.CROSS_PROVINCE].value == "否"
    assert records[2][1].value == f"'{trigger}1+1"


def test_the_export_holds_what_the_user_may_see(client, tree, open_campaign, clue_data):
    for unit, user in (("township", "staff"), ("department", "department_staff")):
        services.clue_create(actor=tree.user(user), campaign=open_campaign, unit=tree.unit(unit), data=clue_data())
    for user, count in (("staff", 1), ("office", 2)):
        client.force_login(tree.user(user))
        clues = openpyxl.load_workbook(io.BytesIO(client.get(reverse("ledger:export", args=["open"])).content)).active
        assert clues.max_row - 1 == count
