from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_report(run_id: int) -> str:
    return services.report_run_execute(run_id=run_id).status
