from celery import shared_task

from screening.locks import today_local

from . import reminders, services


# Safe to deliver twice: each action is marked in the transaction that tells of it.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def send_overdue_action_notices_task() -> int:
    return services.send_overdue_action_notices(on=today_local())


# Safe to deliver twice (the reminders are logged as they are sent).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def send_filing_reminders_task() -> int:
    return reminders.send_filing_reminders(on=today_local())
