"""The daily deadline job. The campaign's screening deadline is 2018-07-30 and it reminds 3 days before (7/27); the
units of 甲县 expected to report are 一街道 (user staff) and 甲县市场监管局 (user department_staff); the offices above
them are 甲县处非办 (user office) and 市处非办 (user city_office)."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from orgs.models import Membership, Notification, User
from screening import reminders, selectors, services
from screening.models import Campaign, LockException, UnitSubmission
from tests.factories import expect, member

REMINDER_DAY, DEADLINE, OVERDUE_DAY = date(2018, 7, 27), date(2018, 7, 30), date(2018, 7, 31)


@pytest.fixture(autouse=True)
def addresses(tree):
    for user in User.objects.all():
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the job as the worker does: the mail goes out once the job's transactions commit."""

    def run(on: date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_deadline_reminders(on=on)

    return run


def received(username: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient__username=username))


def mailed_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_reminder_goes_to_the_staff_of_each_unit_that_has_not_submitted(campaign, send):
    assert send(REMINDER_DAY) == 2

    [reminder] = received("staff")
    assert campaign.title in reminder.title and "活动实施阶段" in reminder.title
    assert "2018年7月30日" in reminder.body and "3" in reminder.body and "一街道" in reminder.body
    assert reminder.link == campaign.get_absolute_url() and reminder.read_at is None
    assert "甲县市场监管局" in received("department_staff")[0].body
    assert mailed_to() == ["department_staff@example.gov.cn", "staff@example.gov.cn"]
    assert received("office") == received("city_office") == []


def test_running_twice_on_one_day_sends_each_reminder_once(campaign, send):
    for day in (REMINDER_DAY, OVERDUE_DAY):
        send(day)
        notifications, mails = Notification.objects.count(), len(mail.outbox)
        assert send(day) == 0
        assert (Notification.objects.count(), len(mail.outbox)) == (notifications, mails)
    assert Notification.objects.count() == 2 + 2 + 2  # reminders, overdue notices, the two offices' summaries


@pytest.mark.parametrize(
    ("status", "reminded"),
    [
        (UnitSubmission.Status.IN_PROGRESS, True),
        (UnitSubmission.Status.RETURNED, True),
        (UnitSubmission.Status.SUBMITTED, False),
        (UnitSubmission.Status.APPROVED, False),
    ],
)
def test_a_unit_that_submitted_gets_nothing(campaign, tree, send, status, reminded):
    UnitSubmission.objects.create(campaign=campaign, unit=tree.unit("township"), status=status)
    send(REMINDER_DAY)
    send(OVERDUE_DAY)
    assert bool(received("staff")) is reminded
    assert len(received("department_staff")) == 2
    assert all(("一街道" in n.body) is reminded for n in received("office"))


@pytest.mark.parametrize(
    "day",
    [
        date(2018, 7, 26), date(2018, 7, 28), DEADLINE, date(2018, 8, 1),
        date(2018, 5, 11),  # the day after the mobilisation deadline: that phase asks for no submission
    ],
)
def test_nothing_is_sent_on_other_days(campaign, send, day):
    assert send(day) == 0
    assert not Notification.objects.exists() and mail.outbox == []


def test_the_overdue_notice_goes_the_day_after_the_deadline(campaign, send):
    send(OVERDUE_DAY)
    [notice] = received("staff")
    assert campaign.title in notice.title and "2018年7月30日" in notice.body and "一街道" in notice.body
    assert len(received("department_staff")) == 1


def test_the_offices_above_get_one_summary_of_the_overdue_units(campaign, send):
    send(OVERDUE_DAY)
    for office in ("office", "city_office"):
        [summary] = received(office)
        assert sorted(summary.body.splitlines()[1:]) == ["一街道", "甲县市场监管局"]
        assert summary.link == campaign.get_absolute_url()
    assert received("leader") == received("admin") == []
    assert "office@example.gov.cn" in mailed_to() and "city_office@example.gov.cn" in mailed_to()


def test_an_office_is_told_only_of_the_units_in_its_jurisdiction(campaign, tree, send):
    campaign.scope_unit = tree.unit("city")
    campaign.save()
    expect(campaign, tree.unit("other_township"))
    member(tree.unit("other_township"), Membership.Role.STAFF, username="other_staff")
    send(OVERDUE_DAY)
    [county_summary] = received("office")
    [city_summary] = received("city_office")
    assert sorted(county_summary.body.splitlines()[1:]) == ["一街道", "甲县市场监管局"]
    assert sorted(city_summary.body.splitlines()[1:]) == ["一街道", "乙县一镇", "甲县市场监管局"]


def test_no_early_reminder_when_the_campaign_asks_for_none(campaign, send):
    campaign.reminder_days = 0
    campaign.save()
    assert send(DEADLINE) == 0
    assert send(OVERDUE_DAY) == 4


def test_a_campaign_still_in_preparation_sends_nothing(campaign, send):
    campaign.status = Campaign.Status.DRAFT
    campaign.save()
    assert send(REMINDER_DAY) == send(OVERDUE_DAY) == 0


def test_a_user_without_an_address_is_notified_but_not_mailed(campaign, send):
    User.objects.filter(username="staff").update(email="")
    send(REMINDER_DAY)
    assert len(received("staff")) == 1
    assert mailed_to() == ["department_staff@example.gov.cn"]


def test_a_moved_deadline_earns_its_reminder_again(campaign, send):
    send(REMINDER_DAY)
    campaign.phases.filter(deadline=DEADLINE).update(end=date(2018, 8, 10), deadline=date(2018, 8, 10))
    assert send(date(2018, 8, 7)) == 2


# The office's list of overdue units ---------------------------------------------------------------------------------


def overdue(campaign, on: date) -> list[tuple[str, int]]:
    return sorted((line.unit.name, line.days_late) for line in selectors.overdue_units(campaign, on=on))


def test_no_unit_is_overdue_until_the_deadline_has_passed(campaign):
    assert overdue(campaign, DEADLINE) == []


def test_overdue_units_with_the_days_they_are_late(campaign, tree):
    UnitSubmission.objects.create(
        campaign=campaign, unit=tree.unit("department"), status=UnitSubmission.Status.SUBMITTED
    )
    assert overdue(campaign, OVERDUE_DAY) == [("一街道", 1)]
    assert overdue(campaign, date(2018, 8, 9)) == [("一街道", 10)]


def test_a_unit_the_office_reopened_entry_for_is_late_only_after_the_new_date(campaign, tree):
    LockException.objects.create(
        campaign=campaign, unit=tree.unit("township"), until=date(2018, 8, 5), reason="补报",
        granted_by=tree.user("office"),
    )
    assert overdue(campaign, date(2018, 8, 3)) == [("甲县市场监管局", 4)]
    assert overdue(campaign, date(2018, 8, 9)) == [("一街道", 4), ("甲县市场监管局", 10)]


def test_a_deactivated_account_is_neither_reminded_nor_told_of_overdue_units(campaign, tree, send):
    retired_staff = member(tree.unit("township"), Membership.Role.STAFF, username="retired_staff",
                           email="retired_staff@example.gov.cn")
    retired_office = member(tree.unit("office"), Membership.Role.OFFICE, username="retired_office",
                            email="retired_office@example.gov.cn")
    User.objects.filter(pk__in=[retired_staff.pk, retired_office.pk]).update(is_active=False)
    send(REMINDER_DAY)
    send(OVERDUE_DAY)
    assert received("retired_staff") == received("retired_office") == []
    assert not any(address.startswith("retired") for address in mailed_to())
    assert len(received("staff")) == 2 and len(received("office")) == 1


def test_the_reminder_and_the_overdue_notice_say_which_they_are(campaign, send):
    send(REMINDER_DAY)
    send(OVERDUE_DAY)
    reminder, overdue_notice = sorted(received("staff"), key=lambda n: n.pk)
    assert reminder.title.startswith("截止提醒：") and "3" in reminder.body
    assert overdue_notice.title.startswith("逾期未报：") and "尽快" in overdue_notice.body
    [summary] = received("office")
    assert summary.title.startswith("逾期未报单位：")


def test_two_phases_due_on_one_day_each_send_their_reminders(campaign, send):
    campaign.phases.create(kind="screening", name="补充排查", start=date(2018, 7, 1), end=DEADLINE, deadline=DEADLINE)
    assert send(REMINDER_DAY) == 4
    assert {n.title for n in received("staff")} == {f"截止提醒：《{campaign.title}》活动实施阶段",
                                                    f"截止提醒：《{campaign.title}》补充排查"}


def test_a_unit_put_on_the_list_later_in_the_day_is_still_reminded(campaign, tree, send):
    send(REMINDER_DAY)
    member(tree.unit("sibling_township"), Membership.Role.STAFF, username="late_staff")
    services.expected_units_add(actor=tree.user("admin"), campaign=campaign, units=[tree.unit("sibling_township")])
    assert send(REMINDER_DAY) == 1
    assert len(received("late_staff")) == 1 and len(received("staff")) == 1


def test_only_staff_of_the_unit_are_reminded_not_its_other_members(campaign, tree, send):
    member(tree.unit("township"), Membership.Role.LEADER, username="township_leader")
    send(REMINDER_DAY)
    assert received("township_leader") == []


def test_the_job_reads_each_staff_member_without_a_query_of_its_own(campaign, tree, send):
    def queries_with(extra_staff: int) -> int:
        with transaction.atomic():
            for n in range(extra_staff):
                member(tree.unit("township"), Membership.Role.STAFF, username=f"more_staff{n}")
            with CaptureQueriesContext(connection) as run:
                send(OVERDUE_DAY)
            transaction.set_rollback(True)
        return len(run.captured_queries)

    queries_with(0)  # the first run fills Django's caches of content types and permissions
    assert queries_with(3) == queries_with(0)
