from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import services
from reports import tables
from review import services as review_services
from orgs.models import Unit
from review.models import CountyReturn
from tests.factories import UnitFactory
from tests.orgs.test_pages import login

D = Decimal


def test_key_clues_one_row_each_with_work_columns_and_totals(tree, open_campaign, ledger, filed_this_year):
    a = ledger.clue("township", "staff", ledger.entity("某某网贷信息服务有限公司"), "网络借贷平台", amount="120.50",
                    people=35, unpaid="20.00", channel="both", fundraising_mode=ledger.term("债权类"))
    c = ledger.clue("township", "staff", ledger.entity("某某置业有限公司"), "房地产", amount="0.01", people=3,
                    unpaid="0.01", cross_province=True)
    ledger.clue("township", "staff", ledger.entity("非重点"), "房地产", amount="99", people=99)
    ledger.dispose(a, "rectify", measures=["警示约谈", "规范整改"], refund_status="refunded", handling_result="正在整改并正常营业")
    ledger.dispose(c, "investigate", measures=["刑事打击"], filed=filed_this_year, refund_status="refunding",
                   refunded_share=D("35"), handling_result="停业整改", notices={"河南省": 2, "山东省": 1})
    ledger.make_key(a)
    ledger.make_key(c)
    table = tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))
    first, second, total = table.rows
    assert first.labels == ["1"] and second.labels == ["2"] and total.labels == ["合计"]
    assert first.values == {
        "entity": "某某网贷信息服务有限公司", "sector": "网络借贷平台", "mode": "债权类", "channel": "线上线下相结合",
        "amount": D("120.50"), "people": D("35.00"), "unpaid": D("20.00"), "cross_province": "否",
        "measures": "警示约谈、规范整改", "refund": "清退完毕", "result": "正在整改并正常营业", "notices": "",
        "remarks": "",
    }
    assert second.values["refund"] == "正在清退（已清退 35.00%）"
    assert second.values["notices"] == "已向河南省、山东省通报 3 次"
    assert second.values["cross_province"] == "是"
    assert (total.values["amount"], total.values["people"], total.values["unpaid"]) == (D("120.51"), D("38.00"), D("20.01"))
    assert total.values["entity"] == ""


def test_a_unit_with_no_key_clue_has_only_the_total_row(tree, open_campaign):
    table = tables.attachment2(campaign=open_campaign, unit=tree.unit("township"))
    assert [row.labels for row in table.rows] == [["合计"]]
    assert table.rows[0].values["amount"] == D("0.00")


def test_county_returns_say_which_counties_qualify(tree, open_campaign, ledger, filed_this_year):
    year = open_campaign.year
    CountyReturn.objects.create(county=tree.unit("county"), year=year, criminal_cases=0, has_large_case=False,
                                has_petition_event=False, updated_by=tree.user("office"))
    CountyReturn.objects.create(county=tree.unit("other_county"), year=year, criminal_cases=2, has_large_case=True,
                                has_petition_event=False, remarks="见专报", updated_by=tree.user("city_office"))
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("city"))
    assert [(row.labels[0], str(row.values["cases"]), row.values["large_case"], row.values["petition"])
            for row in table.rows] == [("甲县", "0", "否", "否"), ("乙县", "2", "是", "否")]  # cases are whole numbers
    assert "甲县" in table.remarks[0] and "乙县" in table.remarks[1]
    assert table.remarks[0] != table.remarks[1]
    assert "2 " in table.remarks[1] or "2起" in table.remarks[1] or "2 起" in table.remarks[1]


def test_a_county_without_a_return_gets_the_ledger_case_count(tree, open_campaign, ledger, filed_this_year):
    clue = ledger.clue("township", "staff", ledger.entity("某某置业有限公司"), "房地产", amount="1", people=1)
    ledger.dispose(clue, "investigate", filed=filed_this_year)
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("county"))
    assert str(table.rows[0].values["cases"]) == "1" and "未填报" in table.rows[0].values["remarks"]


def test_the_notes_carry_the_campaign_year(open_campaign, tree):
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("county"))
    assert f"{open_campaign.year} 年 1 月 1 日" in table.notes[0]


def test_a_clue_withdrawn_after_it_was_handed_in_leaves_both_tables(tree, open_campaign, ledger):
    """Staff may withdraw a clue the office has already accepted and marked key: from then on the tables count the
    institution as screened without problem, and attachment 2 no longer lists it."""
    kept = ledger.clue("township", "staff", ledger.entity("某某置业有限公司"), "房地产", amount="10.00", people=2)
    withdrawn = ledger.clue("township", "staff", ledger.entity("某某地产经纪有限公司"), "房地产", amount="500.00",
                            people=40, unpaid="100.00")
    ledger.make_key(kept)
    ledger.make_key(withdrawn)
    services.clue_withdraw(actor=tree.user("staff"), clue=withdrawn, reason="经核实为正常经营")

    first = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    [real_estate] = [row for row in first.rows if row.labels[-1] == "房地产"]
    assert [real_estate.values[key] for key in ("screened", "problem_count", "people", "amount")] == [
        D("2.00"), D("1.00"), D("2.00"), D("10.00")]
    second = tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))
    assert [row.values["entity"] for row in second.rows] == ["某某置业有限公司", ""]
    assert (second.rows[-1].values["amount"], second.rows[-1].values["unpaid"]) == (D("10.00"), D("0.00"))


SEED_NOTES_2 = [
    "注：1.“是否通过互联网”根据实际填写线上、线上或线上线下相结合，“是否跨省”填写是或否。",
    "2. “资金清退情况”填写正在清退或清退完毕，并写明清退比例。",
    "3. “处理结果”填写企业现状，如正在整改并正常营业、停业整改、通报次数等。",
    "4. “省际间风险通报情况”填写向哪些省通报风险线索、通报次数等。",
    "5.所有数字均保留小数点后 2 位。",
    "6.合计栏标“*”的项目需统计合计数。",
]


def test_attachment2_carries_the_forms_title_unit_line_and_notes(tree, open_campaign, ledger):
    ledger.clue("township", "staff", ledger.entity("草稿公司"), "房地产", amount="9", people=9, submit=False)
    table = tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))
    assert (table.attachment, table.title, table.unit_line, table.label_headers) == (
        2, "重点风险线索统计表", "单位：人、万元", ["序号"])
    assert table.notes == SEED_NOTES_2
    assert (table.unit_name, table.campaign_title, table.drafts_left_out) == ("甲县", open_campaign.title, 1)


def test_key_clues_are_listed_unit_by_unit_and_blank_where_nothing_is_known(tree, open_campaign, ledger, staff2):
    first = ledger.clue("township", "staff", ledger.entity("一街道公司甲"), "房地产", amount="2", people=2)
    other = ledger.clue("sibling_township", "staff2", ledger.entity("二街道公司"), "房地产", amount="1", people=1)
    second = ledger.clue("township", "staff", ledger.entity("一街道公司乙"), "房地产", amount="3", people=3)
    for clue in (other, second, first):
        ledger.make_key(clue)
    table = tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))
    names = [row.values["entity"] for row in table.rows[:-1]]
    assert names in (["一街道公司甲", "一街道公司乙", "二街道公司"], ["二街道公司", "一街道公司甲", "一街道公司乙"])
    blank = table.rows[0].values
    assert (blank["mode"], blank["channel"], blank["measures"], blank["refund"], blank["result"], blank["notices"],
            blank["remarks"]) == ("", "", "", "", "", "", "")
    total = table.rows[-1]
    assert total.is_total is True and total.labels == ["合计"] and not any(row.is_total for row in table.rows[:-1])


def test_a_merged_report_is_named_in_the_remarks(tree, open_campaign, ledger, staff2):
    entity = ledger.entity("某某置业有限公司")
    kept = ledger.clue("township", "staff", entity, "房地产", amount="5", people=5)
    for unit, user in (("sibling_township", "staff2"), ("department", "department_staff")):
        duplicate = ledger.clue(unit, user, entity, "房地产", amount="5", people=5)
        review_services.clues_merge(actor=tree.user("office"), keep=kept, duplicate=duplicate, reason="同一主体")
    ledger.make_key(kept)
    [row, _total] = tables.attachment2(campaign=open_campaign, unit=tree.unit("county")).rows
    assert row.values["remarks"] in ("另由二街道、甲县市场监管局报送", "另由甲县市场监管局、二街道报送")


def test_an_empty_total_is_two_decimal_zero(tree, open_campaign):
    [total] = tables.attachment2(campaign=open_campaign, unit=tree.unit("county")).rows
    assert [str(total.values[key]) for key in ("amount", "people", "unpaid")] == ["0.00", "0.00", "0.00"]


def test_attachment2_takes_the_same_queries_for_one_key_clue_or_three(tree, open_campaign, ledger,
                                                                       django_assert_num_queries, filed_this_year):
    def key_clue(name):
        clue = ledger.clue("township", "staff", ledger.entity(name), "房地产", amount="1", people=1,
                           fundraising_mode=ledger.term("债权类"))
        ledger.dispose(clue, "investigate", measures=["刑事打击"], filed=filed_this_year, notices={"河南省": 1})
        ledger.make_key(clue)

    key_clue("甲公司")
    with CaptureQueriesContext(connection) as one:
        tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))
    key_clue("乙公司")
    key_clue("丙公司")
    with django_assert_num_queries(len(one.captured_queries)):
        table = tables.attachment2(campaign=open_campaign, unit=tree.unit("county"))
    assert [row.values["mode"] for row in table.rows[:-1]] == ["债权类"] * 3


def test_attachment3_carries_the_forms_notes_with_the_year(tree, open_campaign):
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("county"))
    year = open_campaign.year
    assert table.notes == [
        f"注：1. “无非法集资区、县”需同时满足以下条件：{year} 年 1 月 1 日至填表期间，该区、县内无非法集资刑事立案，"
        "本地常住人口中无一定规模的非法集资刑事案件（含本地和外地案件）参与人（50 人以上），本地集资参与人未发生 20 人以上"
        "集访、闹访等影响社会稳定的事件。",
        "2. 本表由各县区填报，市处非领导小组成员单位不需填报。",
    ]


@pytest.mark.parametrize(("answers", "reason"), [
    ({"criminal_cases": "1"}, "今年有 1 起非法集资刑事立案"),
    ({"has_large_case": "1"}, "存在本地常住人口参与 50 人以上非法集资刑事案件的情况"),
    ({"has_petition_event": "1"}, "发生了 20 人以上的本地集资参与人集访、闹访事件"),
])
def test_each_condition_alone_keeps_a_county_from_qualifying(client, tree, open_campaign, answers, reason):
    """Attachment 3 note 1: no case filed AND no 50-person case AND no 20-person petition. The office saving its
    return, and the preview of attachment 3, say that the county does not qualify, and why."""
    login(client, tree.user("office"))
    county = {"unit": tree.unit("county").pk}
    saved = client.post(
        reverse("reports:county_return", args=[open_campaign.slug]) + f"?unit={county['unit']}",
        {"criminal_cases": "0", "has_large_case": "0", "has_petition_event": "0", "remarks": ""} | answers,
        follow=True,
    )
    verdict = f"甲县不符合“无非法集资区、县”条件：{reason}。"
    assert [str(message) for message in saved.context["messages"]] == [verdict]
    preview = client.get(reverse("reports:preview", args=[open_campaign.slug, "attachment3"]), county)
    assert verdict in preview.content.decode() and "符合“无非法集资区、县”条件。" not in preview.content.decode()
    assert not CountyReturn.objects.get(county=tree.unit("county")).qualifies


def test_attachment3_lists_each_active_county_with_its_return_of_the_year(tree, open_campaign):
    """甲县 has only last year's return: it is listed as not filled in, with the ledger's count (none); 乙县's return of
    the year fills its row; a county no longer active is not listed."""
    year = open_campaign.year
    CountyReturn.objects.create(county=tree.unit("county"), year=year - 1, criminal_cases=5, has_large_case=True,
                                has_petition_event=True, remarks="去年", updated_by=tree.user("office"))
    CountyReturn.objects.create(county=tree.unit("other_county"), year=year, criminal_cases=0, has_large_case=False,
                                has_petition_event=True, remarks="见专报", updated_by=tree.user("city_office"))
    UnitFactory(name="已撤销县", code="Z", level=Unit.Level.COUNTY, parent=tree.unit("city"), is_active=False)
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("city"))
    assert (table.attachment, table.title, table.unit_line, table.label_headers, table.unit_name,
            table.campaign_title) == (3, "“无非法集资区、县”统计表", "", ["区、县名称"], "市", open_campaign.title)
    assert [(row.labels, row.values) for row in table.rows] == [
        (["甲县"], {"cases": 0, "large_case": "", "petition": "", "remarks": "未填报（立案数为台账测算）"}),
        (["乙县"], {"cases": 0, "large_case": "否", "petition": "是", "remarks": "见专报"}),
    ]
    assert table.remarks == [
        "甲县尚未填报附件3。",
        "乙县不符合“无非法集资区、县”条件：发生了 20 人以上的本地集资参与人集访、闹访事件。",
    ]
    assert [row.labels for row in tables.attachment3(campaign=open_campaign, unit=tree.unit("county")).rows] == [["甲县"]]


def test_the_ledger_counts_cases_filed_this_year_once_per_entity_in_its_own_county(
        tree, open_campaign, ledger, staff2, filed_this_year):
    """Two units' clues on one entity are one case; a case filed last year is not this year's; 甲县's cases are not
    乙县's."""
    year = open_campaign.year
    entity = ledger.entity("某某置业有限公司")
    for unit, user in (("township", "staff"), ("sibling_township", "staff2")):
        ledger.dispose(ledger.clue(unit, user, entity, "房地产", amount="1", people=1), "investigate",
                       filed=filed_this_year)
    old_case = ledger.clue("township", "staff", ledger.entity("旧案公司"), "房地产", amount="1", people=1)
    ledger.dispose(old_case, "investigate", filed=filed_this_year.replace(year=year - 1))
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("city"))
    assert [(row.labels[0], row.values["cases"]) for row in table.rows] == [("甲县", 1), ("乙县", 0)]


def test_attachment1_carries_the_forms_title_unit_line_and_notes(tree, open_campaign, ledger):
    ledger.clue("township", "staff", ledger.entity("草稿公司"), "房地产", amount="9", people=9, submit=False)
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    assert (table.attachment, table.title, table.unit_line, table.label_headers) == (
        1, "涉嫌非法集资风险专项排查情况统计表", "单位：个、人、万元", ["", "", ""])
    assert table.notes[0] == "注：1. 重点领域是指非法集资主体所属的行业，包括该行业内合法主体和打着本行业领域名义进行非法集资的情形。"
    assert table.notes[-1] == "6. 合计栏标“*”的项目需统计合计数。" and len(table.notes) == 6
    assert (table.unit_name, table.campaign_title, table.drafts_left_out) == ("甲县", open_campaign.title, 1)


def test_one_unit_reporting_an_entity_in_two_sectors_is_not_an_unmerged_twin(tree, open_campaign, ledger, staff2):
    entity = ledger.entity("某某置业有限公司")
    ledger.clue("township", "staff", entity, "房地产", amount="1", people=1)
    ledger.clue("township", "staff", entity, "网络借贷平台", amount="1", people=1)
    assert tables.attachment2(campaign=open_campaign, unit=tree.unit("county")).unmerged == []
    for name in ("B公司", "A公司"):  # entered in the reverse of the names' order
        ledger.clue("township", "staff", ledger.entity(name), "房地产", amount="1", people=1)
        ledger.clue("sibling_township", "staff2", ledger.entity(name), "房地产", amount="1", people=1)
    unmerged = tables.attachment2(campaign=open_campaign, unit=tree.unit("county")).unmerged
    assert [u.entity_name for u in unmerged] == ["A公司", "B公司"]
