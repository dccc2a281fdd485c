"""Declaring, approving, sending back and reopening a unit's data, as the staff and the offices meet each rule
(review/submissions.py). 甲县 (the county) and the city have leading groups; 一街道 and 甲县市场监管局 report."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ledger import services as ledger_services
from ledger.models import Clue
from orgs.models import LeadingGroup, Notification
from review import submissions
from screening.locks import EntryClosed
from screening.models import Campaign, UnitSubmission
from tests.factories import UnitFactory, expect, member

pytestmark = pytest.mark.usefixtures("county_group")


def declare(tree, campaign, unit="township", user="staff"):
    return submissions.submission_declare(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit))


def decide(action, tree, campaign, unit="township", user="office", **extra):
    return getattr(submissions, f"submission_{action}")(actor=tree.user(user), campaign=campaign,
                                                         unit=tree.unit(unit), **extra)


def refused(action) -> list[str] | dict:
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.message_dict if hasattr(error.value, "error_dict") else error.value.messages


def state(campaign, unit) -> UnitSubmission:
    return UnitSubmission.objects.get(campaign=campaign, unit=unit)


def test_declaring_is_for_the_units_own_staff_while_entry_is_open(tree, open_campaign):
    with pytest.raises(PermissionDenied):
        declare(tree, open_campaign, user="department_staff")
    phase = open_campaign.phases.get()
    phase.deadline = phase.end = phase.start
    phase.save()
    with pytest.raises(EntryClosed):
        declare(tree, open_campaign)


def test_a_unit_not_expected_to_report_cannot_declare(tree, open_campaign):
    tree.users["staff2"] = member(tree.unit("sibling_township"), "staff", username="staff2")
    assert refused(lambda: declare(tree, open_campaign, unit="sibling_township", user="staff2")) == [
        "二街道不在本次排查活动的应报单位名单中，其数据随上级单位一并报送。"]


def test_the_count_of_clues_still_in_the_staffs_hands_is_given(tree, open_campaign, clue_data):
    for name in ("甲公司", "乙公司"):
        ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("village"),
                                    data=clue_data(entity={"name": name, "credit_code": ""}))
    assert refused(lambda: declare(tree, open_campaign)) == ["还有 2 条线索为草稿或被退回，请先报送或撤回。"]
    assert not UnitSubmission.objects.exists()


def test_a_declaration_is_kept_with_who_and_when_and_made_once(tree, open_campaign, clue_data):
    clue = ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                       data=clue_data())
    ledger_services.clue_submit(actor=tree.user("staff"), clue=clue)
    submission = declare(tree, open_campaign)
    assert (submission.status, submission.is_zero_report, submission.note) == ("submitted", False, "")
    assert submission.submitted_at is not None
    assert submission.history.first().history_user == tree.user("staff")
    assert refused(lambda: declare(tree, open_campaign)) == ["本单位数据已报送。"]


def test_a_sent_back_declaration_is_made_again_and_forgets_the_reason(tree, open_campaign):
    declare(tree, open_campaign)
    decide("return", tree, open_campaign, reason="补充")
    assert declare(tree, open_campaign).note == ""


def test_approving_is_for_the_office_above_and_only_of_handed_in_data(tree, open_campaign):
    with pytest.raises(PermissionDenied):
        decide("approve", tree, open_campaign, user="staff")
    with pytest.raises(PermissionDenied):
        decide("approve", tree, open_campaign, user="leader")
    assert refused(lambda: decide("approve", tree, open_campaign)) == ["只能审核已报送的数据。"]
    assert refused(lambda: decide("approve", tree, open_campaign, unit="city", user="city_office")) == [
        "最上级单位在本系统中无人审核。"]
    declare(tree, open_campaign)
    approved = decide("approve", tree, open_campaign)
    assert (approved.status, approved.decided_by, approved.note) == ("approved", tree.user("office"), "")
    assert approved.decided_at is not None and approved.history.first().history_user == tree.user("office")
    assert refused(lambda: decide("approve", tree, open_campaign)) == ["只能审核已报送的数据。"]


def test_approval_names_every_clue_that_would_be_locked(tree, open_campaign, clue_data):
    # Clues a unit beneath entered after its township declared: they, too, would be locked.
    declare(tree, open_campaign)
    for name, unit in (("二号公司", "township"), ("一号公司", "village")):
        ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit(unit),
                                    data=clue_data(entity={"name": name, "credit_code": ""}))
    assert refused(lambda: decide("approve", tree, open_campaign)) == [
        "一街道尚有退回或草稿状态的线索，审核通过后将被锁定，暂不能审核：一号公司、二号公司。请先重新报送或撤回这些线索。"]


def test_a_county_is_approved_once_every_unit_it_oversees_is(tree, open_campaign):
    declare(tree, open_campaign)
    decide("approve", tree, open_campaign)
    assert refused(lambda: decide("approve", tree, open_campaign, unit="county", user="city_office")) == [
        "以下单位尚未审核，甲县暂不能审核：甲县市场监管局。"]
    declare(tree, open_campaign, unit="department", user="department_staff")
    decide("approve", tree, open_campaign, unit="department")
    county = decide("approve", tree, open_campaign, unit="county", user="city_office")
    assert county.status == "approved" and county.decided_by == tree.user("city_office")


def test_sending_back_needs_a_reason_and_handed_in_data(tree, open_campaign):
    assert refused(lambda: decide("return", tree, open_campaign, reason=" ")) == {
        "reason": ["请说明需要单位更正的内容。"]}
    assert refused(lambda: decide("return", tree, open_campaign, reason="x")) == ["只能退回已报送的数据。"]
    declare(tree, open_campaign)
    decide("return", tree, open_campaign, reason=" 补充排查记录 ")
    back = state(open_campaign, tree.unit("township"))
    assert (back.status, back.note, back.decided_by) == ("returned", "补充排查记录", tree.user("office"))
    assert back.decided_at is not None and back.history.first().history_user == tree.user("office")
    [told] = Notification.objects.filter(recipient=tree.user("staff"))
    assert "补充排查记录" in told.body


def test_reopening_needs_a_reason_an_approval_and_nothing_approved_above(tree, open_campaign):
    unapprove = lambda unit="township", user="office", reason="补录": decide(  # noqa: E731
        "unapprove", tree, open_campaign, unit=unit, user=user, reason=reason)
    assert refused(lambda: unapprove(reason=" ")) == {"reason": ["请说明撤销审核的原因。"]}
    assert refused(unapprove) == ["该单位数据尚未审核。"]
    for unit, user in (("township", "staff"), ("department", "department_staff")):
        declare(tree, open_campaign, unit=unit, user=user)
        decide("approve", tree, open_campaign, unit=unit)
    decide("approve", tree, open_campaign, unit="county", user="city_office")
    assert refused(unapprove) == ["上级单位已审核，请先撤销上级单位的审核。"]
    unapprove(unit="county", user="city_office")
    approved_at = state(open_campaign, tree.unit("township")).decided_at
    unapprove(reason=" 补录遗漏机构 ")
    reopened = state(open_campaign, tree.unit("township"))
    assert (reopened.status, reopened.note, reopened.decided_by) == ("in_progress", "补录遗漏机构", tree.user("office"))
    assert reopened.decided_at > approved_at
    assert reopened.history.first().history_user == tree.user("office")


def test_an_approval_in_another_campaign_does_not_block_reopening(tree, open_campaign):
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"))
    UnitSubmission.objects.create(campaign=other, unit=tree.unit("county"), status="approved")
    declare(tree, open_campaign)
    decide("approve", tree, open_campaign)
    assert decide("unapprove", tree, open_campaign, reason="补录").status == "in_progress"


# The grid -----------------------------------------------------------------------------------------------------------


def rows(tree, campaign, unit="county"):
    return {row.unit.name: row for row in submissions.approval_grid(campaign, tree.unit(unit)).rows}


def test_the_grid_shows_each_units_state_and_what_it_holds(tree, open_campaign, clue_data, term):
    assert {name: row.state for name, row in rows(tree, open_campaign).items()} == {
        "一街道": "not_started", "甲县市场监管局": "not_started"}
    ledger_services.records_create(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("department"),
                                   rows=[ledger_services.RecordData(entity=ledger_services.EntityData(name="甲投资"),
                                                                    sector=term("民间投融资中介机构"))])
    withdrawn = ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign,
                                            unit=tree.unit("village"), data=clue_data())
    ledger_services.clue_withdraw(actor=tree.user("staff"), clue=withdrawn, reason="误报")
    grid = rows(tree, open_campaign)
    assert (grid["甲县市场监管局"].state, grid["甲县市场监管局"].records, grid["甲县市场监管局"].clues) == ("in_progress", 1, 0)
    assert (grid["一街道"].state, grid["一街道"].records, grid["一街道"].clues) == ("in_progress", 1, 0)
    declare(tree, open_campaign)
    grid = rows(tree, open_campaign)
    assert (grid["一街道"].state, grid["一街道"].on_time, grid["一街道"].state_label) == ("submitted", True, "已报送")
    assert grid["甲县市场监管局"].on_time is None
    decide("return", tree, open_campaign, reason="补充")
    assert rows(tree, open_campaign)["一街道"].state == "returned"


def test_a_declaration_after_the_deadline_is_late(tree, open_campaign):
    declare(tree, open_campaign)
    UnitSubmission.objects.filter(unit=tree.unit("township")).update(
        submitted_at=UnitSubmission.objects.get().submitted_at + timedelta(days=30))
    assert rows(tree, open_campaign)["一街道"].on_time is False


def test_a_county_oversees_its_units_but_not_those_of_a_township_with_its_own_group(tree, open_campaign):
    nested = UnitFactory(name="一社区下属站", parent=tree.unit("village"), level="village")
    LeadingGroup.objects.create(government=tree.unit("township"), office=tree.unit("township"))
    expect(open_campaign, nested)
    assert set(rows(tree, open_campaign)) == {"一街道", "甲县市场监管局"}
    assert set(rows(tree, open_campaign, unit="township")) == {"一社区下属站"}
    assert rows(tree, open_campaign, unit="village") == {}


def test_another_campaigns_clues_and_approvals_neither_hold_back_nor_stand_in(tree, open_campaign, clue_data):
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"))
    Clue.objects.filter(pk=ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign,
                                                       unit=tree.unit("township"), data=clue_data()).pk
                        ).update(campaign=other)  # a draft left in the other campaign
    UnitSubmission.objects.create(campaign=other, unit=tree.unit("department"), status="approved")
    declare(tree, open_campaign)
    assert decide("approve", tree, open_campaign).status == "approved"
    assert refused(lambda: decide("approve", tree, open_campaign, unit="county", user="city_office")) == [
        "以下单位尚未审核，甲县暂不能审核：甲县市场监管局。"]
