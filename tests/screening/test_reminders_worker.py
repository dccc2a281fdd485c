from datetime import timedelta

from django.core import mail

from orgs.models import Notification, User
from screening import locks
from screening.models import Phase
from screening.tasks import send_deadline_reminders_task


def test_the_daily_task_reminds_the_units_yet_to_submit(task_worker, campaign, tree):
    """On a real worker when CELERY_BROKER_URL is set (CI), eagerly otherwise: the outcome is the same."""
    today = locks.today_local()
    campaign.phases.filter(kind=Phase.Kind.SCREENING).update(
        start=today - timedelta(days=30), end=today + timedelta(days=3), deadline=today + timedelta(days=3)
    )
    User.objects.filter(username="staff").update(email="staff@example.gov.cn")

    assert send_deadline_reminders_task.delay().get(timeout=30) == 2

    reminded = Notification.objects.values_list("recipient__username", flat=True)
    assert sorted(reminded) == ["department_staff", "staff"]
    assert [message.to for message in mail.outbox] == [["staff@example.gov.cn"]]
    assert send_deadline_reminders_task.delay().get(timeout=30) == 0
