from celery import shared_task
from django.conf import settings

from . import services


# The run's row is the result (status, file, error): nothing waits on Celery's result store, so queuing does not
# depend on it.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT, time_limit=settings.REPORT_TIME_LIMIT)
def build_report(run_id: int) -> str:
    return services.report_run_execute(run_id=run_id).status


@shared_task
def fail_abandoned_runs_task() -> int:
    return services.report_runs_fail_abandoned()
