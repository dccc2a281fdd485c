"""Reporting completeness: each expected unit's data state, timeliness, briefings against the quota and summary; the
same lines from ``manage.py reporting_status``; the office's reminders (催报) to one unit or every late one."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from ledger import services as ledger_services
from orgs.models import Notification
from oversight import services as oversight_services
from oversight.models import Briefing, BriefingQuota, Chase, Filing
from review import submissions
from screening.locks import today_local
from screening.models import Phase
from tests.factories import UnitFactory, expect

TODAY = today_local()


@pytest.fixture
def campaign(open_campaign, tree):
    Phase.objects.create(campaign=open_campaign, kind=Phase.Kind.SUMMARY, start=TODAY - timedelta(days=1),
                         end=TODAY + timedelta(days=5), deadline=TODAY + timedelta(days=5))
    expect(open_campaign, tree.unit("sibling_township"))
    BriefingQuota.objects.create(campaign=open_campaign, unit_level="township", unit_kind="government", minimum=2)
    BriefingQuota.objects.create(campaign=open_campaign, unit_level="county", unit_kind="department", minimum=1)
    return open_campaign


@pytest.fixture
def progress(tree, campaign, clue_data):
    """一街道 hands in a zero report with a briefing and its summary; the department has a draft; 二街道 nothing."""
    staff = tree.user("staff")
    oversight_services.briefing_file(actor=staff, campaign=campaign, unit=tree.unit("township"),
                                     kind=Briefing.Kind.CASE, title="案例", text="x", day=TODAY)
    oversight_services.filing_save(actor=staff, campaign=campaign, unit=tree.unit("township"),
                                   kind=Filing.Kind.SUMMARY, text="总结")
    submissions.submission_declare(actor=staff, campaign=campaign, unit=tree.unit("township"))
    ledger_services.clue_create(actor=tree.user("department_staff"), campaign=campaign, unit=tree.unit("department"),
                                data=clue_data())
    return campaign


def lines_of(tree, campaign):
    out = StringIO()
    call_command("reporting_status", campaign=campaign.slug, unit=tree.unit("county").code, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_reporting_status_lists_every_expected_unit_with_its_state(tree, progress):
    assert lines_of(tree, progress) == [
        ["A-D", "甲县市场监管局", "entering", "-", "0", "1", "missing"],
        ["A1", "一街道", "submitted", "yes", "1", "2", "filed"],
        ["A2", "二街道", "not_started", "-", "0", "2", "missing"],
    ]


def test_after_the_deadline_a_unit_without_its_data_is_late(tree, progress):
    progress.phases.filter(kind=Phase.Kind.SCREENING).update(start=TODAY - timedelta(days=20),
                                                             end=TODAY - timedelta(days=1),
                                                             deadline=TODAY - timedelta(days=1))
    on_time = {code: flag for code, _name, _state, flag, *_rest in lines_of(tree, progress)}
    # 一街道 handed in before the deadline moved back past its hand-in: late
    assert on_time == {"A-D": "no", "A1": "no", "A2": "no"}


def test_the_page_shows_the_rates_and_the_office_reminds_the_late_units(client, tree, progress,
                                                                        django_assert_max_num_queries,
                                                                        django_capture_on_commit_callbacks):
    progress.phases.filter(kind=Phase.Kind.SCREENING).update(deadline=TODAY - timedelta(days=1))
    client.force_login(tree.user("office"))
    url = reverse("reports:completeness", args=[progress.slug])
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "甲县市场监管局" in page and "催报全部 2 个逾期单位" in page
    tree.user("department_staff").email = "scjg@example.cn"
    tree.user("department_staff").save()
    mail.outbox.clear()
    with django_assert_max_num_queries(60), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:chase", args=[progress.slug]), {"target": "late"})
    chased = {chase.unit.code: chase.missing for chase in Chase.objects.all()}
    assert set(chased) == {"A-D", "A2"}
    assert "数据" in chased["A2"] and "2 篇" in chased["A2"] and "总结报告" in chased["A2"]
    told = Notification.objects.get(recipient=tree.user("department_staff"))
    assert told.link == reverse("oversight:work", args=[progress.slug])
    assert not Notification.objects.filter(recipient=tree.user("staff")).exclude(title__contains="退回").exists()
    assert [m.to for m in mail.outbox if "甲县市场监管局" in m.body] == [["scjg@example.cn"]]


def test_one_unit_is_reminded_by_name(client, tree, progress):
    client.force_login(tree.user("office"))
    client.post(reverse("reports:chase", args=[progress.slug]), {"target": tree.unit("sibling_township").pk})
    assert list(Chase.objects.values_list("unit__code", flat=True)) == ["A2"]


def test_the_leader_reads_completeness_and_cannot_remind(client, tree, progress):
    client.force_login(tree.user("leader"))
    page = client.get(reverse("reports:completeness", args=[progress.slug])).content.decode()
    assert "二街道" in page and "催报" not in page
    response = client.post(reverse("reports:chase", args=[progress.slug]), {"target": "late"})
    assert response.status_code == 403 and not Chase.objects.exists()


def test_the_query_count_does_not_grow_with_the_units(client, tree, progress, django_assert_max_num_queries):
    expect(progress, *[UnitFactory(name=f"新街道{n}", code=f"A9{n}", parent=tree.unit("county")) for n in range(30)])
    client.force_login(tree.user("office"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reports:completeness", args=[progress.slug])).status_code == 200
