"""Across counties (issue 15, part 3): a county's office notifies another county's office of a clue (通报), which reads a
summary, acknowledges it and opens a clue of its own from it; the city office names the lead and assisting counties of
a joint case (多县案件), which each of them follows and no other county sees."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ledger import credit
from ledger import services as ledger_services
from ledger.models import Clue
from orgs.models import Notification
from review import services
from review.models import CaseCounty, CountyNotice, JointCase
from tests.conftest import campaign_term
from tests.orgs.test_pages import login


@pytest.fixture
def notice(tree, other_counties, submitted):
    return services.notice_send(actor=tree.user("office"), clue=submitted, to_county=tree.unit("other_county"),
                                note="该公司在贵县设有经营场所")


def _notify(client, tree, clue, county: str, note: str = ""):
    login(client, tree.user("office"))
    return client.post(reverse("review:clue_notify", args=[clue.pk]), {"to_county": tree.unit(county).pk,
                                                                        "note": note})


def _own_clue(other_counties, sector: str = "网络借贷平台", **overrides) -> dict:
    return {"campaign": other_counties.pk, "unit": other_counties.scope_unit.children.get(code="B1").pk,
            "sector": campaign_term(other_counties, sector).pk, "amount_involved": "120.50", "unpaid_funds": "20.00",
            "people_involved": "35"} | overrides


# Notices (通报) -------------------------------------------------------------------------------------------------------


def test_the_office_notifies_another_county_whose_office_is_told(client, tree, other_counties, submitted):
    response = _notify(client, tree, submitted, "other_county", note="该公司在贵县设有经营场所")
    assert response.status_code == 302 and response["Location"].endswith("#notices")
    notice = CountyNotice.objects.get()
    assert (notice.from_county, notice.to_county, notice.sent_by) == (
        tree.unit("county"), tree.unit("other_county"), tree.user("office"))
    told = Notification.objects.get(recipient=tree.user("other_office"))
    assert "甲县" in told.title and told.link == reverse("review:notice", args=[notice.pk])
    assert not Notification.objects.filter(recipient__in=[tree.user("other_leader"), tree.user("other_staff")],
                                           link=told.link).exists()
    page = client.get(reverse("review:clue", args=[submitted.pk])).content.decode()
    assert "乙县" in page and "尚未确认" in page


def test_the_counties_where_the_entity_is_come_first_and_are_marked(client, tree, other_counties, report):
    login(client, tree.user("office"))
    # One entity operates in 乙县, the other is registered in 丙县: each clue's county comes first, whatever the order.
    for where, division, first, then in (("operating_division", "B01", "乙县", "丙县"),
                                         ("registered_division", "D01", "丙县", "乙县")):
        clue = report(entity={"name": f"某投资公司{division}", "credit_code": "", where: division})
        page = client.get(reverse("review:clue", args=[clue.pk])).content.decode()
        assert page.index(f"{first}（主体注册地或经营地）") < page.index(then)
        assert "甲县（" not in page  # the own county is not offered


def test_a_notice_goes_only_to_another_county(client, tree, other_counties, submitted):
    response = _notify(client, tree, submitted, "county")
    assert response.status_code == 200
    assert "请选择另一个设有领导小组办公室的县（区）" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.notice_send(actor=tree.user("office"), clue=submitted, to_county=tree.unit("county"))
    assert refused.value.error_dict["to_county"][0].message == "该线索本就属于甲县，请通报其他县（区）。"
    assert not CountyNotice.objects.exists()


def test_the_database_refuses_a_notice_to_the_own_county(tree, other_counties, notice):
    with pytest.raises(IntegrityError), transaction.atomic():
        CountyNotice.objects.filter(pk=notice.pk).update(to_county=tree.unit("county"))


def test_a_second_open_notice_of_the_clue_to_the_county_is_refused_at_the_field(client, tree, other_counties, submitted):
    _notify(client, tree, submitted, "other_county")
    response = _notify(client, tree, submitted, "other_county")
    assert response.status_code == 200
    assert "乙县已收到该线索的通报，尚未确认" in response.content.decode()
    assert CountyNotice.objects.count() == 1


def test_the_database_holds_one_open_notice_per_clue_and_county(tree, other_counties, notice):
    copy = CountyNotice.objects.values().get(pk=notice.pk)
    del copy["id"]
    with pytest.raises(IntegrityError), transaction.atomic():
        CountyNotice.objects.create(**copy)
    services.notice_acknowledge(actor=tree.user("other_office"), notice=notice)
    # Once acknowledged, news of the same clue is a notice of its own.
    services.notice_send(actor=tree.user("office"), clue=notice.clue, to_county=tree.unit("other_county"))
    assert CountyNotice.objects.count() == 2


@pytest.mark.parametrize("role", ["other_office", "other_leader"])
def test_the_county_notified_reads_a_summary_and_not_the_senders_clue(client, tree, other_counties, notice, role):
    credit.person_add(actor=tree.user("staff"), entity=notice.entity, name="张三", role="actual_controller",
                      id_number="110101199003074514")
    login(client, tree.user(role))
    page = client.get(reverse("review:notice", args=[notice.pk])).content.decode()
    assert "110101199003074514" not in page
    for shown in ("天津某某投资管理有限公司", "91350100M000100Y43", "网络借贷平台", "消费返利", "120.50", "20.00", "35",
                  "甲县", "该公司在贵县设有经营场所", "张三（实际控制人 1101**********4514）"):
        assert shown in page, shown
    clue = notice.clue
    for edit_page in (reverse("review:clue", args=[clue.pk]), reverse("ledger:clue_detail", args=[clue.pk]),
                      reverse("ledger:clue_edit", args=[clue.pk])):
        assert edit_page not in page
        assert client.get(edit_page).status_code == 404
    assert (reverse("review:notice_acknowledge", args=[notice.pk]) in page) is (role == "other_office")


@pytest.mark.parametrize("role", ["staff", "office", "leader", "other_staff", "third_office", "city_office"])
def test_no_one_else_reaches_the_notice(client, tree, other_counties, notice, role):
    """The sender's staff, office and leaders, the notified county's staff, a third county, the city office: 404."""
    login(client, tree.user(role))
    assert client.get(reverse("review:notice", args=[notice.pk])).status_code == 404
    assert client.post(reverse("review:notice_acknowledge", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_staff_are_refused_the_notice_list_and_the_sending(client, tree, other_counties, submitted):
    login(client, tree.user("staff"))
    assert client.get(reverse("review:notices")).status_code == 403
    assert client.post(reverse("review:clue_notify", args=[submitted.pk]),
                       {"to_county": tree.unit("other_county").pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.notice_send(actor=tree.user("staff"), clue=submitted, to_county=tree.unit("other_county"))


def test_the_city_office_does_not_notify_in_the_countys_name(tree, other_counties, submitted):
    with pytest.raises(PermissionDenied):
        services.notice_send(actor=tree.user("city_office"), clue=submitted, to_county=tree.unit("other_county"))


def test_acknowledging_records_who_and_when_and_the_sender_sees_it(client, tree, other_counties, notice):
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(actor=tree.user("other_leader"), notice=notice)
    login(client, tree.user("other_leader"))
    assert client.post(reverse("review:notice_acknowledge", args=[notice.pk])).status_code == 403
    login(client, tree.user("other_office"))
    assert client.post(reverse("review:notice_acknowledge", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == tree.user("other_office") and notice.acknowledged_at is not None
    again = client.post(reverse("review:notice_acknowledge", args=[notice.pk]))
    assert "该通报已确认收到" in again.content.decode()
    told = Notification.objects.get(recipient=tree.user("office"), title__contains="确认")
    assert told.link == reverse("review:clue", args=[notice.clue.pk]) + "#notices"
    login(client, tree.user("office"))
    page = client.get(reverse("review:clue", args=[notice.clue.pk])).content.decode()
    assert str(tree.user("other_office")) in page and timezone.localtime(notice.acknowledged_at).strftime("%Y-%m-%d %H:%M") in page
    assert "尚未确认" not in page


def test_the_notified_office_opens_a_clue_of_its_own_linked_both_ways(client, tree, other_counties, notice):
    login(client, tree.user("other_office"))
    form = client.get(reverse("review:notice", args=[notice.pk])).content.decode()
    assert 'value="120.50"' in form and 'value="35"' in form  # prefilled from the summary
    response = client.post(reverse("review:notice_clue", args=[notice.pk]), _own_clue(other_counties))
    assert response.status_code == 302
    notice.refresh_from_db()
    clue = notice.opened_clue
    assert clue.unit == tree.unit("other_township") and clue.campaign == other_counties
    assert clue.entity == notice.clue.entity and clue.status == Clue.Status.SUBMITTED
    assert clue.source_notice == notice
    assert [term.name for term in clue.behaviours.all()] == ["消费返利"]
    assert notice.acknowledged_by == tree.user("other_office")  # opening a clue acknowledges the notice
    own_page = client.get(reverse("review:clue", args=[clue.pk])).content.decode()
    assert "甲县" in own_page and reverse("review:notice", args=[notice.pk]) in own_page
    assert Notification.objects.filter(recipient=tree.user("office"), title__contains="开立").exists()
    login(client, tree.user("office"))
    sender_page = client.get(reverse("review:clue", args=[notice.clue.pk])).content.decode()
    assert "已开立 · 已报送" in sender_page
    assert reverse("review:clue", args=[clue.pk]) not in sender_page  # its existence and status, not the clue


def test_a_second_clue_from_the_notice_is_refused(client, tree, other_counties, notice):
    login(client, tree.user("other_office"))
    client.post(reverse("review:notice_clue", args=[notice.pk]), _own_clue(other_counties))
    with pytest.raises(ValidationError, match="已从该通报开立"):
        services.notice_open_clue(actor=tree.user("other_office"), notice=notice, data=services.OwnClue(
            campaign=other_counties, unit=tree.unit("other_township"), sector=campaign_term(other_counties, "网络借贷平台"),
            amount_involved=Decimal("1"), people_involved=1))
    assert Clue.objects.filter(campaign=other_counties).count() == 1


def test_the_opened_clue_goes_through_the_ledgers_checks(client, tree, other_counties, notice):
    """The ledger's own rules hold: the receiving township already has a clue on the entity in that sector."""
    ledger_services.clue_record_for_office(
        actor=tree.user("other_office"), campaign=other_counties, unit=tree.unit("other_township"),
        data=ledger_services.ClueData(entity=ledger_services.EntityData(name="天津某某投资管理有限公司",
                                                                        credit_code="91350100M000100Y43"),
                                      sector=campaign_term(other_counties, "网络借贷平台"), amount_involved=Decimal("1"),
                                      people_involved=1))
    login(client, tree.user("other_office"))
    response = client.post(reverse("review:notice_clue", args=[notice.pk]), _own_clue(other_counties))
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.opened_clue is None and Clue.objects.filter(campaign=other_counties).count() == 1


def test_bad_input_for_the_own_clue_is_refused_at_its_field(client, tree, other_counties, open_campaign, notice):
    login(client, tree.user("other_office"))
    wrong = _own_clue(other_counties, people_involved="-1", unit=tree.unit("township").pk)
    page = client.post(reverse("review:notice_clue", args=[notice.pk]), wrong).content.decode()
    assert "确保该值大于或等于0" in page  # people
    assert "选择一个有效的选项" in page  # a unit of another county is no choice
    other_sector = _own_clue(other_counties) | {"sector": campaign_term(open_campaign, "网络借贷平台").pk}
    page = client.post(reverse("review:notice_clue", args=[notice.pk]), other_sector).content.decode()
    assert "选择一个有效的选项" in page  # a sector of a campaign of another county is no choice either
    assert not Clue.objects.filter(campaign=other_counties).exists()
    with pytest.raises(ValidationError) as refused:
        services.notice_open_clue(actor=tree.user("other_office"), notice=notice, data=services.OwnClue(
            campaign=other_counties, unit=tree.unit("township"), sector=campaign_term(other_counties, "网络借贷平台"),
            amount_involved=Decimal("1"), people_involved=1))
    assert "unit" in refused.value.error_dict


def test_the_notice_list_shows_the_county_its_notices_in_few_queries(client, tree, other_counties, report,
                                                                     django_assert_max_num_queries):
    for number in range(3):
        clue = report(entity={"name": f"某投资公司{number}", "credit_code": ""})
        services.notice_send(actor=tree.user("office"), clue=clue, to_county=tree.unit("other_county"))
    services.notice_acknowledge(actor=tree.user("other_office"), notice=CountyNotice.objects.first())
    login(client, tree.user("other_office"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("review:notices")).content.decode()
    assert all(f"某投资公司{number}" in page for number in range(3))
    login(client, tree.user("third_office"))
    assert "某投资公司" not in client.get(reverse("review:notices")).content.decode()


def test_the_sending_county_follows_its_notices_in_one_list(client, tree, other_counties, report,
                                                           django_assert_max_num_queries):
    sent = [services.notice_send(actor=tree.user("office"), clue=report(entity={"name": f"某投资公司{n}",
                                                                              "credit_code": ""}),
                                 to_county=tree.unit("other_county")) for n in range(3)]
    services.notice_acknowledge(actor=tree.user("other_office"), notice=sent[0])
    login(client, tree.user("office"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("review:notices_sent")).content.decode()
    assert all(f"某投资公司{n}" in page for n in range(3)) and page.count("尚未确认") == 2
    assert reverse("review:clue", args=[sent[0].clue_id]) in page
    # The county notified finds them among those received, not those sent; a third county sees neither.
    login(client, tree.user("other_office"))
    assert "某投资公司" not in client.get(reverse("review:notices_sent")).content.decode()
    login(client, tree.user("third_office"))
    assert "某投资公司" not in client.get(reverse("review:notices_sent")).content.decode()


# Joint cases (多县案件) -----------------------------------------------------------------------------------------------


@pytest.fixture
def case(tree, other_counties, submitted):
    return services.case_open(actor=tree.user("city_office"), city=tree.unit("city"), title="跨县集资案",
                              description="牵头县统一研判", lead=tree.unit("county"),
                              assisting=[tree.unit("other_county")], clues=[submitted])


def test_the_city_office_names_the_lead_and_assisting_counties_who_are_told(client, tree, other_counties, submitted):
    login(client, tree.user("city_office"))
    assert client.get(reverse("review:case_create")).status_code == 200
    response = client.post(reverse("review:case_create"), {
        "title": "跨县集资案", "clues": f"{submitted.pk}", "lead": tree.unit("county").pk,
        "assisting": [tree.unit("other_county").pk]})
    case = JointCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("review:case", args=[case.pk])
    assert list(case.clues.all()) == [submitted]
    assert {(part.county.name, part.role) for part in case.counties.all()} == {
        ("甲县", CaseCounty.Role.LEAD), ("乙县", CaseCounty.Role.ASSISTING)}
    assert "牵头县" in Notification.objects.get(recipient=tree.user("office")).body
    assert "协办县" in Notification.objects.get(recipient=tree.user("other_office")).body
    assert not Notification.objects.filter(recipient=tree.user("third_office")).exists()


@pytest.mark.parametrize(("role", "part"), [("office", "牵头县"), ("leader", "牵头县"), ("other_office", "协办县"),
                                            ("other_leader", "协办县"), ("city_office", None)])
def test_each_county_named_sees_the_case_with_its_part(client, tree, case, role, part):
    login(client, tree.user(role))
    listed = client.get(reverse("review:cases")).content.decode()
    assert "跨县集资案" in listed
    page = client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert "天津某某投资管理有限公司" in page and "120.50" in page and "消费返利" in page
    if part:
        assert f'<span class="tag key">{part}' in page


@pytest.mark.parametrize("role", ["third_office", "staff", "other_staff", "admin"])
def test_a_county_not_named_gets_404(client, tree, case, role):
    login(client, tree.user(role))
    assert client.get(reverse("review:case", args=[case.pk])).status_code == 404
    assert client.post(reverse("review:case_assign", args=[case.pk])).status_code == 404


def test_a_county_office_cannot_name_the_counties(client, tree, case):
    login(client, tree.user("office"))
    assert client.get(reverse("review:case_create")).status_code == 403
    response = client.post(reverse("review:case_assign", args=[case.pk]),
                           {"lead": tree.unit("county").pk, "assisting": [tree.unit("third_county").pk]})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=tree.user("office"), case=case, lead=tree.unit("county"),
                             assisting=[tree.unit("third_county")])
    assert not case.counties.filter(county=tree.unit("third_county")).exists()


def test_changing_the_assignment_keeps_who_named_whom_and_tells_the_counties(client, tree, case):
    login(client, tree.user("city_office"))
    response = client.post(reverse("review:case_assign", args=[case.pk]),
                           {"lead": tree.unit("other_county").pk, "assisting": [tree.unit("third_county").pk]})
    assert response.status_code == 302
    ended = case.counties.get(county=tree.unit("county"))
    assert ended.ended_by == tree.user("city_office") and ended.ended_at is not None
    current = {(part.county.name, part.role) for part in case.counties.filter(ended_at__isnull=True)}
    assert current == {("乙县", CaseCounty.Role.LEAD), ("丙县", CaseCounty.Role.ASSISTING)}
    assert "不再" in Notification.objects.filter(recipient=tree.user("office")).first().title
    assert "牵头县" in Notification.objects.filter(recipient=tree.user("other_office")).first().body
    page = client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert timezone.localtime(ended.ended_at).strftime("%Y-%m-%d %H:%M") in page
    login(client, tree.user("office"))
    assert client.get(reverse("review:case", args=[case.pk])).status_code == 404
    login(client, tree.user("third_office"))
    assert client.get(reverse("review:case", args=[case.pk])).status_code == 200


def test_bad_case_input_is_refused_at_its_field(client, tree, other_counties, submitted):
    login(client, tree.user("city_office"))
    page = client.post(reverse("review:case_create"), {
        "title": "跨县集资案", "clues": "99999, x", "lead": tree.unit("county").pk}).content.decode()
    assert "“x”不是线索编号" in page
    page = client.post(reverse("review:case_create"), {
        "title": "跨县集资案", "clues": f"{submitted.pk}", "lead": tree.unit("county").pk,
        "assisting": [tree.unit("county").pk]}).content.decode()
    assert "甲县已是牵头县，不能同时协办" in page
    page = client.post(reverse("review:case_create"), {
        "title": "跨县集资案", "clues": "99999", "lead": tree.unit("county").pk}).content.decode()
    assert "本市没有编号为 99999 的线索" in page and "这个字段是必须的" in page
    assert not JointCase.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.case_open(actor=tree.user("city_office"), city=tree.unit("city"), title="案", description="",
                           lead=tree.unit("county"), assisting=[], clues=[submitted])
    assert "assisting" in refused.value.error_dict


def test_the_database_holds_one_current_lead_per_case(tree, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseCounty.objects.create(case=case, county=tree.unit("third_county"), role=CaseCounty.Role.LEAD,
                                  named_by=tree.user("city_office"))


def test_the_case_list_and_page_take_few_queries(client, tree, other_counties, report, django_assert_max_num_queries):
    for number in range(3):
        clue = report(entity={"name": f"某投资公司{number}", "credit_code": ""})
        services.case_open(actor=tree.user("city_office"), city=tree.unit("city"), title=f"案件{number}",
                           description="", lead=tree.unit("county"),
                           assisting=[tree.unit("other_county"), tree.unit("third_county")], clues=[clue])
    login(client, tree.user("other_office"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("review:cases")).content.decode()
    assert all(f"案件{number}" in page for number in range(3)) and "协办县" in page
    case = JointCase.objects.first()
    case.clues.add(*Clue.objects.all())
    with django_assert_max_num_queries(16):
        page = client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert all(f"某投资公司{number}" in page for number in range(3))


def test_the_home_page_counts_the_notices_waiting_and_the_cases(client, tree, case, notice):
    login(client, tree.user("other_office"))
    page = client.get(reverse("home")).content.decode()
    assert "收到其他县（区）通报 1 件，其中 1 件尚未确认收到。" in page and "多县案件 1 件" in page
    services.notice_acknowledge(actor=tree.user("other_office"), notice=notice)
    assert "其中 0 件尚未确认收到" in client.get(reverse("home")).content.decode()
    login(client, tree.user("third_office"))
    assert 'id="across-counties"' not in client.get(reverse("home")).content.decode()
