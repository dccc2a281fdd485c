from celery import shared_task

from screening.locks import today_local

from . import overdue


# Safe to deliver twice (the job logs what it sent), so a worker lost mid-run hands it to another. The limits end a run
# stuck on the database as failed, its transaction rolled back, so that the next run sends it all; the mail leaves
# after the commit, and a mail server that is down costs only the mail (orgs.services.notify).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def send_overdue_notices_task() -> int:
    return overdue.send_overdue_notices(on=today_local())
