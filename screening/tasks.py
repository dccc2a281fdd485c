from celery import shared_task

from . import locks, reminders


# Safe to deliver twice (the job logs what it sent), so a worker lost mid-run hands it to another.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_deadline_reminders_task() -> int:
    return reminders.send_deadline_reminders(on=locks.today_local())
