"""Report runs end done or failed, never queued or running for ever: when the worker is killed mid-build, when a build
runs past its time limit, when no worker finishes a run, and when the queue (Redis) cannot be reached."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import execute_from_command_line
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from reports import services
from reports.models import ReportRun
from reports.tasks import build_report, fail_abandoned_runs_task
from tests.orgs.test_pages import login
from tests.reports.runs import wait_for_run
from tests.subprocesses import environment

UNAVAILABLE = "报表生成服务暂不可用：无法连接任务队列"

WORKER_PROCESS_MARKS = (
    pytest.mark.celery_worker,
    pytest.mark.skipif(celery_app.conf.task_always_eager, reason="needs a Redis broker (CELERY_BROKER_URL)"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="a worker process cannot reach SQLite's test database, which lives in this process"),
)


def needs_worker_process(test):
    for mark in WORKER_PROCESS_MARKS:
        test = mark(test)
    return test


@contextmanager
def worker_process(queue: str, tmp_path, *, slow_build_seconds: float, **limits):
    """A `celery worker` process (prefork, as in production) of its own queue, its builds slowed down; killed on exit."""
    log = (tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.reports.slow_worker", "worker", "--pool=prefork",
         "--concurrency=1", "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
         "--without-mingle", "--loglevel=info"],
        cwd=django_settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env=environment(SLOW_BUILD_SECONDS=slow_build_seconds, MEDIA_ROOT=tmp_path / "media", **limits),
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        log.close()


@pytest.fixture
def own_queue(transactional_db):
    """The test's jobs go to a queue of their own, so no other worker on the broker takes them."""
    queue = f"tests-{uuid.uuid4().hex}"
    default_queue, reports_queue = celery_app.conf.task_default_queue, celery_app.conf.reports_queue
    celery_app.conf.task_default_queue = celery_app.conf.reports_queue = queue
    yield queue
    celery_app.conf.task_default_queue, celery_app.conf.reports_queue = default_queue, reports_queue
    with celery_app.connection_for_write() as connection_:
        leftover = celery_app.amqp.queues[queue].bind(connection_.default_channel)
        leftover.declare()
        leftover.delete()


@pytest.fixture
def report_limits(settings, monkeypatch):
    """Short time limits (seconds), as the web and the worker processes of one installation read them from the
    environment: the web side's go with each job, the worker's decide when a dead worker's job comes back."""
    configured = (django_settings.REPORT_SOFT_TIME_LIMIT, django_settings.REPORT_TIME_LIMIT)
    assert (build_report.soft_time_limit, build_report.time_limit) == configured

    def apply(**limits):
        for name, seconds in limits.items():
            setattr(settings, name, seconds)
        monkeypatch.setattr(build_report, "soft_time_limit", limits["REPORT_SOFT_TIME_LIMIT"])
        monkeypatch.setattr(build_report, "time_limit", limits["REPORT_TIME_LIMIT"])
        return limits
    return apply


def request_county_workbook(tree, campaign) -> ReportRun:
    return services.report_run_request(actor=tree.user("office"), kind="all", campaign=campaign,
                                       unit=tree.unit("county"))


@needs_worker_process
def test_a_run_whose_worker_is_killed_mid_build_is_built_again_by_another(own_queue, tree, open_campaign, tmp_path,
                                                                          report_limits):
    limits = report_limits(REPORT_SOFT_TIME_LIMIT=6, REPORT_TIME_LIMIT=8, REPORT_REDELIVERY_AFTER=10,
                           REPORT_ABANDONED_AFTER=40)
    with worker_process(own_queue, tmp_path, slow_build_seconds=60, **limits) as first:
        run = request_county_workbook(tree, open_campaign)
        assert wait_for_run(run, timeout=60, until=("running",)).status == "running"
        os.killpg(first.pid, signal.SIGKILL)
        killed_at = time.monotonic()
    with worker_process(own_queue, tmp_path, slow_build_seconds=0, **limits):
        # What the beat job does once a minute, here every half second: it fails the run if nobody builds it again.
        while run.status not in ("done", "failed") and time.monotonic() - killed_at < limits["REPORT_ABANDONED_AFTER"] + 20:
            services.report_runs_fail_abandoned()
            time.sleep(0.5)
            run.refresh_from_db()
    ended_after = time.monotonic() - killed_at
    print(f"killed run ended {run.status} {ended_after:.1f} s after the kill")
    # The documented bound: the job goes back to the queue REPORT_REDELIVERY_AFTER seconds after the dead worker took
    # it, and a worker looks for such jobs every 10 s.
    assert run.status == "done" and run.file
    assert ended_after < limits["REPORT_REDELIVERY_AFTER"] + 10 + 5


@needs_worker_process
def test_a_build_past_its_soft_time_limit_fails_with_the_reason(own_queue, tree, open_campaign, tmp_path,
                                                                report_limits):
    limits = report_limits(REPORT_SOFT_TIME_LIMIT=2, REPORT_TIME_LIMIT=4, REPORT_REDELIVERY_AFTER=6,
                           REPORT_ABANDONED_AFTER=20)
    with worker_process(own_queue, tmp_path, slow_build_seconds=30, **limits):
        run = request_county_workbook(tree, open_campaign)
        run = wait_for_run(run, timeout=40)
    assert run.status == "failed" and not run.file
    assert run.error == "生成时间超过 2 秒，已停止。请稍后再试，或分单位生成。"


def test_the_beat_job_fails_runs_no_worker_finished_and_their_page_offers_to_build_again(client, tree, open_campaign,
                                                                                        settings):
    settings.REPORT_ABANDONED_AFTER = 600
    long_ago = timezone.now() - timedelta(seconds=601)
    lately = timezone.now() - timedelta(seconds=590)
    county, office = tree.unit("county"), tree.user("office")

    def run(status, **times):
        made = ReportRun.objects.create(kind="attachment1", campaign=open_campaign, unit=county, requested_by=office,
                                        status=status)
        ReportRun.objects.filter(pk=made.pk).update(**times)
        return made

    stopped = run("running", started_at=long_ago, created_at=long_ago)
    never_taken = run("queued", created_at=long_ago)
    building = run("running", started_at=lately, created_at=long_ago)
    waiting = run("queued", created_at=lately)
    assert django_settings.CELERY_BEAT_SCHEDULE["abandoned-report-runs"]["task"] == fail_abandoned_runs_task.name

    assert fail_abandoned_runs_task() == 2
    statuses = dict(ReportRun.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in (stopped, never_taken, building, waiting)] == ["failed", "failed", "running",
                                                                                   "queued"]
    login(client, office)
    page = client.get(reverse("reports:run", args=[stopped.pk])).content.decode()
    assert "负责生成的后台进程在完成前停止（被停止、被终止或超时），10 分钟内也没有其他进程完成" in page
    assert 'http-equiv="refresh"' not in page and "重新生成</button>" in page
    page = client.get(reverse("reports:run", args=[never_taken.pk])).content.decode()
    assert "10 分钟内没有后台进程开始生成" in page
    again = client.post(reverse("reports:build", args=[open_campaign.slug]), {"kind": "attachment1", "unit": county.pk})
    rebuilt = ReportRun.objects.latest("pk")
    assert again["Location"] == rebuilt.get_absolute_url() and rebuilt.kind == "attachment1" and rebuilt.unit == county


def test_a_job_delivered_again_leaves_a_failed_run_as_it_is(tree, open_campaign):
    run = request_county_workbook(tree, open_campaign)
    ReportRun.objects.filter(pk=run.pk).update(status="failed", error="已停止")
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error, run.file.name) == ("failed", "已停止", "")


@pytest.fixture
def unreachable_broker(monkeypatch):
    """The application as in production (not eager), its broker a closed port: Redis is down."""
    closed_port = "redis://127.0.0.1:1/0"
    monkeypatch.setenv("CELERY_BROKER_URL", closed_port)  # Celery reads it before its configuration
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def forget_connections():
        # The producers are pooled per application once first used; another broker address needs new ones.
        celery_app._pool = celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = closed_port, False
    forget_connections()
    yield
    monkeypatch.undo()
    conf.broker_url, conf.task_always_eager = saved
    forget_connections()


def test_with_redis_down_the_page_says_at_once_that_building_is_unavailable(unreachable_broker, transactional_db,
                                                                            client, tree, open_campaign):
    login(client, tree.user("office"))
    started = time.monotonic()
    response = client.post(reverse("reports:build", args=[open_campaign.slug]),
                           {"kind": "attachment1", "unit": tree.unit("county").pk}, follow=True)
    answered_after = time.monotonic() - started
    print(f"the page answered after {answered_after:.2f} s")
    assert response.status_code == 200 and answered_after < 3
    assert UNAVAILABLE in response.content.decode() and 'http-equiv="refresh"' not in response.content.decode()
    assert ReportRun.objects.get().status == "failed"
    assert client.get(reverse("reports:preview", args=[open_campaign.slug, "attachment1"])).status_code == 200
    assert client.get(reverse("ledger:home")).status_code in (200, 302)


def test_with_redis_down_build_report_exits_non_zero_with_the_message_and_no_traceback(unreachable_broker,
                                                                                       transactional_db, tree,
                                                                                       open_campaign, tmp_path,
                                                                                       capsys):
    started = time.monotonic()
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "build_report", "attachment1", "--campaign", open_campaign.slug,
                                   "--unit", "A", "--output", str(tmp_path / "a.xlsx"), "--user", "office"])
    err = capsys.readouterr().err
    assert exited.value.code == 1 and time.monotonic() - started < 3
    assert f"报表生成失败：{UNAVAILABLE}" in err and "Traceback" not in err
    assert ReportRun.objects.get().status == "failed"
