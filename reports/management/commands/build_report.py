import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from orgs.models import Unit
from reports import services
from reports.models import ReportRun
from screening.models import Campaign

WAIT_SECONDS = 600


class Command(BaseCommand):
    help = (
        "Build a report as the web page does (the same queued job; a real worker when CELERY_BROKER_URL is set), "
        "wait for it, and write the file. Without --user the system builds it and the 填报人 line stays empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["attachment1", "attachment2", "attachment3", "all", "ledger"])
        parser.add_argument("--campaign", required=True, metavar="SLUG")
        parser.add_argument("--unit", required=True, metavar="CODE")
        parser.add_argument("--output", required=True, metavar="PATH")
        parser.add_argument("--user", metavar="USERNAME", help="build as this user (permissions and footer)")

    def handle(self, *args, kind, campaign, unit, output, user=None, **options):
        campaign_obj = Campaign.objects.filter(slug=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"No campaign has the short name {campaign}.")
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"No unit has the code {unit}.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user is called {user}.")
        try:
            run = services.report_run_request(actor=actor, kind=kind, campaign=campaign_obj, unit=unit_obj)
        except (PermissionDenied, ValidationError) as refused:
            raise CommandError(" ".join(getattr(refused, "messages", [str(refused)])))
        run = self._wait(run)
        if run.status != ReportRun.Status.DONE:
            raise CommandError(_("The report failed: %(reason)s") % {"reason": run.error})
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(settings.MEDIA_ROOT) / run.file.name, output)
        self.stdout.write(f"{output}")

    def _wait(self, run: ReportRun) -> ReportRun:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            run.refresh_from_db()
            if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
                return run
            if time.monotonic() > deadline:
                raise CommandError("No worker finished the report in time; is a Celery worker running?")
            time.sleep(0.5)
