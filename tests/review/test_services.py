from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ledger import services
from ledger.models import Clue, ClueEvent, ScreeningRecord
from orgs.models import Notification
from review import services as review_services
from review.models import Assessment, Disposal
from review.services import DisposalPlan, Scores
from screening.locks import today_local


@pytest.fixture
def submitted(tree, open_campaign, clue_data):
    clue = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                data=clue_data())
    return services.clue_submit(actor=tree.user("staff"), clue=clue)


@pytest.mark.parametrize(("scores", "level"), [
    ((1, 1, 1, 1), "low"),
    ((2, 2, 2, 2), "low"),
    ((3, 2, 2, 2), "medium"),   # sum 9
    ((4, 1, 1, 1), "medium"),   # a factor of 4
    ((5, 1, 1, 1), "high"),     # any factor 5
    ((4, 4, 3, 3), "high"),     # sum 14
    ((4, 3, 3, 3), "medium"),   # sum 13
])
def test_the_rating_rule(scores, level):
    assert review_services.level_for(*scores) == level


@pytest.mark.parametrize("role", ["staff", "leader", "admin", "department_staff"])
def test_only_the_office_reviews_rates_marks_and_plans(tree, open_campaign, submitted, role, term):
    user = tree.user(role)
    with pytest.raises(PermissionDenied):
        review_services.clue_accept(actor=user, clue=submitted)
    with pytest.raises(PermissionDenied):
        review_services.clue_rate(actor=user, clue=submitted, scores=Scores(5, 5, 5, 5))
    with pytest.raises(PermissionDenied):
        review_services.clue_mark_key(actor=user, clue=submitted, is_key=True)
    with pytest.raises(PermissionDenied):
        review_services.disposal_save(actor=user, clue=submitted, plan=DisposalPlan(
            responsible_unit=tree.unit("department"), track="rectify", measures=[]))


def test_accept_return_and_resubmit_leave_an_audit_trail(tree, submitted, clue_data):
    office = tree.user("office")
    review_services.clue_return(actor=office, clue=submitted, reason="涉及人数有误")
    clue = Clue.objects.get(pk=submitted.pk)
    assert clue.status == Clue.Status.RETURNED and clue.return_reason == "涉及人数有误"
    clue = services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(people_involved=60),
                                expected_version=clue.version)
    clue = services.clue_submit(actor=tree.user("staff"), clue=clue)
    review_services.clue_accept(actor=office, clue=clue)
    events = list(ClueEvent.objects.filter(clue=clue).values_list("kind", "actor__username", "reason"))
    assert events == [
        ("submitted", "staff", ""), ("returned", "office", "涉及人数有误"), ("submitted", "staff", ""),
        ("accepted", "office", ""),
    ]


def test_a_return_needs_a_reason(tree, submitted):
    with pytest.raises(ValidationError):
        review_services.clue_return(actor=tree.user("office"), clue=submitted, reason="")


def test_rating_override_and_key_decision(tree, submitted):
    office = tree.user("office")
    assessment = review_services.clue_rate(actor=office, clue=submitted, scores=Scores(5, 2, 1, 1), notes="涉众面广")
    assert assessment.level == "high"
    with pytest.raises(ValidationError):
        review_services.level_override(actor=office, clue=submitted, level="low", reason="")
    assessment = review_services.level_override(actor=office, clue=submitted, level="medium", reason="已部分兑付")
    assert assessment.level == "medium" and assessment.computed_level == "high"
    with pytest.raises(ValidationError):  # not accepted yet
        review_services.clue_mark_key(actor=office, clue=submitted, is_key=True)
    review_services.clue_accept(actor=office, clue=submitted)
    assert review_services.clue_mark_key(actor=office, clue=Clue.objects.get(pk=submitted.pk), is_key=True).is_key
    kinds = list(ClueEvent.objects.filter(clue=submitted).values_list("kind", flat=True))
    assert kinds == ["submitted", "rated", "level_overridden", "accepted", "marked_key"]
    overridden = ClueEvent.objects.get(clue=submitted, kind="level_overridden")
    assert overridden.reason == "已部分兑付" and overridden.actor == office
    assert Assessment.objects.get(clue=submitted).history.count() == 3


def test_disposal_plan_with_refund_notices_and_progress(tree, submitted, term):
    office = tree.user("office")
    plan = DisposalPlan(
        responsible_unit=tree.unit("department"), track="clean_up", measures=[term("警示约谈"), term("规范整改")],
        deadline=today_local() + timedelta(days=30), stage="under_way", refund_status="refunding",
        refunded_share=Decimal("35.00"), handling_result="停业整改", notices={"河南省": 2, "山东省": 1},
    )
    disposal = review_services.disposal_save(actor=office, clue=submitted, plan=plan)
    assert sorted(disposal.notices.values_list("province", "times")) == [("山东省", 1), ("河南省", 2)]
    assert disposal.refunded_share == Decimal("35.00")
    review_services.progress_add(actor=office, clue=submitted, on=today_local(), text="已约谈法人")
    assert disposal.notes.get().author == office
    with pytest.raises(ValidationError) as refused:
        review_services.disposal_save(actor=office, clue=submitted, plan=DisposalPlan(
            responsible_unit=tree.unit("department"), track="not_handled", measures=[]))
    assert "not_handled_reason" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        review_services.disposal_save(actor=office, clue=submitted, plan=DisposalPlan(
            responsible_unit=tree.unit("department"), track="clean_up", measures=[], refunded_share=Decimal("100.5"),
            refund_status="refunding"))
    assert "refunded_share" in refused.value.error_dict


def test_transfer_moves_the_clue_and_keeps_counts_right(tree, open_campaign, clue_data):
    staff = tree.user("staff")
    registered_in_sibling = {"registered_division": tree.unit("sibling_township").code}
    clue = services.clue_create(actor=staff, campaign=open_campaign, unit=tree.unit("township"),
                                data=clue_data(entity=registered_in_sibling))
    clue = services.clue_submit(actor=staff, clue=clue)
    office = tree.user("office")
    with pytest.raises(ValidationError):
        review_services.clue_transfer(actor=office, clue=clue, to_unit=tree.unit("department"), reason="x")
    # The division code of a test unit is its code: "A2" is the sibling township.
    moved = review_services.clue_transfer(actor=office, clue=clue, to_unit=tree.unit("sibling_township"),
                                          reason="注册地在二街道")
    assert moved.unit == tree.unit("sibling_township") and moved.record.unit == tree.unit("sibling_township")
    assert ScreeningRecord.objects.filter(unit=tree.unit("township")).count() == 1  # it was screened there too
    assert Notification.objects.filter(recipient=office).exists()
    assert ClueEvent.objects.get(clue=clue, kind="transferred").details["to_unit"] == "二街道"


def test_merge_counts_one_problem_institution(tree, open_campaign, clue_data):
    ours = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                data=clue_data())
    theirs = services.clue_create(actor=tree.user("department_staff"), campaign=open_campaign,
                                  unit=tree.unit("department"), data=clue_data())
    with pytest.raises(PermissionDenied):
        review_services.clues_merge(actor=tree.user("staff"), keep=ours, duplicate=theirs, reason="同一主体")
    review_services.clues_merge(actor=tree.user("office"), keep=ours, duplicate=theirs, reason="同一主体")
    counted = Clue.objects.filter(campaign=open_campaign, merged_into__isnull=True).exclude(status="withdrawn")
    assert counted.count() == 1
    assert list(ours.merged.all()) == [theirs]
    assert ScreeningRecord.objects.filter(campaign=open_campaign).count() == 2  # both units screened it
    with pytest.raises(ValidationError):
        review_services.clues_merge(actor=tree.user("office"), keep=ours, duplicate=theirs, reason="again")


def test_staff_never_reach_disposal_or_assessment_through_services(tree, submitted):
    review_services.clue_rate(actor=tree.user("office"), clue=submitted, scores=Scores(1, 1, 1, 1), notes="内部意见")
    assert Disposal.objects.count() == 0
