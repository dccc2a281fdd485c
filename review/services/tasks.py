"""The responsible unit's writes on its disposal task: progress, stages reached, files."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ledger.models import Clue
from orgs import permissions, uploads
from screening.locks import today_local

from .. import notices
from .disposal import needs_case_date, note_progress
from ..models import Disposal, DisposalFile, ProgressNote


def _task_locked(actor, disposal: Disposal) -> Disposal:
    """The disposal, locked, once the actor is found to act for its responsible unit and its clue still stands."""
    disposal = (
        Disposal.objects.select_for_update(of=("self",))
        .select_related("clue__entity", "clue__unit", "responsible_unit")
        .get(pk=disposal.pk)
    )
    permissions.require(actor, permissions.ACT_ON_TASKS, disposal.responsible_unit)
    if disposal.clue.status == Clue.Status.WITHDRAWN:
        raise ValidationError(_("The clue has been withdrawn: its disposal is closed."))
    return disposal


@transaction.atomic
def task_progress_add(*, actor, disposal: Disposal, on: date, text: str) -> ProgressNote:
    """The responsible unit notes how its task is going; the office is told."""
    disposal = _task_locked(actor, disposal)
    note = note_progress(actor, disposal, on=on, text=text)
    notices.task_progress_noted(actor, disposal, note)
    return note


@transaction.atomic
def task_stage_report(*, actor, disposal: Disposal, stage: str, text: str,
                      case_filed_on: date | None = None) -> Disposal:
    """The responsible unit reports a stage reached (under way, then finished), saying what was done. Stages only move
    forward here: setting one back is the office's decision, in the plan. The office is told."""
    disposal = _task_locked(actor, disposal)
    order, errors = list(Disposal.Stage.values), {}
    if stage not in order or order.index(stage) <= order.index(disposal.stage):
        errors["stage"] = _("The task is already “%(stage)s”: report a later stage.") % {
            "stage": disposal.get_stage_display()}
    if not text.strip():
        errors["text"] = _("Say what has been done.")
    case_filed_on = disposal.case_filed_on or case_filed_on
    if needs_case_date(disposal.track, stage, case_filed_on):
        errors["case_filed_on"] = _("Give the date the criminal case was filed.")
    elif case_filed_on and case_filed_on > today_local():
        errors["case_filed_on"] = _("The case cannot be filed in the future.")
    if errors:
        raise ValidationError(errors)
    note = note_progress(actor, disposal, on=today_local(), text=text, stage=stage)
    disposal.stage, disposal.case_filed_on = stage, case_filed_on
    disposal._history_user = actor
    disposal.save(update_fields=["stage", "case_filed_on", "updated_at"])
    notices.task_stage_reported(actor, disposal, note)
    return disposal


@transaction.atomic
def task_file_add(*, actor, disposal: Disposal, uploaded_file) -> DisposalFile:
    """The responsible unit files a record of its work; like evidence, a file once added is never deleted."""
    disposal = _task_locked(actor, disposal)
    uploads.check_upload(uploaded_file)
    name_length = DisposalFile._meta.get_field("name").max_length
    added = DisposalFile.objects.create(
        disposal=disposal, file=uploaded_file, name=uploaded_file.name[:name_length], uploaded_by=actor
    )
    notices.task_file_added(actor, disposal, added)
    return added
