"""Scale-out: report jobs wait in a queue of their own, and report computations read from the replica when there is
one while every write goes to the primary. The replica alias of the suite points at the same database."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from config.celery import app as celery_app
from reports import services
from reports.models import ReportRun


def _writes(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


def test_report_jobs_go_to_the_reports_queue_and_reminders_do_not():
    route = celery_app.amqp.router.route
    assert route({}, "reports.tasks.build_report")["queue"].name == "reports"
    for reminder in ("screening.tasks.send_deadline_reminders_task", "review.tasks.send_overdue_notices_task"):
        assert route({}, reminder)["queue"].name == celery_app.conf.task_default_queue


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.parametrize("kind", ["ledger", "attachment1"])
def test_a_report_run_reads_the_ledger_from_the_replica_and_writes_to_the_primary(tree, open_campaign, ledger, kind,
                                                                                  settings, tmp_path):
    settings.MEDIA_ROOT, settings.REPORT_READS_DATABASE = tmp_path, "replica"
    ledger.clue("township", "staff", ledger.entity("某某公司"), "网络借贷平台", amount="1.25", people=2)
    run = services.report_run_request(actor=tree.user("office"), kind=kind, campaign=open_campaign,
                                      unit=tree.unit("county"))
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.QUEUED)
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        run = services.report_run_execute(run_id=run.pk)
    assert run.status == "done", run.error
    read_on_replica = " ".join(query["sql"] for query in replica.captured_queries)
    read_on_primary = " ".join(query["sql"] for query in primary.captured_queries if not _writes(query["sql"]))
    assert '"ledger_clue"' in read_on_replica and '"ledger_clue"' not in read_on_primary
    assert not [query for query in replica.captured_queries if _writes(query["sql"])]
    assert ReportRun.objects.using("default").get(pk=run.pk).status == "done"
