"""Report runs, and the tables received from units as spreadsheets (at the end).

Report runs: a request is checked and queued here; a Celery worker (or the caller, in eager mode) builds the
workbook. Building is safe to repeat: a finished run is not redone, and the file appears under its final name only
once complete. Every run ends done or failed: past its time limit, when the queue cannot be reached, and when its
worker died and no other took the job up (``report_runs_fail_abandoned``, a beat job)."""

import logging
import math
import os
import uuid
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as QueueUnreachable

from config.routers import report_reads

from ledger.exporting import write_ledger
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from review import submissions
from screening.locks import today_local
from screening.models import Campaign

from . import received, selectors, tables, tasks, work_results, xlsx
from .models import ReceivedKeyClue, ReceivedReturn, ReceivedRow, ReportRun
from .table import Footer

logger = logging.getLogger(__name__)
Kind = ReportRun.Kind
BUILDERS = {
    Kind.ATTACHMENT1: [tables.attachment1],
    Kind.ATTACHMENT2: [tables.attachment2],
    Kind.ATTACHMENT3: [tables.attachment3],
    Kind.ALL: [tables.attachment1, tables.attachment2, tables.attachment3],
    Kind.RESULTS: [work_results.results_table],
}
FILE_NAMES = {
    Kind.ATTACHMENT1: "附件1_涉嫌非法集资风险专项排查情况统计表",
    Kind.ATTACHMENT2: "附件2_重点风险线索统计表",
    Kind.ATTACHMENT3: "附件3_无非法集资区县统计表",
    Kind.ALL: "附件1-3_统计表",
    Kind.RESULTS: "工作成效量化统计表",
    Kind.LEDGER: "风险台账",
}


def required_permission(kind: str) -> Perm:
    """The attachment tables are exported by those who report upward; staff may export their own ledger."""
    return Perm.VIEW if kind == Kind.LEDGER else Perm.EXPORT


def _require(actor, kind: str, campaign: Campaign, unit: Unit) -> None:
    if actor is not None:
        permissions.require(actor, required_permission(kind), unit)
    if not (unit.path.startswith(campaign.scope_unit.path) or campaign.scope_unit.path.startswith(unit.path)):
        raise ValidationError(_("This unit is not part of the campaign."))


@transaction.atomic
def received_tables_save(*, actor, campaign: Campaign, unit: Unit, uploaded_file) -> list[ReceivedReturn]:
    """File the attachment 1 and 2 tables that ``unit`` sent in one workbook as its return for the campaign, kept
    apart from the ledger, with the file and who filed it. All or nothing: every fault of the workbook is refused at
    once, by sheet and cell. An attachment filed before is replaced, its figures with it; one the workbook does not
    hold is left as it was."""
    permissions.require_receives_tables(actor, unit)
    if not selectors.units_sending_tables(campaign, unit).filter(pk=unit.pk).exists():
        raise ValidationError(_("A table is received from a township, a village, a department or an institution of "
                                "the campaign: the tables of %(unit)s are the sums of its units.") % {"unit": unit.name})
    reading = received.read(uploaded_file, campaign=campaign, unit=unit)
    if reading.errors:
        raise ValidationError(reading.errors)
    uploaded_file.seek(0)
    kept = ReceivedReturn._meta.get_field("file").storage.save(
        f"received/{campaign.pk}-{unit.code}-{uuid.uuid4().hex[:8]}.xlsx", uploaded_file
    )
    saved = []
    for table in reading.tables:
        # The row of the unit, campaign and attachment is unique: of two uploads at once, the second waits for the
        # first and then replaces it, rather than adding a second return.
        filed, _created = ReceivedReturn.objects.update_or_create(
            campaign=campaign, unit=unit, attachment=table.attachment,
            defaults={"file": kept, "original_name": uploaded_file.name[:255], "uploaded_by": actor,
                      "uploaded_at": timezone.now()},
        )
        filed.rows.all().delete()
        filed.key_clues.all().delete()
        if table.attachment == ReceivedReturn.Attachment.ATTACHMENT1:
            ReceivedRow.objects.bulk_create(ReceivedRow(received=filed, **row) for row in table.rows)
        else:
            ReceivedKeyClue.objects.bulk_create(ReceivedKeyClue(received=filed, **row) for row in table.rows)
        saved.append(filed)
    submissions.submission_received_as_table(actor=actor, campaign=campaign, unit=unit)
    return saved


@transaction.atomic
def report_run_request(*, actor, kind: str, campaign: Campaign, unit: Unit) -> ReportRun:
    """Record the request and queue the build once the transaction commits (so the worker finds the run)."""
    if kind not in Kind.values:
        raise ValidationError(_("Unknown report."))
    _require(actor, kind, campaign, unit)
    run = ReportRun.objects.create(kind=kind, campaign=campaign, unit=unit, requested_by=actor)
    transaction.on_commit(lambda: _queue(run))
    return run


def _queue(run: ReportRun) -> None:
    """Hand the run to the workers; when the queue cannot be reached, the run fails at once with the reason."""
    try:
        tasks.build_report.delay(run.pk)
    except QueueUnreachable as unreachable:  # the reason is known; a traceback would only bury it
        logger.error("report run %s could not be queued: %s", run.pk, unreachable)
        _finish(run, status=ReportRun.Status.FAILED, error=_(
            "Report building is unavailable at the moment: the task queue cannot be reached. Try again later, or tell "
            "the system administrator."
        ))


def report_run_execute(*, run_id: int) -> ReportRun:
    """Build the workbook of a run. Repeating it is harmless: a finished run is left as it is."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(of=("self",)).select_related("campaign", "unit", "requested_by").get(pk=run_id)
        if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
            return run
        run.status, run.started_at, run.progress, run.error = ReportRun.Status.RUNNING, timezone.now(), 10, ""
        run.save(update_fields=["status", "started_at", "progress", "error"])
    try:
        _require(run.requested_by, run.kind, run.campaign, run.unit)
        name = _build(run)
    except (PermissionDenied, ValidationError) as refused:
        return _finish(run, status=ReportRun.Status.FAILED, error=" ".join(getattr(refused, "messages", [str(refused)])))
    except SoftTimeLimitExceeded:
        return _finish(run, status=ReportRun.Status.FAILED, error=_(
            "Building took longer than %(seconds)s seconds and was stopped. Try again later, or build a smaller unit."
        ) % {"seconds": settings.REPORT_SOFT_TIME_LIMIT})
    except Exception as crash:  # noqa: BLE001 - the user sees the reason; the log keeps the traceback
        logger.exception("report run %s failed", run.pk)
        return _finish(run, status=ReportRun.Status.FAILED, error=f"{type(crash).__name__}: {crash}")
    return _finish(run, status=ReportRun.Status.DONE, file=name)


def _build(run: ReportRun) -> str:
    """Write to a temporary file beside the final one and rename it into place, so a half-written file is never
    offered for download."""
    folder = Path(settings.MEDIA_ROOT) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"reports/{run.pk}-{FILE_NAMES[run.kind]}-{run.unit.code}.xlsx"
    temporary = folder / f".{uuid.uuid4().hex}.tmp"
    try:
        with report_reads():
            _write(run, temporary)
        os.replace(temporary, Path(settings.MEDIA_ROOT) / relative)
    finally:
        temporary.unlink(missing_ok=True)
    return relative


def _write(run: ReportRun, path: Path) -> None:
    """The reads go to the replica when there is one; the progress is written to the primary."""
    if run.kind == Kind.LEDGER:
        write_ledger(path, user=run.requested_by, campaign=run.campaign, unit=run.unit,
                     progress=lambda written, total: _rows_written(run, written, total))
    else:
        built = [build(campaign=run.campaign, unit=run.unit) for build in BUILDERS[run.kind]]
        ReportRun.objects.filter(pk=run.pk).update(progress=60)
        xlsx.write(built, footer_for(run.requested_by), path)


def _rows_written(run: ReportRun, written: int, total: int) -> None:
    """Between the 10 % of a started run and the 100 % of a finished one, in proportion to the rows written."""
    share = 10 + 85 * written // total if total else 95
    ReportRun.objects.filter(pk=run.pk).update(progress=share, rows_written=written, rows_total=total)


def footer_for(user) -> Footer:
    if user is None:
        return Footer("", "", today_local())
    return Footer(user.full_name or user.username, user.phone, today_local())


def _finish(run: ReportRun, *, status: str, error: str = "", file: str = "") -> ReportRun:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    run.progress = 100 if status == ReportRun.Status.DONE else run.progress
    fields = ["status", "error", "finished_at", "progress"]
    if file:
        run.file.name = file
        fields.append("file")
    run.save(update_fields=fields)
    return run


def report_runs_fail_abandoned() -> int:
    """Fail the runs no worker finished within REPORT_ABANDONED_AFTER seconds: past the hard time limit and the
    redelivery of a dead worker's job, nothing will finish them any more. Returns how many were failed."""
    cutoff = timezone.now() - timedelta(seconds=settings.REPORT_ABANDONED_AFTER)
    minutes = {"minutes": math.ceil(settings.REPORT_ABANDONED_AFTER / 60)}
    Status = ReportRun.Status
    stopped = ReportRun.objects.filter(status=Status.RUNNING, started_at__lt=cutoff).update(
        status=Status.FAILED, finished_at=timezone.now(), error=_(
            "The worker building this workbook stopped before finishing (it was stopped, killed or ran out of time), "
            "and no other worker finished it within %(minutes)s minutes."
        ) % minutes,
    )
    never_taken = ReportRun.objects.filter(status=Status.QUEUED, created_at__lt=cutoff).update(
        status=Status.FAILED, finished_at=timezone.now(), error=_(
            "No worker took up this workbook within %(minutes)s minutes: report building may be stopped. Tell the "
            "system administrator if it happens again."
        ) % minutes,
    )
    return stopped + never_taken
