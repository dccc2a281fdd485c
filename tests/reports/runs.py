import time

from reports.models import ReportRun


def wait_for_run(run: ReportRun, *, timeout: float, until=("done", "failed")) -> ReportRun:
    """The run once its status is one of ``until``, as a user refreshing its page would see it."""
    deadline = time.monotonic() + timeout
    while True:
        run.refresh_from_db()
        if run.status in until or time.monotonic() > deadline:
            return run
        time.sleep(0.2)
