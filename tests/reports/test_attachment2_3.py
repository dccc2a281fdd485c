from decimal import Decimal

from ledger import services
from reports import tables
from review.models import CountyReturn

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
    assert [(row.labels[0], row.values["cases"], row.values["large_case"], row.values["petition"]) for row in table.rows] == [
        ("甲县", D("0.00"), "否", "否"), ("乙县", D("2.00"), "是", "否"),
    ]
    assert "甲县" in table.remarks[0] and "乙县" in table.remarks[1]
    assert table.remarks[0] != table.remarks[1]
    assert "2 " in table.remarks[1] or "2起" in table.remarks[1] or "2 起" in table.remarks[1]


def test_a_county_without_a_return_gets_the_ledger_case_count(tree, open_campaign, ledger, filed_this_year):
    clue = ledger.clue("township", "staff", ledger.entity("某某置业有限公司"), "房地产", amount="1", people=1)
    ledger.dispose(clue, "investigate", filed=filed_this_year)
    table = tables.attachment3(campaign=open_campaign, unit=tree.unit("county"))
    assert table.rows[0].values["cases"] == D("1.00") and "未填报" in table.rows[0].values["remarks"]


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
