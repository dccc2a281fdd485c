import re

import pytest
from django.core import mail
from django.urls import reverse

from orgs import selectors, services
from orgs.models import Notification
from tests.orgs.test_pages import login


def bell(page: str) -> str | None:
    """The unread count the bell shows, or None when it shows none."""
    found = re.search(r'class="badge" data-unread>(\d+)', page)
    return found and found.group(1)


def test_notify_creates_one_notification_per_user_and_mails_those_with_an_address(
    tree, django_capture_on_commit_callbacks
):
    staff, office = tree.user("staff"), tree.user("office")
    staff.email = "staff@example.gov.cn"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[staff, office, staff], title="截止提醒", body="请按时提交。", link="/campaigns/x/")
        assert mail.outbox == [], "mail waits for the commit"
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["office", "staff"]
    [message] = mail.outbox
    assert (message.to, message.subject) == (["staff@example.gov.cn"], "截止提醒")
    assert message.body.startswith("请按时提交。")


def test_the_bell_shows_the_unread_count(client, tree):
    staff = tree.user("staff")
    login(client, staff)
    assert bell(client.get(reverse("home")).content.decode()) is None
    services.notify(users=[staff], title="一", body="")
    services.notify(users=[staff], title="二", body="")
    services.notify(users=[tree.user("office")], title="别人的", body="")
    page = client.get(reverse("home")).content.decode()
    assert bell(page) == "2"
    assert reverse("orgs:notifications") in page


def test_the_unread_count_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.unread_notification_count(tree.user("staff"))


def test_the_page_lists_the_users_own_notifications_newest_first(client, tree):
    staff = tree.user("staff")
    services.notify(users=[staff], title="较早的通知", body="")
    services.notify(users=[staff], title="较新的通知", body="第一行\n第二行", link="/campaigns/x/")
    services.notify(users=[tree.user("office")], title="办公室的通知", body="")
    login(client, staff)
    page = client.get(reverse("orgs:notifications")).content.decode()
    assert page.index("较新的通知") < page.index("较早的通知")
    assert '<a href="/campaigns/x/">较新的通知</a>' in page and "第一行<br>第二行" in page
    assert "办公室的通知" not in page


def test_mark_all_read_marks_only_the_users_own(client, tree):
    staff, office = tree.user("staff"), tree.user("office")
    services.notify(users=[staff, office], title="通知", body="")
    login(client, staff)
    response = client.post(reverse("orgs:notifications_mark_read"))
    assert response.status_code == 302 and response["Location"] == reverse("orgs:notifications")
    assert not Notification.objects.filter(recipient=staff, read_at=None).exists()
    assert Notification.objects.filter(recipient=office, read_at=None).count() == 1
    assert bell(client.get(reverse("orgs:notifications")).content.decode()) is None


def test_marking_read_needs_a_post(client, tree):
    login(client, tree.user("staff"))
    assert client.get(reverse("orgs:notifications_mark_read")).status_code == 405


@pytest.mark.parametrize("name", ["orgs:notifications", "orgs:notifications_mark_read"])
def test_the_notification_pages_need_a_login(client, db, name):
    response = client.post(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_mail_carries_the_link_to_the_page(tree, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    from orgs import services

    settings.SITE_URL = "http://fxjz.example.gov.cn"
    user = tree.user("staff")
    user.email = "staff@example.gov.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[user], title="填报即将截止", body="还有 3 天", link="/campaigns/c2018/")
    assert mail.outbox[0].body.endswith("http://fxjz.example.gov.cn/campaigns/c2018/")
