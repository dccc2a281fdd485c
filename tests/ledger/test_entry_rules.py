"""What staff meet when they record screenings and clues: the campaign's terms, duplicates, the trail of who did what,
and the version that guards against overwriting someone else's save."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ledger import services
from ledger.models import Clue, ClueEvent, Entity, ScreeningRecord
from ledger.services import EntityData, RecordData, StaleEdit
from screening.models import Campaign, Term
from screening.taxonomy_fixtures import load_taxonomy
from tests.ledger.test_services import create


def record(term, name="甲投资", sector="民间投融资中介机构", **fields) -> RecordData:
    return RecordData(entity=EntityData(name=name), sector=term(sector), **fields)


def add_records(tree, campaign, rows, unit="township", user="staff"):
    return services.records_create(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit), rows=rows)


def refusal(action) -> dict:
    with pytest.raises(ValidationError) as refused:
        action()
    return refused.value.message_dict


# The campaign's terms --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "given", "message"), [
    ("sector", {"sector": "互联网金融行业企业"}, "“互联网金融行业企业”是分类，请选择其下的具体项目。"),
    ("behaviours", {"behaviours": ["各类“创新”型集资平台"]}, "“各类“创新”型集资平台”是分类，请选择其下的具体项目。"),
    ("method", {"method": "写字楼"}, "“写字楼”不属于本次排查活动。"),
    ("area", {"area": "扫街排查"}, "“扫街排查”不属于本次排查活动。"),
])
def test_a_record_takes_only_the_campaigns_terms_of_the_right_kind(tree, open_campaign, term, field, given, message):
    values = {key: ([term(v) for v in value] if isinstance(value, list) else term(value)) for key, value in given.items()}
    row = RecordData(entity=EntityData(name="甲投资"), **({"sector": term("民间投融资中介机构")} | values))
    assert refusal(lambda: add_records(tree, open_campaign, [row])) == {field: [message]}
    assert not ScreeningRecord.objects.exists()


@pytest.mark.parametrize(("field", "given", "message"), [
    ("sector", {"sector": "资金密集型行业企业"}, "“资金密集型行业企业”是分类，请选择其下的具体项目。"),
    ("behaviours", {"behaviours": ["打着国家政策旗号的集资行为"]}, "“打着国家政策旗号的集资行为”是分类，请选择其下的具体项目。"),
    ("problems", {"problems": ["消费返利"]}, "“消费返利”不属于本次排查活动。"),
    ("fundraising_mode", {"fundraising_mode": "超范围经营"}, "“超范围经营”不属于本次排查活动。"),
    ("source", {"source": "写字楼"}, "“写字楼”不属于本次排查活动。"),
])
def test_a_clue_takes_only_the_campaigns_terms_of_the_right_kind(tree, open_campaign, term, clue_data, field, given,
                                                                 message):
    values = {key: ([term(v) for v in value] if isinstance(value, list) else term(value)) for key, value in given.items()}
    assert refusal(lambda: create(tree, open_campaign, clue_data(**values))) == {field: [message]}
    assert not Clue.objects.exists()


def test_a_term_of_another_campaign_or_a_retired_one_is_refused(tree, open_campaign, term, clue_data):
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"))
    load_taxonomy(actor=None, campaign=other, form="2018")
    foreign = Term.objects.get(campaign=other, name="网络借贷平台")
    assert refusal(lambda: create(tree, open_campaign, clue_data(sector=foreign))) == {
        "sector": ["“网络借贷平台”不属于本次排查活动。"]}
    Term.objects.filter(pk=term("众筹平台").pk).update(is_retired=True)
    assert refusal(lambda: create(tree, open_campaign, clue_data(sector=term("众筹平台")))) == {
        "sector": ["“众筹平台”已停用。"]}


def test_a_clue_without_unpaid_funds_owes_nothing_and_a_bad_channel_is_named(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data(unpaid_funds=None))
    assert clue.unpaid_funds == Decimal("0.00")
    assert refusal(lambda: create(tree, open_campaign, clue_data(entity={"name": "乙公司", "credit_code": ""},
                                                                 channel="网上"))) == {
        "channel": ["请选择线上、线下或线上线下相结合。"]}


# Screening records --------------------------------------------------------------------------------------------------


def test_the_same_institution_twice_in_one_batch_is_refused_and_nothing_saved(tree, open_campaign, term):
    rows = [record(term, "甲投资"), record(term, "乙投资"), record(term, "甲投资")]
    with pytest.raises(ValidationError) as refused:
        add_records(tree, open_campaign, rows)
    assert refused.value.messages == ["本单位已在“民间投融资中介机构”中排查过甲投资。"]
    assert not ScreeningRecord.objects.exists()


def test_an_institution_screened_by_another_unit_or_in_another_campaign_may_be_screened_here(tree, open_campaign, term):
    add_records(tree, open_campaign, [record(term)], unit="department", user="department_staff")
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"), status=Campaign.Status.PUBLISHED)
    other.phases.create(**{f: getattr(open_campaign.phases.get(), f) for f in ("kind", "start", "end", "deadline")})
    load_taxonomy(actor=None, campaign=other, form="2018")
    add_records(tree, other, [RecordData(entity=EntityData(name="甲投资"),
                                         sector=Term.objects.get(campaign=other, name="民间投融资中介机构"))])
    [mine] = add_records(tree, open_campaign, [record(term)])
    assert mine.unit == tree.unit("township") and ScreeningRecord.objects.count() == 3


def test_records_and_new_entities_keep_who_entered_them(tree, open_campaign, term):
    [saved] = add_records(tree, open_campaign, [record(term, "新主体投资")])
    assert saved.history.get().history_user == tree.user("staff")
    assert saved.entity.history.get().history_user == tree.user("staff")
    assert saved.created_by == tree.user("staff")


def test_details_another_unit_recorded_are_kept_and_missing_ones_filled_in(tree, open_campaign, term):
    add_records(tree, open_campaign, [RecordData(
        entity=EntityData(name="甲投资", legal_representative="张三"), sector=term("民间投融资中介机构"))])
    add_records(tree, open_campaign, [RecordData(
        entity=EntityData(name="甲投资", legal_representative="李四", registered_address="宝坻区某路1号"),
        sector=term("民间投融资中介机构"))], unit="department", user="department_staff")
    entity = Entity.objects.get()
    assert (entity.legal_representative, entity.registered_address) == ("张三", "宝坻区某路1号")
    assert entity.history.first().history_user == tree.user("department_staff")


def test_an_uncoded_name_is_not_taken_for_a_coded_entity_of_the_same_name(tree, open_campaign, term):
    add_records(tree, open_campaign, [RecordData(entity=EntityData(name="甲投资", credit_code="91350100M000100Y43"),
                                                 sector=term("民间投融资中介机构"))])
    [uncoded] = add_records(tree, open_campaign, [record(term, sector="教育机构")])
    assert uncoded.entity.credit_code is None and Entity.objects.count() == 2



def test_the_database_keeps_one_uncoded_entity_per_name_as_it_is_matched(tree):
    """Whatever path writes the entity, not only the services' check before the insert."""
    Entity.objects.create(name="某某 理财工作室")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(name="某某\u3000理财工作室\u200b")  # a full-width space and a zero-width one
    Entity.objects.create(name="某某 理财工作室", credit_code="91350100M000100Y43")
    assert Entity.objects.count() == 2


# Clues and their screening records ----------------------------------------------------------------------------------


def test_a_clue_on_a_screened_institution_adds_its_behaviours_to_the_record(tree, open_campaign, term, clue_data):
    entity = EntityData(name="天津某某投资管理有限公司", credit_code="91350100M000100Y43")
    [screened] = add_records(tree, open_campaign, [RecordData(entity=entity, sector=term("网络借贷平台"),
                                                              behaviours=[term("消费返利")])])
    clue = create(tree, open_campaign, clue_data(behaviours=[term("消费返利"), term("资金互助")]))
    assert clue.record == screened
    assert {t.name for t in screened.behaviours.all()} == {"消费返利", "资金互助"}
    screened.refresh_from_db()
    assert screened.result == ScreeningRecord.Result.PROBLEM
    assert screened.history.first().history_user == tree.user("staff")


def test_a_clue_makes_its_own_record_with_its_source_as_the_method(tree, open_campaign, term, clue_data):
    clue = create(tree, open_campaign, clue_data(source=term("扫街排查")))
    assert clue.record.method == term("扫街排查") and clue.record.created_by == tree.user("staff")
    assert clue.record.history.get().history_user == tree.user("staff")
    assert clue.history.get().history_user == tree.user("staff")


def test_a_record_of_another_campaign_is_not_reused(tree, open_campaign, term, clue_data):
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"), status=Campaign.Status.PUBLISHED)
    other.phases.create(**{f: getattr(open_campaign.phases.get(), f) for f in ("kind", "start", "end", "deadline")})
    load_taxonomy(actor=None, campaign=other, form="2018")
    other_sector = Term.objects.get(campaign=other, name="网络借贷平台")
    [old] = add_records(tree, other, [RecordData(
        entity=EntityData(name="天津某某投资管理有限公司", credit_code="91350100M000100Y43"), sector=other_sector)])
    clue = create(tree, open_campaign, clue_data())
    assert clue.record != old and clue.record.campaign == open_campaign


def test_a_second_clue_on_the_same_institution_and_sector_is_refused(tree, open_campaign, clue_data):
    create(tree, open_campaign, clue_data())
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data())
    assert refused.value.messages == ["天津某某投资管理有限公司在“网络借贷平台”中已有本单位的线索，请修改该线索。"]


def test_two_clues_on_one_institution_in_one_batch_are_refused(tree, open_campaign, clue_data):
    with pytest.raises(ValidationError):
        services.clues_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                              rows=[clue_data(), clue_data()])
    assert not Clue.objects.exists() and not ScreeningRecord.objects.exists()


# Editing, submitting and withdrawing a clue -------------------------------------------------------------------------


def test_each_save_of_a_clue_moves_its_version_on_by_one(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    assert clue.version == 1
    clue = services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(amount_involved=Decimal("130")),
                                expected_version=1)
    assert clue.version == 2 and clue.amount_involved == Decimal("130.00")
    clue = services.clue_submit(actor=tree.user("staff"), clue=clue)
    assert Clue.objects.get(pk=clue.pk).version == 3
    services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason="重复")
    assert Clue.objects.get(pk=clue.pk).version == 4


def test_an_edit_from_a_page_opened_before_the_last_save_is_refused_with_the_reason(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(people_involved=40), expected_version=1)
    with pytest.raises(StaleEdit) as stale:
        services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(people_involved=50),
                             expected_version=1)
    assert str(stale.value) == "您打开此线索后，已有其他人保存了修改。请刷新页面查看最新内容；您的修改未保存。"
    assert Clue.objects.get(pk=clue.pk).people_involved == 40


def test_an_edit_sets_every_figure_and_clears_unpaid_funds_left_empty(tree, open_campaign, clue_data, term):
    clue = create(tree, open_campaign, clue_data())
    data = clue_data(amount_involved="1,234.5", unpaid_funds=None, people_involved="１２", channel="offline",
                     cross_province=True, source=term("群众举报"), description=" 新的描述 ",
                     fundraising_mode=term("债权类"))
    clue = services.clue_update(actor=tree.user("staff"), clue=clue, data=data, expected_version=1)
    clue.refresh_from_db()
    assert (clue.amount_involved, clue.unpaid_funds, clue.people_involved) == (Decimal("1234.50"), Decimal("0.00"), 12)
    assert (clue.channel, clue.cross_province, clue.source, clue.description, clue.fundraising_mode) == (
        "offline", True, term("群众举报"), "新的描述", term("债权类"))
    assert clue.history.first().history_user == tree.user("staff")


def test_moving_a_clue_onto_an_institution_the_unit_screened_is_refused(tree, open_campaign, term, clue_data):
    add_records(tree, open_campaign, [RecordData(entity=EntityData(name="乙公司"), sector=term("网络借贷平台"))])
    clue = create(tree, open_campaign, clue_data())
    moved = clue_data(entity={"name": "乙公司", "credit_code": ""})
    with pytest.raises(ValidationError) as refused:
        services.clue_update(actor=tree.user("staff"), clue=clue, data=moved, expected_version=1)
    assert refused.value.messages == ["本单位已在“网络借贷平台”中排查过乙公司。"]


def test_a_clue_moved_to_another_institution_takes_its_record_along(tree, open_campaign, term, clue_data):
    add_records(tree, open_campaign, [RecordData(entity=EntityData(name="乙公司"), sector=term("网络借贷平台"))],
                unit="department", user="department_staff")
    clue = create(tree, open_campaign, clue_data())
    record_version = clue.record.version
    clue = services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(entity={"name": "乙公司",
                                                                                          "credit_code": ""}),
                                expected_version=1)
    clue.record.refresh_from_db()
    assert clue.record.entity.name == "乙公司" and clue.record.version == record_version + 1
    assert clue.record.history.first().history_user == tree.user("staff")


def test_only_drafts_and_returned_clues_are_edited_or_submitted(tree, open_campaign, clue_data):
    clue = services.clue_submit(actor=tree.user("staff"), clue=create(tree, open_campaign, clue_data()))
    with pytest.raises(ValidationError) as refused:
        services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(), expected_version=clue.version)
    assert refused.value.messages == ["只有草稿或被退回的线索可以修改。"]
    with pytest.raises(ValidationError) as refused:
        services.clue_submit(actor=tree.user("staff"), clue=clue)
    assert refused.value.messages == ["只有草稿或被退回的线索可以报送。"]


def test_a_withdrawal_is_in_the_trail_with_who_and_why(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    assert refusal(lambda: services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason="  ")) == {
        "reason": ["请填写撤回原因。"]}
    services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason=" 重复录入 ")
    event = ClueEvent.objects.get(clue=clue)
    assert (event.kind, event.actor, event.reason) == ("withdrawn", tree.user("staff"), "重复录入")
    clue = Clue.objects.get(pk=clue.pk)
    assert clue.history.first().history_user == tree.user("staff")
    assert clue.record.history.first().history_user == tree.user("staff")
    with pytest.raises(ValidationError) as refused:
        services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason="再次")
    assert refused.value.messages == ["该线索已撤回。"]
