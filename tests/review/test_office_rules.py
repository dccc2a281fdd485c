"""The office's rules as the office meets them: what each action accepts, what it refuses and why, and the trail it
leaves (review/services.py)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ledger import services as ledger_services
from ledger.models import Clue, ClueEvent
from orgs.models import Membership
from review import services
from review.models import Assessment, CountyReturn, Disposal
from review.services import CountyAnswers, DisposalPlan, Scores, level_for
from screening.locks import today_local
from screening.models import Campaign, Term
from screening.taxonomy_fixtures import load_taxonomy
from tests.factories import member

D = Decimal


def messages(action) -> list[str] | dict:
    with pytest.raises(ValidationError) as refused:
        action()
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def events(clue, kind) -> list[ClueEvent]:
    return list(ClueEvent.objects.filter(clue=clue, kind=kind))


@pytest.fixture
def office(tree):
    return tree.user("office")


@pytest.fixture
def accepted(submitted, office):
    return services.clue_accept(actor=office, clue=submitted)


# Review -------------------------------------------------------------------------------------------------------------


def test_accepting_moves_the_version_on_and_leaves_a_trace(submitted, office):
    clue = services.clue_accept(actor=office, clue=submitted)
    assert (clue.status, clue.version) == ("accepted", submitted.version + 1)
    assert Clue.objects.get(pk=clue.pk).history.first().history_user == office
    assert [e.actor for e in events(clue, "accepted")] == [office]
    assert messages(lambda: services.clue_accept(actor=office, clue=clue)) == ["只能接受已报送的线索。"]


def test_a_draft_is_neither_accepted_nor_returned(report, office):
    draft = report(submit=False)
    assert messages(lambda: services.clue_accept(actor=office, clue=draft)) == ["只能接受已报送的线索。"]
    assert messages(lambda: services.clue_return(actor=office, clue=draft, reason="x")) == [
        "只能退回已报送或已接受的线索。"]


def test_a_return_says_what_to_correct(submitted, office):
    assert messages(lambda: services.clue_return(actor=office, clue=submitted, reason=" ")) == {
        "reason": ["请说明需要单位更正的内容。"]}
    clue = services.clue_return(actor=office, clue=submitted, reason=" 补充营业执照 ")
    clue = Clue.objects.get(pk=clue.pk)
    assert (clue.status, clue.return_reason, clue.version) == ("returned", "补充营业执照", submitted.version + 1)
    [event] = events(clue, "returned")
    assert (event.actor, event.reason) == (office, "补充营业执照")
    assert clue.history.first().history_user == office


def test_an_accepted_clue_can_still_be_returned(accepted, office):
    assert services.clue_return(actor=office, clue=accepted, reason="需核实").status == "returned"


# Rating -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scores", "level"), [
    ((5, 1, 1, 1), "high"),  # any factor 5
    ((4, 4, 3, 3), "high"),  # a sum of 14
    ((4, 3, 3, 3), "medium"),  # 13, and a factor of 4
    ((4, 1, 1, 1), "medium"),  # any factor 4
    ((3, 3, 2, 1), "medium"),  # a sum of 9
    ((3, 2, 2, 1), "low"),  # 8
    ((1, 1, 1, 1), "low"),
])
def test_the_rating_rule_at_its_edges(scores, level):
    assert level_for(*scores) == level


@pytest.mark.parametrize("scores", [Scores(0, 1, 1, 1), Scores(1, 6, 1, 1), Scores(1, 1, 1, -1)])
def test_each_factor_is_scored_from_one_to_five(submitted, office, scores):
    assert messages(lambda: services.clue_rate(actor=office, clue=submitted, scores=scores)) == [
        "每项因素按 1 至 5 分评分。"]
    assert not Assessment.objects.exists()


def test_a_rating_is_kept_with_who_rated_and_rating_again_replaces_it(submitted, office):
    services.clue_rate(actor=office, clue=submitted, scores=Scores(1, 1, 1, 1), notes=" 初评 ")
    assessment = services.clue_rate(actor=office, clue=submitted, scores=Scores(5, 5, 5, 5))
    assert Assessment.objects.count() == 1
    assert (assessment.public_reach, assessment.risk_exposure, assessment.opinion_heat, assessment.stability_risk) == (
        5, 5, 5, 5)
    assert (assessment.computed_level, assessment.rated_by, assessment.notes) == ("high", office, "")
    assert assessment.history.first().history_user == office
    first, second = events(submitted, "rated")
    assert first.details == {"scores": [1, 1, 1, 1], "level": "low"} and first.actor == office
    assert second.details == {"scores": [5, 5, 5, 5], "level": "high"}


def test_only_a_handed_in_clue_is_rated(report, office):
    draft = report(submit=False)
    assert messages(lambda: services.clue_rate(actor=office, clue=draft, scores=Scores(1, 1, 1, 1))) == [
        "只能对已报送或已接受的线索评级。"]


def test_overriding_the_level_needs_a_rating_a_level_and_a_reason(submitted, office):
    override = services.level_override
    assert messages(lambda: override(actor=office, clue=submitted, level="high", reason="x")) == ["请先评级，再调整等级。"]
    services.clue_rate(actor=office, clue=submitted, scores=Scores(1, 1, 1, 1))
    assert messages(lambda: override(actor=office, clue=submitted, level="urgent", reason="x")) == {
        "level": ["请选择高、中或低。"]}
    assert messages(lambda: override(actor=office, clue=submitted, level="high", reason=" ")) == {
        "reason": ["请说明调整等级的理由。"]}
    assessment = override(actor=office, clue=submitted, level="high", reason=" 舆情发酵 ")
    assert (assessment.level_override, assessment.override_reason, assessment.level) == ("high", "舆情发酵", "high")
    [event] = events(submitted, "level_overridden")
    assert (event.reason, event.details, event.actor) == ("舆情发酵", {"level": "high"}, office)
    back = override(actor=office, clue=submitted, level="", reason="恢复")
    assert (back.level_override, back.override_reason, back.level) == ("", "", "low")
    assert events(submitted, "level_overridden")[-1].details == {"level": "low"}
    assert back.history.first().history_user == office


def test_a_key_clue_is_rated_and_accepted_first(submitted, office):
    mark = services.clue_mark_key
    assert messages(lambda: mark(actor=office, clue=submitted, is_key=True)) == ["请先评级，再决定是否列为重点风险线索。"]
    services.clue_rate(actor=office, clue=submitted, scores=Scores(5, 1, 1, 1))
    assert messages(lambda: mark(actor=office, clue=submitted, is_key=True)) == ["只有已接受的线索才能列为重点风险线索。"]
    services.clue_accept(actor=office, clue=submitted)
    assert mark(actor=office, clue=submitted, is_key=True, reason=" 涉众广 ").is_key
    assessment = mark(actor=office, clue=submitted, is_key=False, reason="已化解")
    assert not assessment.is_key and assessment.history.first().history_user == office
    assert [(e.kind, e.reason, e.actor) for e in ClueEvent.objects.filter(clue=submitted, kind__endswith="key")] == [
        ("marked_key", "涉众广", office), ("unmarked_key", "已化解", office)]


# Disposal -----------------------------------------------------------------------------------------------------------


def plan(tree, term, **fields) -> DisposalPlan:
    return DisposalPlan(**({"responsible_unit": tree.unit("department"), "track": "rectify",
                            "measures": [term("警示约谈")]} | fields))


@pytest.mark.parametrize(("fields", "errors"), [
    ({"track": "ignore"}, {"track": ["请选择处置方式。"]}),
    ({"track": "not_handled"}, {"not_handled_reason": ["请说明未整治的原因。"]}),
    ({"track": "investigate", "stage": "under_way"}, {"case_filed_on": ["请填写刑事立案日期。"]}),
    ({"refund_status": "refunding"}, {"refunded_share": ["请填写目前的清退比例。"]}),
    ({"refunded_share": D("-0.01")}, {"refunded_share": ["清退比例应为 0 至 100 之间的百分数。"]}),
    ({"refunded_share": D("100.01")}, {"refunded_share": ["清退比例应为 0 至 100 之间的百分数。"]}),
    ({"refunded_share": D("33.333")}, {"refunded_share": ["清退比例最多保留两位小数。"]}),
])
def test_a_disposal_plan_is_refused_at_the_field_that_is_wrong(tree, term, accepted, office, fields, errors):
    assert messages(lambda: services.disposal_save(actor=office, clue=accepted, plan=plan(tree, term, **fields))) == errors
    assert not Disposal.objects.exists()


def test_every_wrong_field_of_a_plan_is_named_at_once(tree, term, accepted, office):
    wrong = plan(tree, term, track="not_handled", refunded_share=D("101"), measures=[term("超范围经营")])
    assert messages(lambda: services.disposal_save(actor=office, clue=accepted, plan=wrong)) == {
        "not_handled_reason": ["请说明未整治的原因。"],
        "refunded_share": ["清退比例应为 0 至 100 之间的百分数。"],
        "measures": ["不是本次活动的处置措施：超范围经营。"],
    }


def test_measures_of_another_campaign_are_refused(tree, term, accepted, office):
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"))
    load_taxonomy(actor=None, campaign=other, form="2018")
    foreign = Term.objects.get(campaign=other, name="警示约谈")
    assert messages(lambda: services.disposal_save(actor=office, clue=accepted,
                                                   plan=plan(tree, term, measures=[foreign]))) == {
        "measures": ["不是本次活动的处置措施：警示约谈。"]}


@pytest.mark.parametrize("share", [D("0"), D("100"), D("35.50")])
def test_a_refunded_share_from_0_to_100_is_taken(tree, term, accepted, office, share):
    disposal = services.disposal_save(actor=office, clue=accepted,
                                      plan=plan(tree, term, refund_status="refunding", refunded_share=share))
    assert disposal.refunded_share == share


def test_a_finished_refund_is_100_percent_and_a_plan_is_kept_with_its_notices(tree, term, accepted, office):
    first = plan(tree, term, refund_status="refunded", notices={"河南省": 2, "山东省": 1}, handling_result=" 停业整改 ",
                 not_handled_reason="  ", deadline=date(2030, 1, 1), stage="under_way")
    disposal = services.disposal_save(actor=office, clue=accepted, plan=first)
    assert (disposal.refunded_share, disposal.handling_result, disposal.deadline, disposal.stage) == (
        D("100.00"), "停业整改", date(2030, 1, 1), "under_way")
    assert {(n.province, n.times) for n in disposal.notices.all()} == {("河南省", 2), ("山东省", 1)}
    again = services.disposal_save(actor=office, clue=accepted, plan=plan(tree, term, notices={"河南省": 3},
                                                                          measures=[term("规范整改")]))
    assert again.pk == disposal.pk and Disposal.objects.count() == 1
    assert {(n.province, n.times) for n in again.notices.all()} == {("河南省", 3)}
    assert [m.name for m in again.measures.all()] == ["规范整改"]
    assert again.history.first().history_user == office
    assert [e.details for e in events(accepted, "disposal_planned")] == [
        {"track": "rectify", "stage": "under_way"}, {"track": "rectify", "stage": "planned"}]


def test_only_a_handed_in_clue_gets_a_plan(tree, term, report, office):
    draft = report(submit=False)
    assert messages(lambda: services.disposal_save(actor=office, clue=draft, plan=plan(tree, term))) == [
        "只能为已报送或已接受的线索制定处置方案。"]


def test_progress_needs_a_plan_a_text_and_a_date_not_in_the_future(tree, term, accepted, office):
    add = services.progress_add
    assert messages(lambda: add(actor=office, clue=accepted, on=today_local(), text="x")) == ["请先制定处置方案，再记录进展。"]
    services.disposal_save(actor=office, clue=accepted, plan=plan(tree, term))
    assert messages(lambda: add(actor=office, clue=accepted, on=today_local(), text=" ")) == {"text": ["请填写进展情况。"]}
    tomorrow = today_local() + timedelta(days=1)
    assert messages(lambda: add(actor=office, clue=accepted, on=tomorrow, text="x")) == {"on": ["进展日期不能晚于今天。"]}
    note = add(actor=office, clue=accepted, on=today_local(), text=" 已约谈法人 " + "详" * 600)
    assert note.text.startswith("已约谈法人") and note.author == office
    [event] = events(accepted, "progress")
    assert len(event.reason) == 500 and event.details == {"on": today_local().isoformat()} and event.actor == office


# Transfer and merge -------------------------------------------------------------------------------------------------


def test_a_transfer_goes_only_to_the_government_where_the_entity_is_registered(tree, report, office):
    clue = report(entity={"registered_division": tree.unit("sibling_township").code})
    transfer = services.clue_transfer
    for unit, expected in ((tree.unit("department"), "天津某某投资管理有限公司的注册地不在甲县市场监管局辖区内。"),
                           (tree.unit("other_township"), "天津某某投资管理有限公司的注册地不在乙县一镇辖区内。")):
        assert messages(lambda: transfer(actor=office, clue=clue, to_unit=unit, reason="x")) == {"to_unit": [expected]}
    moved = transfer(actor=office, clue=clue, to_unit=tree.unit("sibling_township"), reason=" 注册地 ")
    assert (moved.unit, moved.record.unit, moved.version) == (tree.unit("sibling_township"),
                                                              tree.unit("sibling_township"), clue.version + 1)
    assert moved.record.result == "problem" and moved.record.created_by == office
    [event] = events(moved, "transferred")
    assert (event.reason, event.details, event.actor) == ("注册地", {"from_unit": "一街道", "to_unit": "二街道"}, office)
    assert Clue.objects.get(pk=clue.pk).history.first().history_user == office


def test_a_transfer_is_refused_to_its_own_unit_or_for_a_withdrawn_clue(tree, report, office):
    clue = report(entity={"registered_division": tree.unit("township").code})
    assert messages(lambda: services.clue_transfer(actor=office, clue=clue, to_unit=tree.unit("township"),
                                                   reason="x")) == {"to_unit": ["该线索已属于此单位。"]}
    clue = report(entity={"name": "天津另一公司", "credit_code": "",
                          "registered_division": tree.unit("sibling_township").code})
    ledger_services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason="误报")
    assert messages(lambda: services.clue_transfer(actor=office, clue=clue, to_unit=tree.unit("sibling_township"),
                                                   reason="x")) == ["已撤回或已合并的线索不能移交。"]


def test_a_merged_clue_is_not_transferred(tree, report, office):
    keep = report(entity={"registered_division": tree.unit("sibling_township").code})
    duplicate = report(unit="department", user="department_staff",
                       entity={"registered_division": tree.unit("sibling_township").code})
    services.clues_merge(actor=office, keep=keep, duplicate=duplicate, reason="同一主体")
    assert messages(lambda: services.clue_transfer(actor=office, clue=duplicate, to_unit=tree.unit("sibling_township"),
                                                   reason="x")) == ["已撤回或已合并的线索不能移交。"]


def test_a_transfer_stays_inside_the_campaign(tree, report, office):
    clue = report(entity={"registered_division": tree.unit("other_township").code})
    assert messages(lambda: services.clue_transfer(actor=office, clue=clue, to_unit=tree.unit("other_township"),
                                                   reason="x")) == {"to_unit": ["本单位不在本次排查活动范围内"]}


def test_a_unit_that_already_has_a_clue_on_the_entity_is_told_to_merge(tree, report, office, term):
    registered = {"registered_division": tree.unit("sibling_township").code}
    tree.users["sibling_staff"] = member(tree.unit("sibling_township"), Membership.Role.STAFF)
    theirs = report(unit="sibling_township", user="sibling_staff", entity=registered)
    ours = report(entity=registered)
    assert messages(lambda: services.clue_transfer(actor=office, clue=ours, to_unit=tree.unit("sibling_township"),
                                                   reason="x")) == {"to_unit": ["二街道已有该主体的线索，请改为合并。"]}
    # Their clue on the same entity in another sector is another clue: the transfer goes through.
    other_sector = report(entity=registered, sector=term("第三方支付"))
    moved = services.clue_transfer(actor=office, clue=other_sector, to_unit=tree.unit("sibling_township"), reason="x")
    assert moved.unit == theirs.unit


def test_only_the_office_transfers(tree, report):
    clue = report(entity={"registered_division": tree.unit("sibling_township").code})
    with pytest.raises(PermissionDenied):
        services.clue_transfer(actor=tree.user("staff"), clue=clue, to_unit=tree.unit("sibling_township"), reason="x")
    assert Clue.objects.get(pk=clue.pk).unit == tree.unit("township")


def test_merging_needs_two_clues_on_one_entity(tree, report, office, clue_data):
    keep = report()
    other_entity = report(unit="department", user="department_staff", entity={"name": "别的公司", "credit_code": ""})
    assert messages(lambda: services.clues_merge(actor=office, keep=keep, duplicate=keep, reason="x")) == [
        "请选择两条不同的线索。"]
    assert messages(lambda: services.clues_merge(actor=office, keep=keep, duplicate=other_entity, reason="x")) == [
        "只能合并同一排查活动中同一主体的线索。"]
    duplicate = report(unit="department", user="department_staff")
    services.clues_merge(actor=office, keep=keep, duplicate=duplicate, reason=" 同一主体 ")
    merged = Clue.objects.get(pk=duplicate.pk)
    assert merged.merged_into == keep and merged.history.first().history_user == office
    # A page opened on the duplicate before the merge holds its old version: saving it is refused as stale.
    assert merged.version == duplicate.version + 1
    kept_event, merged_event = events(keep, "merged")[0], events(merged, "merged")[0]
    assert (kept_event.reason, kept_event.details["merged"], kept_event.details["unit"]) == (
        "同一主体", duplicate.pk, "甲县市场监管局")
    assert (merged_event.reason, merged_event.details["into"], merged_event.details["unit"]) == (
        "同一主体", keep.pk, "一街道")
    assert kept_event.actor == merged_event.actor == office
    assert kept_event.details["at"] == merged_event.details["at"]
    assert timezone.now() - datetime.fromisoformat(kept_event.details["at"]) < timedelta(minutes=5)
    assert messages(lambda: services.clues_merge(actor=office, keep=keep, duplicate=merged, reason="x")) == [
        "已撤回或已合并的线索不能合并。"]


def test_merging_needs_the_review_of_both_units(tree, report):
    township_office = member(tree.unit("township"), Membership.Role.OFFICE)  # a township with a group of its own
    ours, theirs = report(), report(unit="department", user="department_staff")
    for keep, duplicate in ((ours, theirs), (theirs, ours)):
        with pytest.raises(PermissionDenied):
            services.clues_merge(actor=township_office, keep=keep, duplicate=duplicate, reason="同一主体")
    assert not Clue.objects.filter(merged_into__isnull=False).exists()


# County return ------------------------------------------------------------------------------------------------------


def test_the_county_return_is_the_countys_and_is_updated_in_place(tree, office):
    save = services.county_return_save
    answers = CountyAnswers(criminal_cases=1, has_large_case=True, has_petition_event=False, remarks=" 见专报 ")
    assert messages(lambda: save(actor=office, county=tree.unit("township"), year=2026, answers=answers)) == [
        "本表由各县区填报。"]
    assert messages(lambda: save(actor=office, county=tree.unit("county"), year=2026,
                                 answers=CountyAnswers(-1, False, False))) == {"criminal_cases": ["立案数不能为负数。"]}
    filed = save(actor=office, county=tree.unit("county"), year=2026, answers=answers)
    assert (filed.criminal_cases, filed.has_large_case, filed.has_petition_event, filed.remarks, filed.updated_by) == (
        1, True, False, "见专报", office)
    again = save(actor=office, county=tree.unit("county"), year=2026, answers=CountyAnswers(0, False, True))
    assert again.pk == filed.pk and CountyReturn.objects.count() == 1
    assert (again.criminal_cases, again.has_large_case, again.has_petition_event) == (0, False, True)
    assert again.history.first().history_user == office


# Who decides ----------------------------------------------------------------------------------------------------------


def test_staff_rate_no_level_key_progress_or_county_return(tree, accepted, office, term):
    services.clue_rate(actor=office, clue=accepted, scores=Scores(3, 3, 3, 3), notes="")
    services.disposal_save(actor=office, clue=accepted, plan=services.DisposalPlan(
        responsible_unit=tree.unit("department"), track="rectify", measures=[term("警示约谈")],
        deadline=today_local() + timedelta(days=10), instructions="约谈"))
    staff = tree.user("staff")
    for action in (
        lambda: services.level_override(actor=staff, clue=accepted, level="high", reason="x"),
        lambda: services.clue_mark_key(actor=staff, clue=accepted, is_key=True),
        lambda: services.progress_add(actor=staff, clue=accepted, on=today_local(), text="x"),
        lambda: services.county_return_save(actor=staff, county=tree.unit("county"), year=2026,
                                            answers=CountyAnswers(1, False, False)),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assessment = Assessment.objects.get(clue=accepted)
    assert (assessment.level_override, assessment.is_key) == ("", False)
    assert not CountyReturn.objects.exists() and not events(accepted, "progress")


def test_a_key_clue_marked_without_a_reason_keeps_an_empty_one(accepted, office):
    services.clue_rate(actor=office, clue=accepted, scores=Scores(5, 5, 5, 5), notes="")
    services.clue_mark_key(actor=office, clue=accepted, is_key=True)
    [event] = events(accepted, "marked_key")
    assert (event.reason, event.actor) == ("", office)


def test_each_county_and_year_has_a_return_of_its_own(tree):
    city_office, save = tree.user("city_office"), services.county_return_save
    ours = save(actor=city_office, county=tree.unit("county"), year=2026, answers=CountyAnswers(3, True, False))
    save(actor=city_office, county=tree.unit("other_county"), year=2026, answers=CountyAnswers(0, False, False))
    save(actor=city_office, county=tree.unit("county"), year=2025, answers=CountyAnswers(1, False, True))
    assert CountyReturn.objects.count() == 3
    ours.refresh_from_db()
    assert (ours.criminal_cases, ours.has_large_case, ours.has_petition_event) == (3, True, False)
