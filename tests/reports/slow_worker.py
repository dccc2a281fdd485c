"""The Celery app of a worker process whose report builds first wait SLOW_BUILD_SECONDS, so that a test can kill the
worker mid-build or run into the time limits: ``celery -A tests.reports.slow_worker worker``."""

import os
import time

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_down_builds(**kwargs):
    from reports import services

    build = services._build

    def slow_build(run):
        time.sleep(float(os.environ.get("SLOW_BUILD_SECONDS", "0")))
        return build(run)

    services._build = slow_build
