from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger import services
from ledger.services import RecordData
from orgs.models import Unit
from reports import tables
from review import services as review_services
from screening.models import Campaign, Phase, Term
from screening.taxonomy_fixtures import load_taxonomy
from tests.reports.conftest import LedgerBuilder
from tests.factories import UnitFactory, member

D = Decimal
NUMERIC = ["screened", "problem_count", "people", "amount", "rectified", "cleaned", "investigated", "unhandled"]


def row_of(table, name):
    [row] = [row for row in table.rows if row.labels[-1] == name or (row.labels[-1] == "" and row.labels[1] == name)]
    return row


def numbers(row):
    return [row.values[key] for key in NUMERIC]


@pytest.fixture
def county_ledger(ledger, tree, filed_this_year):
    """The hand-made ledger of county 甲县 whose tables are written out below."""
    lending = ledger.entity("某某网贷信息服务有限公司", credit_code="91350100M000100Y43")
    a = ledger.clue("township", "staff", lending, "网络借贷平台", amount="120.50", people=35, unpaid="20.00",
                    behaviours=["消费返利"], problems=["超范围经营", "虚假宣传"], channel="online")
    ledger.dispose(a, "rectify", measures=["警示约谈"])
    ledger.clue("township", "staff", ledger.entity("某某财富咨询部"), "网络借贷平台", amount="0.01", people=1,
                problems=["超范围经营"])
    c = ledger.clue("township", "staff", ledger.entity("某某置业有限公司"), "房地产", amount="1000000.00",
                    people=500, unpaid="800000.00", behaviours=["消费返利", "资金互助"], problems=["设资金池"],
                    cross_province=True)
    ledger.dispose(c, "investigate", measures=["刑事打击"], filed=filed_this_year, refund_status="refunding",
                   refunded_share=D("35"), handling_result="停业整改", notices={"河南省": 2, "山东省": 1})
    ledger.clue("township", "staff", ledger.entity("草稿公司"), "网络借贷平台", amount="9", people=9, submit=False)
    withdrawn = ledger.clue("township", "staff", ledger.entity("某某培训学校"), "教育机构", amount="5", people=5,
                            submit=False)
    services.clue_withdraw(actor=tree.user("staff"), clue=withdrawn, reason="误报")
    ledger.records("township", "staff", "民间投融资中介机构", ["甲投资", "乙投资", "丙投资"])
    f = ledger.clue("department", "department_staff", lending, "网络借贷平台", amount="50.00", people=10,
                    behaviours=["消费返利"], problems=["虚假宣传"])
    review_services.clues_merge(actor=tree.user("office"), keep=a, duplicate=f, reason="同一主体")
    g = ledger.clue("sibling_township", "staff2", ledger.entity("某某众筹工作室"), "众筹平台", amount="33.33", people=3)
    ledger.dispose(g, "not_handled", reason="经营者失联")
    return {"a": a, "c": c}


@pytest.fixture(autouse=True)
def _second_township_staff(staff2):
    return staff2


def test_the_county_table_row_by_row(tree, open_campaign, county_ledger):
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    assert table.drafts_left_out == 1
    lending = row_of(table, "网络借贷平台")
    # screened: A (by the township and by the department: one institution), 财富咨询部, the draft; problems: A (the
    # department's clue merged into the township's) and 财富咨询部
    assert numbers(lending) == [D("3.00"), D("2.00"), D("36.00"), D("120.51"), D("1.00"), D("0.00"), D("0.00"),
                                D("1.00")]
    assert lending.values["problems"] == "超范围经营(2)、虚假宣传(1)"
    assert lending.values["measures"] == "警示约谈(1)"
    assert lending.values["unhandled_reasons"] == "尚未制定处置方案(1)"
    assert numbers(row_of(table, "房地产")) == [D("1.00"), D("1.00"), D("500.00"), D("1000000.00"), D("0.00"),
                                               D("0.00"), D("1.00"), D("0.00")]
    assert numbers(row_of(table, "众筹平台"))[:2] == [D("1.00"), D("1.00")]
    assert row_of(table, "众筹平台").values["unhandled_reasons"] == "经营者失联(1)"
    assert numbers(row_of(table, "教育机构")) == [D("1.00")] + [D("0.00")] * 7  # withdrawn: screened, no problem
    assert row_of(table, "民间投融资中介机构").values["screened"] == D("3.00")
    sector_total, behaviour_total = [row for row in table.rows if row.is_total]
    assert numbers(sector_total) == [D("9.00"), D("4.00"), D("539.00"), D("1000153.84"), D("1.00"), D("0.00"),
                                     D("1.00"), D("2.00")]
    assert sector_total.values["problems"] == ""  # text columns carry no total
    consumer = row_of(table, "消费返利")
    assert numbers(consumer)[:4] == [D("2.00"), D("2.00"), D("535.00"), D("1000120.50")]  # A once, 置业
    assert numbers(row_of(table, "资金互助"))[:2] == [D("1.00"), D("1.00")]
    assert numbers(behaviour_total)[:2] == [D("3.00"), D("3.00")]
    assert table.unmerged == []  # the one entity reported twice has been merged


def test_the_rows_follow_the_2018_form_with_merged_labels(tree, open_campaign, county_ledger):
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    labels = [row.labels for row in table.rows]
    assert labels[:5] == [
        ["重点领域", "民间投融资中介机构", ""],
        ["重点领域", "互联网金融行业企业", "网络借贷平台"],
        ["重点领域", "互联网金融行业企业", "第三方支付"],
        ["重点领域", "互联网金融行业企业", "众筹平台"],
        ["重点领域", "资金密集型行业企业", "私募股权投资"],
    ]
    assert labels[14] == ["合计", "", ""]
    assert labels[15] == ["重点行为", "各类“创新”型集资平台", "消费返利"]
    assert labels[-1] == ["合计", "", ""] and len(labels) == 15 + 10 + 1
    merges = {(m.first_row, m.first_col, m.last_row, m.last_col) for m in table.merges}
    assert (0, 0, 13, 0) in merges  # 重点领域 down the sector block
    assert (1, 1, 3, 1) in merges  # 互联网金融行业企业 over its three items
    assert (0, 1, 0, 2) in merges  # a top-level leaf spans both label columns
    assert (14, 0, 14, 2) in merges  # 合计 across the labels


def test_a_township_sees_its_own_figures_and_a_merged_duplicate_counts_where_it_stands(tree, open_campaign, county_ledger):
    township = tables.attachment1(campaign=open_campaign, unit=tree.unit("township"))
    assert numbers(row_of(township, "网络借贷平台"))[:4] == [D("3.00"), D("2.00"), D("36.00"), D("120.51")]
    department = tables.attachment1(campaign=open_campaign, unit=tree.unit("department"))
    # The department's clue was merged into the township's; seen from the department alone, it still counts.
    assert numbers(row_of(department, "网络借贷平台"))[:4] == [D("1.00"), D("1.00"), D("10.00"), D("50.00")]


def test_an_entity_reported_by_two_units_is_one_institution_and_the_table_names_it_until_merged(
        tree, open_campaign, ledger):
    """Two units report the same company and the office has not merged them: 机构数量 counts it once in its row, people
    and amounts add both units' clues, the 合计 row adds its rows (note 6), and the table names the entity with a clue
    where the office merges it."""
    lending = ledger.entity("某某网贷信息服务有限公司", credit_code="91350100M000100Y43")
    ours = ledger.clue("township", "staff", lending, "网络借贷平台", amount="100.00", people=30, behaviours=["消费返利"])
    ledger.clue("department", "department_staff", lending, "网络借贷平台", amount="40.00", people=10,
                behaviours=["消费返利", "资金互助"])
    ledger.clue("department", "department_staff", lending, "房地产", amount="1.00", people=1)
    services.records_create(actor=tree.user("staff2"), campaign=open_campaign, unit=tree.unit("sibling_township"),
                            rows=[RecordData(entity=e, sector=ledger.term("网络借贷平台"))
                                  for e in (lending, ledger.entity("另一家网贷公司"))])
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    assert numbers(row_of(table, "网络借贷平台"))[:4] == [D("2.00"), D("1.00"), D("40.00"), D("140.00")]
    assert numbers(row_of(table, "房地产"))[:4] == [D("1.00"), D("1.00"), D("1.00"), D("1.00")]
    sector_total, behaviour_total = [row for row in table.rows if row.is_total]
    assert numbers(sector_total)[:4] == [D("3.00"), D("2.00"), D("41.00"), D("141.00")]  # the sum of its rows
    assert numbers(row_of(table, "消费返利"))[:4] == [D("1.00"), D("1.00"), D("40.00"), D("140.00")]
    assert numbers(behaviour_total)[:2] == [D("2.00"), D("2.00")]
    assert [(u.entity_name, u.clue_id) for u in table.unmerged] == [("某某网贷信息服务有限公司", ours.pk)]
    assert tables.attachment1(campaign=open_campaign, unit=tree.unit("township")).unmerged == []


def test_awkward_values_sum_exactly(ledger, tree, open_campaign):
    rows = [ledger.entity(f"小额{i}") for i in range(300)]
    for entity in rows:
        ledger.clue("township", "staff", entity, "第三方支付", amount="0.01", people=1)
    ledger.clue("township", "staff", ledger.entity("大额"), "第三方支付", amount="999999999999.99", people=0)
    table = tables.attachment1(campaign=open_campaign, unit=tree.unit("county"))
    payments = row_of(table, "第三方支付")
    assert payments.values["amount"] == D("1000000000002.99")
    assert payments.values["problem_count"] == D("301.00") and payments.values["people"] == D("300.00")
    empty = row_of(table, "养老机构")
    assert numbers(empty) == [D("0.00")] * 8
    behaviour_total = [row for row in table.rows if row.is_total][1]
    assert numbers(behaviour_total) == [D("0.00")] * 8  # a block with no data


def test_the_2017_form_row_by_row(tree, open_campaign):
    """The same county on the flat 2017 form (seed 000): six sectors and four behaviours, no groups."""
    form2017 = Campaign.objects.create(title="2017", slug="c17", year=open_campaign.year,
                                       issuing_unit=tree.unit("office"), scope_unit=tree.unit("county"),
                                       status=Campaign.Status.PUBLISHED)
    for phase in open_campaign.phases.all():
        Phase.objects.create(campaign=form2017, kind=phase.kind, start=phase.start, end=phase.end,
                             deadline=phase.deadline)
    load_taxonomy(actor=None, campaign=form2017, form="2017")
    ledger = LedgerBuilder(tree, form2017, lambda name: Term.objects.get(campaign=form2017, name__startswith=name))
    a = ledger.clue("township", "staff", ledger.entity("某某理财工作室"), "投资咨询", amount="10.10", people=4,
                    behaviours=["以报刊杂志"], problems=["虚假宣传"])
    ledger.dispose(a, "clean_up", measures=["警示约谈"])
    ledger.clue("sibling_township", "staff2", ledger.entity("某某合作社"), "各类农民专业合作社", amount="0.90",
                people=6, behaviours=["以报刊杂志", "以“虚拟货币”"])
    ledger.records("township", "staff", "投资咨询", ["甲咨询", "乙咨询"])
    table = tables.attachment1(campaign=form2017, unit=tree.unit("county"))
    assert len(table.rows) == 6 + 1 + 4 + 1
    first = table.rows[0]
    assert first.labels == ["重点领域", "投资咨询、财富管理、第三方理财、担保、小额贷款等投融资中介机构", ""]
    assert numbers(first) == [D("3.00"), D("1.00"), D("4.00"), D("10.10"), D("0.00"), D("1.00"), D("0.00"), D("0.00")]
    assert first.values["measures"] == "警示约谈(1)" and first.values["problems"] == "虚假宣传(1)"
    assert numbers(table.rows[4])[:4] == [D("1.00"), D("1.00"), D("6.00"), D("0.90")]
    assert numbers(table.rows[6]) == [D("4.00"), D("2.00"), D("10.00"), D("11.00"), D("0.00"), D("1.00"), D("0.00"),
                                      D("1.00")]
    assert table.rows[7].labels[0] == "重点行为"
    advertising = table.rows[9]
    assert advertising.labels[1].startswith("以报刊杂志") and numbers(advertising)[:4] == [
        D("2.00"), D("2.00"), D("10.00"), D("11.00")]
    assert numbers(table.rows[10])[:2] == [D("1.00"), D("1.00")]
    assert numbers(table.rows[11])[:2] == [D("3.00"), D("3.00")]


def test_the_query_count_is_the_same_for_5_and_50_townships(tree, open_campaign, ledger):
    county = tree.unit("county")

    def add_townships(start, stop):
        for i in range(start, stop):
            tree.units[f"x{i}"] = UnitFactory(code=f"X{i}", parent=county)
            tree.users[f"s{i}"] = member(tree.units[f"x{i}"], "staff", username=f"s{i}")
            ledger.clue(f"x{i}", f"s{i}", ledger.entity(f"主体{i}"), "网络借贷平台", amount="1.00", people=1,
                        behaviours=["消费返利"], problems=["自融"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            table = tables.attachment1(campaign=open_campaign, unit=Unit.objects.get(pk=county.pk))
        return len(captured), row_of(table, "网络借贷平台").values["problem_count"]

    add_townships(0, 5)
    small = queries()
    add_townships(5, 50)
    large = queries()
    assert (small[1], large[1]) == (D("5.00"), D("50.00"))
    assert small[0] == large[0] <= 15
