"""The home page of each role: staff see their unit's work with links, the office and leaders a unit's campaign in
figures that equal attachment 1's, with the previous campaign beside them, in a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import services as ledger_services
from oversight.models import BriefingQuota
from reports import dashboard, tables
from review import services as review_services
from review.models import Disposal
from review.services import DisposalPlan
from screening.locks import today_local
from screening.models import Campaign
from tests.conftest import build_clue_data, campaign_term

TODAY = today_local()


def submit(tree, campaign, user="staff", unit="township", **fields):
    term = lambda name: campaign_term(campaign, name)  # noqa: E731
    clue = ledger_services.clue_create(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit),
                                       data=build_clue_data(term, **fields))
    return ledger_services.clue_submit(actor=tree.user(user), clue=clue)


@pytest.fixture
def filled(tree, open_campaign):
    submit(tree, open_campaign, amount_involved=Decimal("12.34"), unpaid_funds=Decimal("0"), entity={"name": "甲公司", "credit_code": ""})
    submit(tree, open_campaign, user="department_staff", unit="department", amount_involved=Decimal("0.66"), unpaid_funds=Decimal("0"),
           entity={"name": "乙公司", "credit_code": ""})
    return open_campaign


def test_staff_see_their_drafts_returned_clues_quota_and_deadline(client, tree, open_campaign):
    BriefingQuota.objects.create(campaign=open_campaign, unit_level="township", unit_kind="government", minimum=2)
    returned = submit(tree, open_campaign)
    review_services.clue_return(actor=tree.user("office"), clue=returned, reason="金额有误")
    term = lambda name: campaign_term(open_campaign, name)  # noqa: E731
    ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                data=build_clue_data(term, entity={"name": "草稿公司", "credit_code": ""}))
    client.force_login(tree.user("staff"))
    page = client.get(reverse("home")).content.decode()
    assert open_campaign.title in page and "还剩 20 天" in page
    assert "本单位报送状态: <strong>填报中</strong>" in page
    assert "1 条草稿" in page and "金额有误" in page and reverse("ledger:clue_detail", args=[returned.pk]) in page
    assert "信息报送: 0 / 2" in page and "未达到数量要求" in page
    assert f'{reverse("oversight:work", args=[open_campaign.slug])}#summary' in page


def test_the_office_sees_completeness_queue_and_charts_linked_to_the_ledger(client, tree, filled,
                                                                           django_assert_max_num_queries):
    client.force_login(tree.user("office"))
    with django_assert_max_num_queries(45):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "2 条线索待审核" in page
    sector = campaign_term(filled, "网络借贷平台")
    assert f'?sector={sector.pk}&amp;unit={tree.unit("county").pk}&amp;status=' in page
    assert f'?unit={tree.unit("township").pk}&amp;status=' in page
    assert "13.00" in page  # the total amount


def test_the_home_page_figures_equal_attachment_1(tree, filled):
    figures = dashboard.office_figures(filled, tree.unit("county"), on=TODAY)
    table = tables.attachment1(campaign=filled, unit=tree.unit("county"))
    sector_total = next(row for row in table.rows if row.is_total)
    assert sum(bar.count for bar in figures.by_sector) == sector_total.values["problem_count"] == 2
    assert sum(bar.amount for bar in figures.by_sector) == sector_total.values["amount"] == figures.totals.amount
    assert sum(bar.amount for bar in figures.by_unit) == figures.totals.amount == Decimal("13.00")
    # Bar by bar, in the table's order: each term with problem institutions, its count and amount.
    for bars, block in ((figures.by_sector, "重点领域"), (figures.by_behaviour, "重点行为")):
        rows = [(row.term_id, row.values["problem_count"], row.values["amount"]) for row in table.rows
                if row.labels[0] == block and not row.is_total and row.values["problem_count"]]
        assert rows and [(bar.term_id, bar.count, bar.amount) for bar in bars] == rows, block


def test_the_previous_campaign_of_the_same_kind_stands_beside(client, tree, filled):
    earlier = Campaign.objects.create(title="去年的专项排查", slug="last-year", year=filled.year - 1,
                                      issuing_unit=tree.unit("office"), scope_unit=tree.unit("county"),
                                      status=Campaign.Status.ARCHIVED)
    assert dashboard.previous_campaign(filled) == earlier
    client.force_login(tree.user("leader"))
    page = client.get(reverse("home") + f"?campaign={filled.slug}").content.decode()
    assert f'title="去年的专项排查">{filled.year - 1}' in page


def test_the_query_count_does_not_grow_with_the_clues(client, tree, filled, django_assert_num_queries):
    client.force_login(tree.user("office"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for n in range(5):
        submit(tree, filled, entity={"name": f"新公司{n}", "credit_code": ""},
               sector=campaign_term(filled, "私募股权投资") if n % 2 else campaign_term(filled, "网络借贷平台"))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_the_admin_sees_the_campaigns_they_configure(client, tree, open_campaign):
    client.force_login(tree.user("admin"))
    page = client.get(reverse("home")).content.decode()
    assert reverse("screening:campaign_detail", args=[open_campaign.slug]) in page
    assert (TODAY + timedelta(days=20)).strftime("%Y-%m-%d") in page


def test_staff_see_the_disposal_tasks_of_their_unit_and_those_overdue(client, tree, open_campaign):
    clue = submit(tree, open_campaign)
    review_services.disposal_save(actor=tree.user("office"), clue=clue, plan=DisposalPlan(
        responsible_unit=tree.unit("township"), track="rectify", measures=[campaign_term(open_campaign, "规范整改")],
        deadline=TODAY + timedelta(days=3)))
    client.force_login(tree.user("staff"))
    page = client.get(reverse("home")).content.decode()
    assert "1 项处置任务未完成" in page and "项逾期" not in page
    Disposal.objects.update(deadline=TODAY - timedelta(days=1))
    assert "1 项逾期" in client.get(reverse("home")).content.decode()
