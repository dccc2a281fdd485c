"""The daily notice of overdue disposals. The county office (user office) made 甲县市场监管局 (user department_staff)
responsible for the disposal of clues of 一街道; the city office (user city_office) stands above the county office."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import override

from ledger import services as ledger_services
from orgs.models import Notification, User
from review import overdue, services
from review.models import Disposal, OverdueNotice
from review.services import DisposalPlan
from review.tasks import send_overdue_notices_task
from screening.locks import today_local
from tests.factories import member
from tests.orgs.test_pages import login

TODAY = today_local()


@pytest.fixture(autouse=True)
def addresses(tree):
    for user in User.objects.all():
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])


@pytest.fixture
def assign(tree, report):
    def make(name: str, *, deadline_days: int, stage: str = "under_way", unit: str = "department") -> Disposal:
        clue = report(entity={"name": name, "credit_code": ""})
        return services.disposal_save(actor=tree.user("office"), clue=clue, plan=DisposalPlan(
            responsible_unit=tree.unit(unit), track="rectify", measures=[], stage=stage,
            deadline=TODAY + timedelta(days=deadline_days)))
    return make


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the job as the worker does (the mail goes out once the job's transaction commits), on a clean bell and
    outbox: what the office's plans announced is not what is asserted here."""
    def run(on=TODAY) -> int:
        Notification.objects.all().delete()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return overdue.send_overdue_notices(on=on)
    return run


def received(username: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient__username=username))


def test_an_overdue_disposal_is_named_to_the_responsible_unit_and_the_office(tree, open_campaign, assign, send):
    assign("逾期公司", deadline_days=-3)
    assign("未到期公司", deadline_days=2)
    assign("今天到期公司", deadline_days=0)  # the deadline is the whole day
    assert send() == 2

    [unit_notice] = received("department_staff")
    assert unit_notice.title == "处置任务逾期：1 项"
    assert unit_notice.body.splitlines()[1].startswith("逾期公司（截止日期") and "逾期 3 天" in unit_notice.body
    assert "未到期公司" not in unit_notice.body and "今天到期公司" not in unit_notice.body
    assert unit_notice.link == "/workbench/tasks/"
    [office_notice] = received("office")
    assert open_campaign.title in office_notice.title and "甲县市场监管局" in office_notice.body
    assert office_notice.link == f"/workbench/{open_campaign.slug}/overdue/"
    assert received("city_office") == received("staff") == received("leader") == []
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "department_staff@example.gov.cn", "office@example.gov.cn"]


def test_running_twice_in_a_day_sends_once_and_the_next_day_again(tree, open_campaign, assign, send):
    assign("逾期公司", deadline_days=-3)
    assert send() == 2
    assert send() == 0 and mail.outbox == []
    assert send(TODAY + timedelta(days=1)) == 2
    assert "逾期 4 天" in received("department_staff")[0].body


def test_one_notice_a_unit_lists_all_its_overdue_tasks(tree, open_campaign, assign, send):
    assign("甲公司", deadline_days=-1)
    assign("乙公司", deadline_days=-5)
    assign("丙公司", deadline_days=-2, unit="township")
    assert send() == 3  # the department, the township, the office
    [department] = received("department_staff")
    assert department.body.splitlines()[1:] == ["乙公司（截止日期%s，逾期 5 天）" % _date(-5),
                                                 "甲公司（截止日期%s，逾期 1 天）" % _date(-1)]
    assert "丙公司" in received("staff")[0].body
    [office] = received("office")
    assert len(office.body.splitlines()) == 4


def _date(days: int) -> str:
    with override(settings.LANGUAGE_CODE):
        return date_format(TODAY + timedelta(days=days))


def test_a_finished_or_withdrawn_disposal_is_not_overdue(tree, open_campaign, assign, send):
    assign("已处置公司", deadline_days=-3, stage="finished")
    withdrawn = assign("已撤回公司", deadline_days=-3)
    ledger_services.clue_withdraw(actor=tree.user("staff"), clue=withdrawn.clue, reason="重复")
    assert send() == 0


def test_the_task_reports_the_stage_done_and_the_notices_stop(tree, open_campaign, assign, send):
    task = assign("逾期公司", deadline_days=-3)
    services.task_stage_report(actor=tree.user("department_staff"), disposal=task, stage="finished", text="已整改")
    assert send(TODAY + timedelta(days=1)) == 0


def test_a_deactivated_account_is_not_told(tree, open_campaign, assign, send):
    retired = member(tree.unit("department"), "staff", username="retired", email="retired@example.gov.cn")
    User.objects.filter(pk=retired.pk).update(is_active=False)
    assign("逾期公司", deadline_days=-3)
    send()
    assert received("retired") == [] and len(received("department_staff")) == 1


def test_the_job_reads_a_constant_number_of_queries(tree, open_campaign, assign, send, django_assert_max_num_queries):
    for n in range(2):
        assign(f"公司{n}", deadline_days=-1)
    with CaptureQueriesContext(connection) as two:
        assert send() == 2
    for n in range(2, 12):
        assign(f"公司{n}", deadline_days=-1)
    with django_assert_max_num_queries(len(two)):
        assert send(TODAY + timedelta(days=1)) == 2


def test_the_job_runs_every_morning_with_a_time_limit(tree, open_campaign, assign, send):
    entry = settings.CELERY_BEAT_SCHEDULE["overdue-disposals"]
    assert entry["task"] == send_overdue_notices_task.name
    assert entry["schedule"].hour == {8} and entry["schedule"].day_of_week == set(range(7))
    assert send_overdue_notices_task.time_limit and send_overdue_notices_task.soft_time_limit
    assign("逾期公司", deadline_days=-3)
    assert send_overdue_notices_task.apply().get() == 2


def test_both_lists_show_the_disposal_overdue(client, tree, open_campaign, assign):
    task = assign("逾期公司", deadline_days=-3)
    login(client, tree.user("department_staff"))
    assert [line.days_overdue for line in client.get(reverse("review:tasks")).context["lines"]] == [3]
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    lines = client.get(reverse("review:overdue", args=[open_campaign.slug])).context["lines"]
    assert [(line.disposal, line.days_overdue) for line in lines] == [(task, 3)]


def test_the_office_list_and_home_page_leave_out_finished_and_withdrawn_disposals(client, tree, open_campaign,
                                                                                   assign):
    late = assign("逾期公司", deadline_days=-3)
    assign("已处置公司", deadline_days=-3, stage="finished")
    assign("未到期公司", deadline_days=3)
    withdrawn = assign("已撤回公司", deadline_days=-3)
    ledger_services.clue_withdraw(actor=tree.user("staff"), clue=withdrawn.clue, reason="重复")
    login(client, tree.user("office"))
    lines = client.get(reverse("review:overdue", args=[open_campaign.slug])).context["lines"]
    assert [line.disposal for line in lines] == [late]
    assert client.get(reverse("home")).context["figures"].overdue_disposals == 1


def test_the_database_keeps_one_notice_a_disposal_a_day(tree, open_campaign, assign):
    task = assign("逾期公司", deadline_days=-3)
    OverdueNotice.objects.create(disposal=task, day=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        OverdueNotice.objects.create(disposal=task, day=TODAY)
    OverdueNotice.objects.create(disposal=task, day=TODAY + timedelta(days=1))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: no two runs overlap")
def test_two_runs_at_the_same_moment_send_once(transactional_db, tree, open_campaign, assign):
    assign("逾期公司", deadline_days=-3)
    Notification.objects.all().delete()
    first_sent, release, counts = threading.Event(), threading.Event(), {}

    def first():
        with transaction.atomic():  # holds the run's locks until released
            counts["first"] = len(overdue._send(TODAY))
            first_sent.set()
            release.wait(10)
        connections.close_all()

    def second():
        first_sent.wait(10)
        counts["second"] = len(overdue._send(TODAY))
        connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_sent.wait(10)
    time.sleep(0.5)  # the second run is now waiting on the first one's locks
    assert "second" not in counts
    release.set()
    for thread in threads:
        thread.join(20)
    assert counts == {"first": 2, "second": 0} and Notification.objects.count() == 2
