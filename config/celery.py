import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fundscreen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_task(name, args, kwargs, options, task=None, **kw):
    """Report jobs to the reports queue (read when the task is sent, so a test may give it a name of its own)."""
    if name.startswith("reports."):
        return {"queue": app.conf.reports_queue}
    return None
