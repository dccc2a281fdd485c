from datetime import timedelta

import pytest
from django.urls import reverse

from review import services as review_services
from review import submissions
from screening import locks
from screening.models import UnitSubmission
from tests.factories import UnitFactory, expect, member
from tests.orgs.test_pages import login


def approvals(campaign) -> str:
    return reverse("review:approvals", args=[campaign.slug])


def decide(client, campaign, unit, action, reason=""):
    url = reverse("review:approval_action", args=[campaign.slug, unit.pk])
    return client.post(url, {"action": action, "reason": reason})


def declare_page(campaign) -> str:
    return reverse("review:declare", args=[campaign.slug])


def test_staff_hand_in_a_zero_report(client, tree, open_campaign, county_group):
    login(client, tree.user("staff"))
    page = client.get(declare_page(open_campaign))
    assert page.status_code == 200 and page.context["declaration"].records == 0
    response = client.post(declare_page(open_campaign))
    assert response.status_code == 302
    submission = UnitSubmission.objects.get(campaign=open_campaign, unit=tree.unit("township"))
    assert submission.status == "submitted" and submission.is_zero_report
    again = client.post(declare_page(open_campaign))
    assert again.status_code == 200 and again.context["form"].non_field_errors()


def test_drafts_hold_the_declaration_back(client, tree, open_campaign, county_group, report):
    report(submit=False)
    login(client, tree.user("staff"))
    page = client.get(declare_page(open_campaign))
    assert page.context["declaration"].pending == 1
    refused = client.post(declare_page(open_campaign))
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert not UnitSubmission.objects.exists()


def test_the_office_does_not_declare(client, tree, open_campaign):
    login(client, tree.user("office"))
    assert client.get(declare_page(open_campaign)).status_code == 403


def test_the_campaign_page_links_staff_to_the_declaration(client, tree, open_campaign):
    login(client, tree.user("staff"))
    detail = reverse("screening:campaign_detail", args=[open_campaign.slug])
    assert declare_page(open_campaign) in client.get(detail).content.decode()
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    assert declare_page(open_campaign) not in client.get(detail).content.decode()


def test_the_grid_and_approval_locking_entry(client, tree, open_campaign, county_group, report):
    report(unit="department", user="department_staff", submit=False)
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    login(client, tree.user("office"))
    response = client.get(approvals(open_campaign))
    assert response.status_code == 200
    states = {line.row.unit.name: line.row.state for line in response.context["lines"]}
    assert states == {"甲县市场监管局": "in_progress", "一街道": "submitted"}
    township = next(line for line in response.context["lines"] if line.row.unit == tree.unit("township"))
    assert township.may_approve and township.may_return and not township.may_unapprove

    assert decide(client, open_campaign, tree.unit("township"), "approve").status_code == 302
    assert UnitSubmission.objects.get(unit=tree.unit("township")).status == "approved"
    state = locks.entry_state(open_campaign, tree.unit("township"))
    assert not state.is_open and state.reason == "本单位数据已审核锁定"

    decide(client, open_campaign, tree.unit("township"), "unapprove")  # refused: no reason
    assert UnitSubmission.objects.get(unit=tree.unit("township")).status == "approved"
    decide(client, open_campaign, tree.unit("township"), "unapprove", "补录线索")
    assert locks.entry_state(open_campaign, tree.unit("township")).is_open


def test_send_back_with_a_reason(client, tree, open_campaign, county_group):
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    login(client, tree.user("office"))
    decide(client, open_campaign, tree.unit("township"), "return", "请补充排查记录")
    submission = UnitSubmission.objects.get(unit=tree.unit("township"))
    assert submission.status == "returned" and submission.note == "请补充排查记录"
    client.post(reverse("logout"))
    login(client, tree.user("staff"))
    assert "请补充排查记录" in client.get(declare_page(open_campaign)).content.decode()


def test_a_county_office_cannot_approve_its_own_county(client, tree, open_campaign, county_group):
    login(client, tree.user("office"))
    assert decide(client, open_campaign, tree.unit("county"), "approve").status_code == 403
    assert not UnitSubmission.objects.filter(unit=tree.unit("county"), status="approved").exists()


def test_the_city_approves_the_county_which_sees_it(client, tree, open_campaign, county_group, report):
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"))
    submissions.submission_declare(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("department"))
    submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("department"))
    login(client, tree.user("city_office"))
    lines = client.get(approvals(open_campaign)).context["lines"]
    assert [(line.row.unit, line.may_approve) for line in lines] == [(tree.unit("county"), True)]
    decide(client, open_campaign, tree.unit("county"), "approve")
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    own = client.get(approvals(open_campaign)).context["own"]
    assert own.status == "approved" and own.decided_by == tree.user("city_office")


def test_overdue_units_are_listed(client, tree, open_campaign, county_group):
    phase = open_campaign.phases.get()
    phase.end = phase.deadline = locks.today_local() - timedelta(days=2)
    phase.save()
    login(client, tree.user("office"))
    late = client.get(approvals(open_campaign)).context["overdue_units"]
    assert {(line.unit, line.days_late) for line in late} == {(tree.unit("township"), 2), (tree.unit("department"), 2)}


def test_the_grid_says_before_approving_that_returned_clues_hold_it_back(client, tree, open_campaign, county_group,
                                                                        report):
    clue = report()
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    review_services.clue_return(actor=tree.user("office"), clue=clue, reason="请补充经营地址")
    submissions.submission_declare(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("department"))
    login(client, tree.user("office"))
    page = client.get(approvals(open_campaign)).content.decode()
    held, ready = row_html(page, tree.unit("township")), row_html(page, tree.unit("department"))
    assert "尚有 1 条退回或草稿状态的线索，暂不能审核。" in held and "disabled" in held
    queue = reverse("review:queue", args=[open_campaign.slug])
    assert f'{queue}?unit={tree.unit("township").pk}&amp;status=returned' in held
    assert 'value="approve"' not in held
    assert 'value="approve"' in ready and 'data-confirm="确定审核通过甲县市场监管局的数据吗？' in ready
    assert "/static/js/app.js" in page  # which asks the question

    refused = decide(client, open_campaign, tree.unit("township"), "approve")  # a hand-made request is refused too
    assert refused.status_code == 302
    assert UnitSubmission.objects.get(unit=tree.unit("township")).status == "submitted"


def row_html(page: str, unit) -> str:
    row = page[page.index(f'id="unit-{unit.pk}"'):]
    return row[:row.index("</tr>")]


@pytest.mark.parametrize("role", ["office", "leader"])
def test_the_grid_page_reads_as_many_queries_for_forty_units_as_for_two(client, tree, open_campaign, county_group,
                                                                        role, django_assert_max_num_queries):
    for n in range(38):
        unit = UnitFactory(name=f"新街道{n}", parent=tree.unit("county"))
        expect(open_campaign, unit)
        if n % 2:  # half of them hand in; the others have no account
            submissions.submission_declare(actor=member(unit, "staff"), campaign=open_campaign, unit=unit)
    login(client, tree.user(role))
    with django_assert_max_num_queries(20):
        response = client.get(approvals(open_campaign))
    assert len(response.context["lines"]) == 40
