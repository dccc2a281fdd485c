import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ledger import services
from orgs.models import LeadingGroup
from review import services as review_services
from review import submissions
from screening import locks
from screening.locks import EntryClosed
from screening.models import UnitSubmission
from tests.factories import expect, member
from tests.orgs.test_pages import login


@pytest.fixture
def county_group(tree):
    """甲县 and the city have leading groups: the county office approves townships, the city office the county."""
    LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    LeadingGroup.objects.create(government=tree.unit("city"), office=tree.unit("city_office"))


def declare(tree, campaign, unit="township", user="staff"):
    return submissions.submission_declare(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit))


def test_a_unit_that_found_nothing_hands_in_a_zero_report(tree, open_campaign, county_group):
    submission = declare(tree, open_campaign)
    assert submission.status == "submitted" and submission.is_zero_report


def test_drafts_must_be_handed_in_before_declaring(tree, open_campaign, county_group, clue_data):
    clue = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                data=clue_data())
    with pytest.raises(ValidationError):
        declare(tree, open_campaign)
    services.clue_submit(actor=tree.user("staff"), clue=clue)
    assert not declare(tree, open_campaign).is_zero_report


def test_approval_locks_writes_and_unapproval_reopens(tree, open_campaign, county_group, clue_data):
    declare(tree, open_campaign)
    with pytest.raises(PermissionDenied):
        submissions.submission_approve(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"))
    with pytest.raises(EntryClosed) as closed:
        services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                             data=clue_data())
    assert closed.value.reason == "本单位数据已审核锁定"
    submissions.submission_unapprove(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"),
                                     reason="补录")
    assert locks.entry_state(open_campaign, tree.unit("township")).is_open
    assert UnitSubmission.objects.get(unit=tree.unit("township")).history.count() >= 3


def test_a_county_waits_for_every_unit_it_oversees(tree, open_campaign, county_group):
    expect(open_campaign, tree.unit("sibling_township"))  # nobody has an account there: the county waits all the same
    declare(tree, open_campaign)
    submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"))
    with pytest.raises(PermissionDenied):  # the county office does not approve its own county
        submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("county"))
    with pytest.raises(ValidationError) as refused:
        submissions.submission_approve(actor=tree.user("city_office"), campaign=open_campaign, unit=tree.unit("county"))
    assert "二街道" in str(refused.value) and "甲县市场监管局" in str(refused.value)


def test_a_returned_submission_can_be_declared_again(tree, open_campaign, county_group):
    declare(tree, open_campaign)
    submissions.submission_return(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"),
                                  reason="请补充排查记录")
    assert UnitSubmission.objects.get(unit=tree.unit("township")).note == "请补充排查记录"
    assert declare(tree, open_campaign).status == "submitted"


def test_the_grid_shows_each_overseen_unit(tree, open_campaign, county_group, clue_data, django_assert_max_num_queries):
    services.clue_create(actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("department"),
                         data=clue_data())
    declare(tree, open_campaign)
    with django_assert_max_num_queries(9):
        grid = submissions.approval_grid(open_campaign, tree.unit("county"))
    states = {row.unit.name: (row.state, row.clues, row.on_time) for row in grid.rows}
    assert states == {"甲县市场监管局": ("in_progress", 1, None), "一街道": ("submitted", 0, True)}


def test_a_unit_whose_only_clues_were_withdrawn_hands_in_a_zero_report(client, tree, open_campaign, county_group,
                                                                         clue_data):
    staff = tree.user("staff")
    for name in ("误报公司甲", "误报公司乙"):
        clue = services.clue_create(actor=staff, campaign=open_campaign, unit=tree.unit("township"),
                                    data=clue_data(entity={"name": name, "credit_code": ""}))
        services.clue_submit(actor=staff, clue=clue)
        services.clue_withdraw(actor=staff, clue=clue, reason="经核实无风险")
    assert declare(tree, open_campaign).is_zero_report
    login(client, tree.user("office"))
    grid = client.get(reverse("review:approvals", args=[open_campaign.slug])).content.decode()
    row = grid[grid.index("一街道"):]
    assert "零报告" in row[:row.index("</tr>")]


def test_a_unit_with_a_returned_clue_is_not_approved_and_the_clue_stays_correctable(tree, open_campaign, county_group,
                                                                                   report):
    clue = report(entity={"name": "天津某某理财咨询有限公司", "credit_code": ""})
    declare(tree, open_campaign)
    review_services.clue_return(actor=tree.user("office"), clue=clue, reason="请补充经营地址")
    with pytest.raises(ValidationError) as refused:
        submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"))
    assert "天津某某理财咨询有限公司" in str(refused.value) and "一街道" in str(refused.value)
    assert UnitSubmission.objects.get(unit=tree.unit("township")).status == "submitted"
    assert locks.entry_state(open_campaign, tree.unit("township")).is_open
    services.clue_submit(actor=tree.user("staff"), clue=clue)
    assert submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign,
                                          unit=tree.unit("township")).status == "approved"


def test_a_draft_of_a_unit_beneath_holds_the_approval_back(tree, open_campaign, county_group, clue_data):
    declare(tree, open_campaign)
    village_staff = member(tree.unit("village"), "staff")
    services.clue_create(actor=village_staff, campaign=open_campaign, unit=tree.unit("village"),
                         data=clue_data(entity={"name": "村里的草稿公司", "credit_code": ""}))
    with pytest.raises(ValidationError) as refused:
        submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"))
    assert "村里的草稿公司" in str(refused.value)
