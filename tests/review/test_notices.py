"""The office's decisions are told to the users of the unit concerned, under the bell and by e-mail, with a link to
the page where they act next, in the site's language."""

import pytest
from django.core import mail
from django.urls import reverse

from orgs.models import Notification, User
from review import services, submissions
from tests.factories import member
from tests.orgs.test_pages import login


@pytest.fixture(autouse=True)
def addresses(tree):
    for user in User.objects.all():
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])


def told(username: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient__username=username).order_by("pk"))


def opens_for(client, user, link: str) -> int:
    client.logout()
    login(client, user)
    return client.get(link).status_code


def test_staff_are_told_of_a_returned_clue_with_the_reason_and_a_link_to_correct_it(
    client, tree, submitted, django_capture_on_commit_callbacks
):
    retired = member(tree.unit("township"), "staff", username="retired_staff", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.clue_return(actor=tree.user("office"), clue=submitted, reason="请补充经营地址")
    [notice] = told("staff")
    assert notice.title == "线索被退回：天津某某投资管理有限公司"
    assert "请补充经营地址" in notice.body and "一街道" in notice.body and "重新报送" in notice.body
    assert notice.link == reverse("ledger:clue_detail", args=[submitted.pk])
    assert [message.to for message in mail.outbox] == [["staff@example.gov.cn"]]
    assert told(retired.username) == told("department_staff") == told("office") == []
    assert opens_for(client, tree.user("staff"), notice.link) == 200


def test_the_text_is_in_the_sites_language_whatever_the_office_reads(client, tree, submitted):
    login(client, tree.user("office"))
    client.cookies["django_language"] = "en"
    client.post(reverse("review:clue_return", args=[submitted.pk]), {"reason": "请补充经营地址"})
    [notice] = told("staff")
    assert notice.title.startswith("线索被退回")


def test_staff_are_told_of_an_accepted_clue_also_when_several_are_accepted_at_once(client, tree, open_campaign,
                                                                                   report):
    one = report()
    other = report(unit="department", user="department_staff", entity={"name": "另一家公司", "credit_code": ""})
    login(client, tree.user("office"))
    client.post(reverse("review:queue_accept", args=[open_campaign.slug]), {"clue": [one.pk, other.pk]})
    [notice] = told("staff")
    assert notice.title == "线索已接收：天津某某投资管理有限公司"
    assert notice.link == reverse("ledger:clue_detail", args=[one.pk])
    assert [n.title for n in told("department_staff")] == ["线索已接收：另一家公司"]


def test_staff_are_told_when_their_data_is_approved_or_sent_back(client, tree, open_campaign, county_group):
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    submissions.submission_return(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"),
                                  reason="请补充排查记录")
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"))
    sent_back, approved = told("staff")
    declare = reverse("review:declare", args=[open_campaign.slug])
    assert sent_back.title == "数据被退回：一街道" and "请补充排查记录" in sent_back.body
    assert approved.title == "数据已审核通过：一街道" and "锁定" in approved.body
    assert sent_back.link == approved.link == declare
    assert told("department_staff") == told("office") == told("city_office") == []
    assert opens_for(client, tree.user("staff"), declare) == 200


def test_a_county_approved_by_the_city_is_told_through_its_own_office(client, tree, open_campaign, county_group):
    for unit, user in (("township", "staff"), ("department", "department_staff")):
        submissions.submission_declare(actor=tree.user(user), campaign=open_campaign, unit=tree.unit(unit))
        submissions.submission_approve(actor=tree.user("office"), campaign=open_campaign, unit=tree.unit(unit))
    Notification.objects.all().delete()
    submissions.submission_approve(actor=tree.user("city_office"), campaign=open_campaign, unit=tree.unit("county"))
    [notice] = told("office")
    assert notice.title == "数据已审核通过：甲县"
    assert notice.link == reverse("review:approvals", args=[open_campaign.slug])
    assert told("city_office") == told("staff") == told("leader") == []
    assert opens_for(client, tree.user("office"), notice.link) == 200


def test_a_transfer_tells_the_staff_who_receive_the_clue_and_those_who_lose_it(client, tree, report):
    receiving = member(tree.unit("sibling_township"), "staff", username="sibling_staff")
    clue = report(entity={"registered_division": tree.unit("sibling_township").code})
    services.clue_transfer(actor=tree.user("office"), clue=clue, to_unit=tree.unit("sibling_township"),
                           reason="注册地在二街道")
    [gained], [lost], [office] = told("sibling_staff"), told("staff"), told("office")
    assert gained.title == lost.title == office.title == "线索移交：天津某某投资管理有限公司"
    assert "一街道" in gained.body and "二街道" in gained.body and "注册地在二街道" in gained.body
    assert gained.link == reverse("ledger:clue_detail", args=[clue.pk])
    assert lost.link == reverse("ledger:clue_list", args=[clue.campaign.slug])
    assert office.link == reverse("review:clue", args=[clue.pk])
    assert told("department_staff") == []
    assert opens_for(client, receiving, gained.link) == 200
    assert opens_for(client, tree.user("staff"), lost.link) == 200
    assert opens_for(client, tree.user("office"), office.link) == 200
