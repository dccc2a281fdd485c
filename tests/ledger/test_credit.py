"""Credit records: the people behind entities (ID numbers checked, stored protected, shown masked but to the office),
the watch list (listed automatically on investigation or penalty, by hand by the office, taken off with a reason, one
open entry at most) and its hits (a listed entity, a shared listed person, the same organisation part of the code)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import credit, hits, validators
from ledger.models import EntityPerson, Person, WatchEntry
from ledger.services import EntityData, RecordData
from ledger import services
from orgs.models import Membership, Notification
from review import services as review_services
from review.services import DisposalPlan
from screening.locks import today_local
from tests.conftest import build_open_campaign, campaign_term
from tests.factories import expect, member
from tests.ledger.test_views_records import record_edit_form, record_form
from tests.orgs.test_pages import login


def credit_code(division: str, org: str) -> str:
    first17 = f"91{division}{org}"
    return first17 + validators.credit_code_check_character(first17)


def id_number(first17: str) -> str:
    return first17 + validators.id_number_check_character(first17)


LISTED_CODE = credit_code("120115", "MA05ABCD1")
MOVED_CODE = credit_code("120223", "MA05ABCD1")  # the same organisation part, registered in another district
OTHER_CODE = credit_code("120115", "MA07XYWW2")
ZHANG = id_number("12010119800101123")


def record(tree, campaign, term, name, code="", unit="township", user="staff"):
    [saved] = services.records_create(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit), rows=[
        RecordData(entity=EntityData(name=name, credit_code=code), sector=term("民间投融资中介机构"))])
    return saved.entity


@pytest.fixture
def report(tree, open_campaign, clue_data):
    def make(**entity):
        clue = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                    data=clue_data(entity=entity or None))
        return services.clue_submit(actor=tree.user("staff"), clue=clue)
    return make


def listed(tree, campaign, term, name="旧名投资公司", code=LISTED_CODE):
    entity = record(tree, campaign, term, name, code)
    credit.watch_list_add(actor=tree.user("office"), unit=tree.unit("township"), entity=entity, reason="非法吸收公众存款")
    return entity


# ID numbers ----------------------------------------------------------------------------------------------------------


def test_a_wrong_check_character_is_refused_at_the_field_in_chinese(client, tree, open_campaign, term):
    entity = record(tree, open_campaign, term, "某某理财工作室")
    wrong = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
    login(client, tree.user("staff"))
    response = client.post(reverse("review:entity_person_add", args=[entity.pk]),
                           {"name": "张三", "role": "legal_representative", "id_number": wrong})
    assert "校验位" in " ".join(response.context["person_form"].errors["id_number"])
    assert not Person.objects.exists()
    response = client.post(reverse("review:entity_person_add", args=[entity.pk]),
                           {"name": "张三", "role": "legal_representative", "id_number": "1201011980"})
    assert "18" in " ".join(response.context["person_form"].errors["id_number"])
    client.post(reverse("review:entity_person_add", args=[entity.pk]),
                {"name": "张三", "role": "legal_representative", "id_number": ZHANG.lower()})
    assert Person.objects.get().id_number_masked == ZHANG[:4] + "*" * 10 + ZHANG[-4:]


def test_the_number_is_stored_encrypted_and_the_same_number_is_one_person(tree, open_campaign, term):
    first = record(tree, open_campaign, term, "甲公司")
    second = record(tree, open_campaign, term, "乙公司")
    credit.person_add(actor=tree.user("staff"), entity=first, name="张三", role="legal_representative",
                      id_number=ZHANG)
    credit.person_add(actor=tree.user("staff"), entity=second, name="张三", role="actual_controller",
                      id_number=ZHANG)
    assert Person.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted, id_number_hash FROM ledger_person")
        stored = cursor.fetchone()
    assert ZHANG not in "".join(stored) and ZHANG[6:14] not in "".join(stored)
    assert credit.id_number_of(Person.objects.get()) == ZHANG
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="张三", id_number_hash=Person.objects.get().id_number_hash)


@pytest.mark.parametrize(("role", "whole"), [("office", True), ("city_office", True), ("staff", False),
                                             ("leader", False)])
def test_the_number_is_whole_only_for_the_office_covering_the_entity(client, tree, open_campaign, term, role, whole):
    entity = record(tree, open_campaign, term, "某某理财工作室")
    credit.person_add(actor=tree.user("staff"), entity=entity, name="张三", role="agent", id_number=ZHANG)
    login(client, tree.user(role))
    page = client.get(reverse("review:entity", args=[entity.pk])).content.decode()
    assert (ZHANG in page) is whole
    assert ZHANG[:4] + "**********" + ZHANG[-4:] in page or whole


@pytest.mark.parametrize("role", ["admin", "other_office"])
def test_the_admin_and_another_countys_office_do_not_see_the_person(client, tree, open_campaign, term, role):
    tree.users["other_office"] = member(tree.unit("other_county"), Membership.Role.OFFICE, username="other_office")
    entity = record(tree, open_campaign, term, "某某理财工作室")
    credit.person_add(actor=tree.user("staff"), entity=entity, name="张三", role="agent", id_number=ZHANG)
    login(client, tree.user(role))
    response = client.get(reverse("review:entity", args=[entity.pk]))
    assert response.status_code == 404 and ZHANG not in response.content.decode()


# The watch list ------------------------------------------------------------------------------------------------------


def plan(term, unit, track, *measures):
    return DisposalPlan(responsible_unit=unit, track=track, measures=[term(name) for name in measures],
                        deadline=today_local() + timedelta(days=5))


@pytest.mark.parametrize(("track", "measures", "source"), [
    ("investigate", (), WatchEntry.Source.INVESTIGATED),
    ("rectify", ("行政处罚",), WatchEntry.Source.PENALISED),
])
def test_an_investigated_or_penalised_disposal_lists_the_entity_and_its_responsible_people(
        tree, open_campaign, term, report, track, measures, source):
    clue = report()
    credit.person_add(actor=tree.user("staff"), entity=clue.entity, name="张三", role="legal_representative",
                      id_number=ZHANG)
    credit.person_add(actor=tree.user("staff"), entity=clue.entity, name="王五", role="agent")
    review_services.disposal_save(actor=tree.user("office"), clue=clue, plan=plan(term, tree.unit("township"), track,
                                                                                 *measures))
    entries = WatchEntry.objects.filter(left_on__isnull=True)
    assert {(e.entity_id, e.person.name if e.person else None) for e in entries} == {
        (clue.entity_id, None), (None, "张三")}
    assert {e.source for e in entries} == {source} and all(e.clue == clue for e in entries)
    # Saved again, nothing is listed twice.
    review_services.disposal_save(actor=tree.user("office"), clue=clue, plan=plan(term, tree.unit("township"), track,
                                                                                 *measures))
    assert entries.count() == 2


def test_a_rectified_disposal_lists_nothing(tree, open_campaign, term, report):
    clue = report()
    review_services.disposal_save(actor=tree.user("office"), clue=clue,
                                  plan=plan(term, tree.unit("township"), "rectify", "规范整改"))
    assert not WatchEntry.objects.exists()


def test_the_office_takes_an_entry_off_with_a_reason_and_the_history_stays(client, tree, open_campaign, term):
    entity = listed(tree, open_campaign, term)
    entry = WatchEntry.objects.get()
    login(client, tree.user("office"))
    response = client.post(reverse("review:watch_leave", args=[entry.pk]), {"reason": ""})
    assert response.context["leave_form"].errors["reason"] and WatchEntry.objects.get().is_open
    client.post(reverse("review:watch_leave", args=[entry.pk]), {"reason": "已整改完毕，依法撤销"})
    entry.refresh_from_db()
    assert entry.left_on == today_local() and entry.leave_reason == "已整改完毕，依法撤销"
    assert not hits.hits_for([entity])
    page = client.get(reverse("review:entity", args=[entity.pk])).content.decode()
    assert "非法吸收公众存款" in page and "已整改完毕，依法撤销" in page
    # Listed again later: a new entry, the old one kept.
    credit.watch_list_add(actor=tree.user("office"), unit=tree.unit("township"), entity=entity, reason="再次违规")
    assert WatchEntry.objects.filter(entity=entity).count() == 2


def test_staff_and_leaders_neither_list_nor_take_off(client, tree, open_campaign, term):
    entity = listed(tree, open_campaign, term)
    for role in ("staff", "leader"):
        login(client, tree.user(role))
        assert client.post(reverse("review:watch_add", args=[entity.pk]), {"reason": "x"}).status_code == 403
        assert client.post(reverse("review:watch_leave", args=[WatchEntry.objects.get().pk]),
                           {"reason": "x"}).status_code == 403
    assert WatchEntry.objects.get().is_open


def test_the_office_lists_a_person_by_hand_on_the_page(client, tree, open_campaign, term):
    entity = record(tree, open_campaign, term, "某某理财工作室")
    link = credit.person_add(actor=tree.user("staff"), entity=entity, name="张三", role="intermediary")
    login(client, tree.user("office"))
    client.post(reverse("review:watch_add", args=[entity.pk]), {"person": link.person_id, "reason": "中间人拉人头"})
    assert WatchEntry.objects.get().person == link.person
    response = client.post(reverse("review:watch_add", args=[entity.pk]), {"person": link.person_id, "reason": "又一次"})
    assert "已在观察名单上" in str(response.context["watch_form"].errors)


def test_at_most_one_open_entry_per_entity_and_person_is_a_database_constraint(tree, open_campaign, term):
    entity = listed(tree, open_campaign, term)
    fields = {"unit": tree.unit("township"), "source": WatchEntry.Source.OFFICE, "reason": "x",
              "listed_on": today_local(), "listed_by": tree.user("office")}
    with pytest.raises(IntegrityError), transaction.atomic():
        WatchEntry.objects.create(entity=entity, **fields)
    person = Person.objects.create(name="张三")
    WatchEntry.objects.create(person=person, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        WatchEntry.objects.create(person=person, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        WatchEntry.objects.create(entity=entity, person=person, **fields)  # one or the other
    WatchEntry.objects.filter(entity=entity).update(left_on=today_local(), leave_reason="撤销")
    WatchEntry.objects.create(entity=entity, **fields)  # once closed, a new one may open


# Hits ----------------------------------------------------------------------------------------------------------------


def _post_record(client, tree, open_campaign, term, name, code):
    """Another unit (the department) records the entity on the web form."""
    login(client, tree.user("department_staff"))
    response = client.post(reverse("ledger:record_create", args=[open_campaign.slug]),
                           record_form(tree, term, name=name, credit_code=code, unit=tree.unit("department").pk),
                           follow=True)
    return [str(message) for message in response.context["messages"]]


def test_a_listed_entity_recorded_again_is_a_hit_on_the_form_and_the_office_is_told(client, tree, open_campaign,
                                                                                    term):
    listed(tree, open_campaign, term, name="旧名投资公司", code=LISTED_CODE)
    messages = _post_record(client, tree, open_campaign, term, "旧名投资公司", LISTED_CODE)
    assert any("观察名单" in text and "非法吸收公众存款" in text for text in messages)
    told = Notification.objects.get(recipient=tree.user("office"))
    assert "旧名投资公司" in told.body and "非法吸收公众存款" in told.body


def test_an_entity_sharing_a_listed_person_is_a_hit(client, tree, open_campaign, term):
    old = record(tree, open_campaign, term, "旧名投资公司", LISTED_CODE)
    link = credit.person_add(actor=tree.user("staff"), entity=old, name="张三", role="actual_controller",
                             id_number=ZHANG)
    credit.watch_list_add(actor=tree.user("office"), unit=tree.unit("township"), person=link.person, reason="集资诈骗")
    new = record(tree, open_campaign, term, "新名咨询公司", OTHER_CODE)
    assert not hits.hits_for([new])  # nobody in common yet
    credit.person_add(actor=tree.user("staff"), entity=new, name="张三", role="legal_representative", id_number=ZHANG)
    [hit] = hits.hits_for([new])[new.pk]
    assert hit.kind == hits.Kind.PERSON and "张三" in hit.why and "集资诈骗" in hit.why
    assert ZHANG not in hit.why


def test_an_entity_sharing_a_person_with_a_listed_entity_is_a_hit(tree, open_campaign, term):
    old = listed(tree, open_campaign, term)
    credit.person_add(actor=tree.user("staff"), entity=old, name="张三", role="senior_manager", id_number=ZHANG)
    new = record(tree, open_campaign, term, "新名咨询公司", OTHER_CODE)
    credit.person_add(actor=tree.user("staff"), entity=new, name="张三", role="agent", id_number=ZHANG)
    [hit] = hits.hits_for([new])[new.pk]
    assert hit.kind == hits.Kind.PERSON and "旧名投资公司" in hit.why


def test_the_same_organisation_part_of_the_code_is_a_hit(client, tree, open_campaign, term):
    listed(tree, open_campaign, term, code=LISTED_CODE)
    messages = _post_record(client, tree, open_campaign, term, "迁址后新名公司", MOVED_CODE)
    assert any("MA05ABCD1" in text and "旧名投资公司" in text for text in messages)


def test_an_unrelated_entity_is_no_hit(client, tree, open_campaign, term):
    old = listed(tree, open_campaign, term)
    credit.person_add(actor=tree.user("staff"), entity=old, name="张三", role="agent", id_number=ZHANG)
    other = id_number("12010119900202234")
    new = record(tree, open_campaign, term, "无关公司", OTHER_CODE)
    credit.person_add(actor=tree.user("staff"), entity=new, name="张三", role="agent", id_number=other)
    assert not hits.hits_for([new])
    messages = _post_record(client, tree, open_campaign, term, "另一家无关公司", credit_code("120115", "MA09QQQQ3"))
    assert not any("观察名单" in text for text in messages)
    assert not Notification.objects.filter(recipient=tree.user("office")).exists()


def test_a_clue_on_a_listed_entity_shows_the_hit_on_its_pages(client, tree, open_campaign, term, report):
    listed(tree, open_campaign, term, name="天津某某投资管理有限公司", code="91350100M000100Y43")
    clue = report()
    login(client, tree.user("staff"))
    assert "非法吸收公众存款" in client.get(reverse("ledger:clue_detail", args=[clue.pk])).content.decode()
    login(client, tree.user("office"))
    assert "非法吸收公众存款" in client.get(reverse("review:clue", args=[clue.pk])).content.decode()


def test_the_queue_marks_each_kind_of_hit_in_a_constant_number_of_queries(client, tree, open_campaign, clue_data,
                                                                         term, django_assert_max_num_queries):
    old = listed(tree, open_campaign, term, code=LISTED_CODE)
    link = credit.person_add(actor=tree.user("staff"), entity=old, name="张三", role="agent", id_number=ZHANG)
    staff, township = tree.user("staff"), tree.unit("township")

    def add(rows):
        return services.clues_create(actor=staff, campaign=open_campaign, unit=township, rows=rows, submit=True)

    [same, moved, partner, plain] = add([
        clue_data(entity={"name": "旧名投资公司", "credit_code": LISTED_CODE}),
        clue_data(entity={"name": "迁址后新名公司", "credit_code": MOVED_CODE}),
        clue_data(entity={"name": "同一老板公司", "credit_code": ""}),
        clue_data(entity={"name": "无关公司", "credit_code": OTHER_CODE}),
    ])
    EntityPerson.objects.create(entity=partner.entity, person=link.person, role="legal_representative",
                                added_by=staff)
    login(client, tree.user("office"))
    url = reverse("review:queue", args=[open_campaign.slug])
    with CaptureQueriesContext(connection) as four:
        rows = {row.clue.pk: row.clue for row in client.get(url).context["rows"]}
    counted = len(four)
    kinds = {pk: (c.hit_listed, c.hit_person, c.hit_org_part) for pk, c in rows.items()}
    assert kinds == {same.pk: (True, False, False), moved.pk: (False, False, True),
                     partner.pk: (False, True, False), plain.pk: (False, False, False)}
    page = client.get(url, {"flags": "watch_org_part"})
    assert [row.clue.pk for row in page.context["rows"]] == [moved.pk]
    add([clue_data(entity={"name": f"公司{i}", "credit_code": ""}) for i in range(20)])
    with django_assert_max_num_queries(counted):
        assert len(client.get(url).context["rows"]) == 24


def test_moving_a_record_onto_a_listed_entity_is_a_hit_on_the_edit_too(client, tree, open_campaign, term):
    listed(tree, open_campaign, term)
    [saved] = services.records_create(actor=tree.user("department_staff"), campaign=open_campaign,
                                      unit=tree.unit("department"), rows=[
        RecordData(entity=EntityData(name="某某理财工作室"), sector=term("民间投融资中介机构"))])
    login(client, tree.user("department_staff"))
    response = client.post(reverse("ledger:record_edit", args=[saved.pk]),
                           record_edit_form(saved, name="旧名投资公司", credit_code=LISTED_CODE), follow=True)
    assert any("非法吸收公众存款" in str(message) for message in response.context["messages"])
    assert Notification.objects.filter(recipient=tree.user("office"), body__contains="旧名投资公司").exists()


# The entity's page ---------------------------------------------------------------------------------------------------


def test_the_entitys_page_holds_its_history_across_campaigns_as_far_as_the_user_sees(
        client, tree, open_campaign, term, clue_data):
    tree.users["sibling_staff"] = member(tree.unit("sibling_township"), Membership.Role.STAFF,
                                         username="sibling_staff")
    later = build_open_campaign(issuing_unit=tree.unit("office"), scope_unit=tree.unit("county"), slug="later")
    later.title = "常态化排查"
    later.save()
    expect(later, tree.unit("township"), tree.unit("sibling_township"))
    entity = {"name": "旧名投资公司", "credit_code": LISTED_CODE}
    own = services.clue_submit(actor=tree.user("staff"), clue=services.clue_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), data=clue_data(entity=entity)))
    services.records_create(actor=tree.user("staff"), campaign=later, unit=tree.unit("township"), rows=[
        RecordData(entity=EntityData(**entity), sector=campaign_term(later, "养老机构"))])
    services.clue_create(actor=tree.user("sibling_staff"), campaign=open_campaign, unit=tree.unit("sibling_township"),
                         data=clue_data(entity=entity, amount_involved=777))
    review_services.disposal_save(actor=tree.user("office"), clue=own,
                                  plan=plan(term, tree.unit("township"), "rectify", "警示约谈"))
    moved = record(tree, open_campaign, term, "迁址后新名公司", MOVED_CODE)
    partner = record(tree, open_campaign, term, "同一老板公司", OTHER_CODE)
    for target in (own.entity, partner):
        credit.person_add(actor=tree.user("staff"), entity=target, name="张三", role="actual_controller",
                          id_number=ZHANG)
    url = reverse("review:entity", args=[own.entity_id])

    login(client, tree.user("staff"))
    page = client.get(url).content.decode()
    assert "专项排查" in page and "常态化排查" in page and "养老机构" in page
    assert "777" not in page  # the sibling township's clue
    assert "警示约谈" not in page  # the disposal is the office's
    assert "迁址后新名公司" in page and "同一老板公司" in page

    login(client, tree.user("office"))
    page = client.get(url).content.decode()
    assert "777" in page and "警示约谈" in page
    assert client.get(reverse("review:entity", args=[moved.pk])).status_code == 200


def test_the_entitys_page_reads_a_constant_number_of_queries(client, tree, open_campaign, term, clue_data,
                                                            django_assert_max_num_queries):
    entity = {"name": "旧名投资公司", "credit_code": LISTED_CODE}
    services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                         data=clue_data(entity=entity))
    clue = services.clue_create(actor=tree.user("department_staff"), campaign=open_campaign,
                                unit=tree.unit("department"), data=clue_data(entity=entity))
    credit.person_add(actor=tree.user("staff"), entity=clue.entity, name="张三", role="agent", id_number=ZHANG)
    login(client, tree.user("office"))
    url = reverse("review:entity", args=[clue.entity_id])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    counted = len(few)
    for name in ("乙", "丙", "丁"):
        credit.person_add(actor=tree.user("staff"), entity=clue.entity, name=name, role="agent")
    services.records_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=[
        RecordData(entity=EntityData(**entity), sector=term(sector)) for sector in ("养老机构", "教育机构", "医疗机构")])
    with django_assert_max_num_queries(counted):
        client.get(url)


def test_a_listed_person_is_taken_off_from_the_page_of_an_entity_the_office_sees(client, tree, open_campaign, term):
    """The person stands behind an entity of another county too, recorded first: the county office reaches the entry
    through its own entity, and the other county's office not at all."""
    tree.users["other_staff"] = member(tree.unit("other_township"), Membership.Role.STAFF, username="other_staff")
    tree.users["other_office"] = member(tree.unit("other_county"), Membership.Role.OFFICE, username="other_office")
    other_campaign = build_open_campaign(issuing_unit=tree.unit("other_county"), scope_unit=tree.unit("other_county"),
                                         slug="other")
    expect(other_campaign, tree.unit("other_township"))
    [elsewhere] = services.records_create(actor=tree.user("other_staff"), campaign=other_campaign,
                                          unit=tree.unit("other_township"), rows=[
        RecordData(entity=EntityData(name="乙县公司"), sector=campaign_term(other_campaign, "养老机构"))])
    credit.person_add(actor=tree.user("other_staff"), entity=elsewhere.entity, name="张三", role="agent",
                      id_number=ZHANG)
    ours = record(tree, open_campaign, term, "甲县公司")
    link = credit.person_add(actor=tree.user("staff"), entity=ours, name="张三", role="agent", id_number=ZHANG)
    entry = credit.watch_list_add(actor=tree.user("office"), unit=tree.unit("township"), person=link.person,
                                  reason="中间人")
    login(client, tree.user("other_office"))
    assert client.post(reverse("review:watch_leave", args=[entry.pk]), {"reason": "x"}).status_code == 403
    login(client, tree.user("office"))
    response = client.post(reverse("review:watch_leave", args=[entry.pk]), {"reason": "查无实据"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("review:entity", args=[ours.pk]))
    entry.refresh_from_db()
    assert entry.leave_reason == "查无实据"
