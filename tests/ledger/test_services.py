from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from ledger import selectors, services
from ledger.models import Clue, Entity, ScreeningRecord
from ledger.services import EntityData, RecordData, StaleEdit
from screening.locks import EntryClosed
from screening.models import Phase


def create(tree, campaign, data, unit="township", user="staff"):
    return services.clue_create(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit), data=data)


def assert_screened_covers_problems(campaign):
    """The invariant of the tables: per unit and sector leaf, problem institutions ≤ screened institutions."""
    screened = {
        (row["unit"], row["sector"]): row["n"]
        for row in ScreeningRecord.objects.filter(campaign=campaign).values("unit", "sector").annotate(n=Count("pk"))
    }
    problems = (
        Clue.objects.filter(campaign=campaign).exclude(status=Clue.Status.WITHDRAWN)
        .values("unit", "sector").annotate(n=Count("pk"))
    )
    for row in problems:
        assert row["n"] <= screened.get((row["unit"], row["sector"]), 0)


def test_a_clue_creates_its_screening_record_marked_problem(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    assert clue.status == Clue.Status.DRAFT and clue.created_by == tree.user("staff")
    assert clue.record.result == ScreeningRecord.Result.PROBLEM and clue.record.sector == clue.sector
    assert set(clue.record.behaviours.values_list("name", flat=True)) == {"消费返利"}
    assert sorted(clue.problems.values_list("name", flat=True)) == ["虚假宣传", "超范围经营"]
    assert clue.amount_involved == Decimal("120.50") and clue.entity.credit_code == "91350100M000100Y43"
    assert_screened_covers_problems(open_campaign)


def test_a_clue_links_to_an_existing_screening_record(tree, open_campaign, clue_data, term):
    entity = EntityData(name="天津某某投资管理有限公司", credit_code="91350100M000100Y43")
    [record] = services.records_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
        rows=[RecordData(entity=entity, sector=term("网络借贷平台"))],
    )
    clue = create(tree, open_campaign, clue_data())
    assert clue.record == record
    record.refresh_from_db()
    assert record.result == ScreeningRecord.Result.PROBLEM
    assert ScreeningRecord.objects.count() == 1


def test_one_clue_per_entity_sector_and_unit(tree, open_campaign, clue_data):
    create(tree, open_campaign, clue_data())
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data())
    assert "已有" in str(refused.value)


def test_the_code_is_normalised_and_one_entity_per_code(tree, open_campaign, clue_data):
    create(tree, open_campaign, clue_data(entity={"credit_code": " 91350100m000100y43 "}))
    services.clue_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("village"), data=clue_data()
    )
    assert Entity.objects.count() == 1


def test_a_wrong_check_character_needs_confirmation_and_leaves_a_warning(tree, open_campaign, clue_data):
    wrong = {"credit_code": "91350100M000100Y44"}
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data(entity=wrong))
    assert "credit_code" in refused.value.error_dict and "校验" in str(refused.value)
    clue = create(tree, open_campaign, clue_data(entity=wrong | {"confirm_code_warning": True}))
    assert clue.code_check_confirmed


@pytest.mark.parametrize(("field", "value"), [
    ("sector", "互联网金融行业企业"),  # a group, not a leaf
    ("behaviours", "各类“创新”型集资平台"),
])
def test_groups_do_not_take_data(tree, open_campaign, clue_data, term, field, value):
    chosen = term(value)
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data(**{field: [chosen] if field == "behaviours" else chosen}))
    assert field in refused.value.error_dict


def test_unpaid_funds_cannot_exceed_the_amount(tree, open_campaign, clue_data):
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data(amount_involved=Decimal("120.50"), unpaid_funds=Decimal("120.51")))
    assert refused.value.message_dict["unpaid_funds"] == ["未兑付资金不能大于涉及金额。"]
    assert not Clue.objects.exists()


def test_unpaid_funds_may_equal_the_amount(tree, open_campaign, clue_data):
    # Nothing was paid back: every yuan involved is still owed.
    clue = create(tree, open_campaign, clue_data(amount_involved=Decimal("120.50"), unpaid_funds=Decimal("120.50")))
    assert (clue.amount_involved, clue.unpaid_funds) == (Decimal("120.50"), Decimal("120.50"))


def test_more_than_two_decimals_are_refused(tree, open_campaign, clue_data):
    with pytest.raises(ValidationError):
        create(tree, open_campaign, clue_data(amount_involved=Decimal("1.005")))
    assert not Clue.objects.exists()


def test_staff_cannot_enter_for_a_sibling_unit(tree, open_campaign, clue_data):
    with pytest.raises(PermissionDenied):
        create(tree, open_campaign, clue_data(), unit="sibling_township")


def test_writes_are_refused_after_the_deadline(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    Phase.objects.filter(campaign=open_campaign).update(deadline=clue.created_at.date() - timedelta(days=1),
                                                         start=clue.created_at.date() - timedelta(days=30))
    with pytest.raises(EntryClosed) as closed:
        services.clue_submit(actor=tree.user("staff"), clue=clue)
    assert "截止" in closed.value.reason


def test_a_stale_edit_is_refused_and_overwrites_nothing(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    opened_version = clue.version
    services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(people_involved=40),
                         expected_version=opened_version)
    with pytest.raises(StaleEdit):
        services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(people_involved=99),
                             expected_version=opened_version)
    clue.refresh_from_db()
    assert clue.people_involved == 40


def test_changing_the_sector_moves_the_record_with_it(tree, open_campaign, clue_data, term):
    clue = create(tree, open_campaign, clue_data())
    clue = services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(sector=term("众筹平台")),
                                expected_version=clue.version)
    assert clue.record.sector.name == "众筹平台"
    assert_screened_covers_problems(open_campaign)


def test_withdrawal_keeps_the_clue_and_its_record(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    with pytest.raises(ValidationError):
        services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason=" ")
    services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason="重复录入")
    clue.refresh_from_db()
    assert clue.status == Clue.Status.WITHDRAWN and clue.withdrawn_reason == "重复录入"
    assert clue.record.result == ScreeningRecord.Result.NO_PROBLEM
    assert ScreeningRecord.objects.count() == 1
    assert_screened_covers_problems(open_campaign)


def test_history_keeps_who_when_and_what(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    clue = services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(people_involved=50),
                                expected_version=clue.version)
    services.clue_submit(actor=tree.user("staff"), clue=clue)
    history = list(clue.history.order_by("history_date"))
    assert [h.history_user for h in history] == [tree.user("staff")] * 3
    delta = history[1].diff_against(history[0])
    assert {change.field for change in delta.changes} >= {"people_involved"}
    assert history[-1].status == Clue.Status.SUBMITTED


def test_only_a_draft_is_submitted_or_edited(tree, open_campaign, clue_data):
    clue = services.clue_submit(actor=tree.user("staff"), clue=create(tree, open_campaign, clue_data()))
    with pytest.raises(ValidationError):
        services.clue_submit(actor=tree.user("staff"), clue=clue)
    with pytest.raises(ValidationError):
        services.clue_update(actor=tree.user("staff"), clue=clue, data=clue_data(), expected_version=clue.version)


def test_the_same_entity_from_two_units_is_already_known(tree, open_campaign, clue_data):
    ours = create(tree, open_campaign, clue_data())
    theirs = services.clue_create(
        actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("department"), data=clue_data()
    )
    assert list(selectors.reports_elsewhere(ours.entity, campaign=open_campaign, besides_unit=ours.unit)) == [theirs]
    assert list(selectors.reports_elsewhere(ours.entity, campaign=open_campaign, besides_unit=theirs.unit)) == [ours]


# The same company as typed or pasted: zero-width space, non-joiner and joiner, byte-order mark, non-breaking and
# full-width spaces, a control character, a tab and a line break.
SAME_COMPANY = [
    "某某投资有限公司\u200b", "\ufeff某某投资有限公司", "某某\u200c投资\u200d有限公司", "\u3000某某投资有限公司\u3000",
    "某某投资有限公司\u00a0", "某某投资有限公司\x07", "\t某某投资有限公司\r\n",
]
SECTORS = ["网络借贷平台", "第三方支付", "众筹平台", "私募股权投资", "电子商务", "批发和零售", "房地产"]


def test_the_same_company_typed_with_invisible_characters_is_one_entity(tree, open_campaign, term):
    staff, township = tree.user("staff"), tree.unit("township")
    services.records_create(actor=staff, campaign=open_campaign, unit=township, rows=[
        RecordData(entity=EntityData(name="\u200b某某投资有限公司\u3000"), sector=term("教育机构"))])
    services.records_create(actor=staff, campaign=open_campaign, unit=township, rows=[
        RecordData(entity=EntityData(name=name), sector=term(sector)) for name, sector in zip(SAME_COMPANY, SECTORS)])
    assert list(Entity.objects.values_list("name", flat=True)) == ["某某投资有限公司"]
    with pytest.raises(ValidationError) as refused:
        services.records_create(actor=staff, campaign=open_campaign, unit=township, rows=[
            RecordData(entity=EntityData(name="某某投资\u00ad有限公司"), sector=term("教育机构"))])
    assert refused.value.messages == ["本单位已在“教育机构”中排查过某某投资有限公司。"]
    assert [e.name for e in selectors.entities_matching("\u200b某某投资\u00a0")] == ["某某投资有限公司"]


def test_a_name_is_stored_with_one_space_between_words_and_half_width(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data(entity={"name": "ＡＢＣ\u3000\u3000科技\u00a0 \t（天津）有限公司 "}))
    assert clue.entity.name == "ABC 科技 (天津)有限公司"
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data(entity={"name": "\u200b\u3000\ufeff", "credit_code": ""}))
    assert "name" in refused.value.error_dict


def test_a_batch_with_one_bad_row_saves_nothing(tree, open_campaign, clue_data):
    rows = [clue_data(entity={"name": f"公司{i}", "credit_code": ""}) for i in range(5)]
    rows[3] = clue_data(entity={"name": "坏行", "credit_code": ""}, unpaid_funds=Decimal("999.00"))
    with pytest.raises(ValidationError):
        services.clues_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=rows)
    assert not Clue.objects.exists() and not Entity.objects.exists() and not ScreeningRecord.objects.exists()


def test_staff_of_a_township_see_only_their_clues(tree, open_campaign, clue_data):
    create(tree, open_campaign, clue_data())
    assert selectors.clues_visible_to(tree.user("staff")).count() == 1
    assert selectors.clues_visible_to(tree.user("department_staff")).count() == 0
    assert selectors.clues_visible_to(tree.user("office")).count() == 1


def test_a_term_with_data_is_retired_not_deleted(tree, open_campaign, clue_data, term):
    from screening import services as screening_services

    create(tree, open_campaign, clue_data())
    lending = term("网络借贷平台")
    with pytest.raises(ValidationError) as refused:
        screening_services.term_delete(actor=tree.user("admin"), term=lending)
    assert "停用" in str(refused.value)
    screening_services.term_set_retired(actor=tree.user("admin"), term=lending, retired=True)
    with pytest.raises(ValidationError) as refused:
        create(tree, open_campaign, clue_data(entity={"name": "新主体", "credit_code": ""}))
    assert "sector" in refused.value.error_dict
