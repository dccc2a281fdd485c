"""The implementation plan and the summary report follow the reminders that entry has: a reminder before their
phase's deadline and an overdue notice the day after, to the expected units that have not filed them, once."""

from datetime import timedelta

from orgs.models import Notification
from oversight import reminders, services
from oversight.models import Filing
from screening.locks import today_local
from screening.models import Phase

TODAY = today_local()


def test_the_units_without_a_summary_are_reminded_before_the_deadline_and_told_after_it(tree, open_campaign):
    open_campaign.reminder_days = 3
    open_campaign.save()
    phase = Phase.objects.create(campaign=open_campaign, kind=Phase.Kind.SUMMARY, start=TODAY - timedelta(days=5),
                                 end=TODAY + timedelta(days=3), deadline=TODAY + timedelta(days=3))
    services.filing_save(actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("department"),
                         kind=Filing.Kind.SUMMARY, text="总结")
    Notification.objects.all().delete()
    assert reminders.send_filing_reminders(on=TODAY) == 1
    reminder = Notification.objects.get()
    assert reminder.recipient == tree.user("staff") and "总结报告" in reminder.body and "剩余 3 天" in reminder.body
    assert reminders.send_filing_reminders(on=TODAY) == 0  # once
    after = phase.deadline + timedelta(days=1)
    assert reminders.send_filing_reminders(on=after) == 3  # the township's notice, the county's and the city's summary
    office = Notification.objects.get(recipient=tree.user("office"))
    assert "尚未报送总结报告" in office.body and "一街道" in office.body and "甲县市场监管局" not in office.body


def test_the_plan_is_chased_at_the_mobilisation_deadline_and_the_data_is_not(tree, open_campaign):
    phase = Phase.objects.create(campaign=open_campaign, kind=Phase.Kind.MOBILISATION,
                                 start=TODAY - timedelta(days=9), end=TODAY - timedelta(days=1),
                                 deadline=TODAY - timedelta(days=1))
    Notification.objects.all().delete()
    reminders.send_filing_reminders(on=phase.deadline + timedelta(days=1))
    bodies = list(Notification.objects.filter(recipient=tree.user("staff")).values_list("body", flat=True))
    assert len(bodies) == 1 and "实施方案" in bodies[0] and "数据" not in bodies[0]
