"""The office's writes on clues: review, rating, key clues, disposal (一事一策), transfer and merge; and the responsible
unit's writes on its disposal task.

Each checks that the actor holds REVIEW on the clue's unit (the task's writes: that the actor acts for the responsible
unit), runs in a transaction, and leaves a ClueEvent saying who, when, what and why (field-level changes are kept by
django-simple-history as well). Each side is told of what the other does to a disposal.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import services as ledger_services
from ledger.models import Clue, ClueEvent, ScreeningRecord
from orgs import permissions
from orgs.batch import each_or_none
from orgs.models import Unit
from orgs.permissions import Perm
from screening.locks import today_local
from screening.models import Term

from . import notices
from .models import Assessment, CountyReturn, Disposal, DisposalFile, ProgressNote, ProvinceNotice

HIGH_SUM = 14
MEDIUM_SUM = 9
MAX_SCORE = 5


def _require_review(actor, *units: Unit) -> None:
    for unit in units:
        permissions.require(actor, Perm.REVIEW, unit)


def _event(clue: Clue, kind: str, actor, reason: str = "", **details) -> ClueEvent:
    return ClueEvent.objects.create(clue=clue, kind=kind, actor=actor, reason=reason, details=details)


def _locked(clue: Clue) -> Clue:
    return Clue.objects.select_for_update().select_related("unit", "entity", "record").get(pk=clue.pk)


# Review --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def clue_accept(*, actor, clue: Clue) -> Clue:
    _require_review(actor, clue.unit)
    clue = _locked(clue)
    if clue.status != Clue.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted clue can be accepted."))
    clue.status = Clue.Status.ACCEPTED
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["status", "version", "updated_at"])
    _event(clue, ClueEvent.Kind.ACCEPTED, actor)
    notices.clue_accepted(clue)
    return clue


@transaction.atomic
def clues_accept(*, actor, clues) -> int:
    """Accept several submitted clues at once: all, or none when any is refused, each refusal naming its clue."""
    return each_or_none(clues, lambda clue: clue_accept(actor=actor, clue=clue), name=str)


def _check_return_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the unit should correct.")})


@transaction.atomic
def clue_return(*, actor, clue: Clue, reason: str) -> Clue:
    """Send a submitted clue back to its unit with the reason; staff correct it and submit it again."""
    _require_review(actor, clue.unit)
    _check_return_reason(reason)
    clue = _locked(clue)
    if clue.status not in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED):
        raise ValidationError(_("Only a submitted or accepted clue can be returned."))
    clue.status, clue.return_reason = Clue.Status.RETURNED, reason.strip()
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["status", "return_reason", "version", "updated_at"])
    _event(clue, ClueEvent.Kind.RETURNED, actor, reason.strip())
    notices.clue_returned(clue, reason.strip())
    return clue


@transaction.atomic
def clues_return(*, actor, clues, reason: str) -> int:
    """Return several clues with one reason for all: all, or none when any is refused, each refusal naming its clue."""
    _check_return_reason(reason)
    return each_or_none(clues, lambda clue: clue_return(actor=actor, clue=clue, reason=reason), name=str)


# Rating --------------------------------------------------------------------------------------------------------------


def level_for(*scores: int) -> str:
    """The documented rule: 高 when any factor scores 5 or the four add up to 14 or more; 中 when any factor scores 4 or
    they add up to 9 or more; 低 otherwise."""
    total, highest = sum(scores), max(scores)
    if highest == MAX_SCORE or total >= HIGH_SUM:
        return Assessment.Level.HIGH
    if highest == MAX_SCORE - 1 or total >= MEDIUM_SUM:
        return Assessment.Level.MEDIUM
    return Assessment.Level.LOW


@dataclass(frozen=True)
class Scores:
    public_reach: int
    risk_exposure: int
    opinion_heat: int
    stability_risk: int

    def values(self) -> tuple[int, int, int, int]:
        return (self.public_reach, self.risk_exposure, self.opinion_heat, self.stability_risk)


@transaction.atomic
def clue_rate(*, actor, clue: Clue, scores: Scores, notes: str = "") -> Assessment:
    _require_review(actor, clue.unit)
    if any(not 1 <= score <= MAX_SCORE for score in scores.values()):
        raise ValidationError(_("Each factor is scored from 1 to 5."))
    clue = _locked(clue)
    if clue.status not in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED):
        raise ValidationError(_("Only a submitted or accepted clue can be rated."))
    assessment = Assessment.objects.filter(clue=clue).first() or Assessment(clue=clue)
    for name, value in zip(("public_reach", "risk_exposure", "opinion_heat", "stability_risk"), scores.values()):
        setattr(assessment, name, value)
    assessment.computed_level = level_for(*scores.values())
    assessment.notes, assessment.rated_by = notes.strip(), actor
    assessment._history_user = actor
    assessment.save()
    _event(clue, ClueEvent.Kind.RATED, actor, scores=list(scores.values()), level=assessment.computed_level)
    return assessment


@transaction.atomic
def level_override(*, actor, clue: Clue, level: str, reason: str) -> Assessment:
    """The office sets the level itself; an empty ``level`` goes back to the rule's."""
    _require_review(actor, clue.unit)
    assessment = Assessment.objects.select_for_update().filter(clue=clue).first()
    if assessment is None:
        raise ValidationError(_("Rate the clue before changing its level."))
    if level and level not in Assessment.Level.values:
        raise ValidationError({"level": _("Choose 高, 中 or 低.")})
    if level and not reason.strip():
        raise ValidationError({"reason": _("Say why the level differs from the rule's.")})
    assessment.level_override, assessment.override_reason = level, reason.strip() if level else ""
    assessment._history_user = actor
    assessment.save(update_fields=["level_override", "override_reason", "rated_at"])
    _event(clue, ClueEvent.Kind.LEVEL_OVERRIDDEN, actor, reason.strip(), level=level or assessment.computed_level)
    return assessment


@transaction.atomic
def clue_mark_key(*, actor, clue: Clue, is_key: bool, reason: str = "") -> Assessment:
    """Decide whether an accepted, rated clue is a key risk clue (重点风险线索, attachment 2)."""
    _require_review(actor, clue.unit)
    clue = _locked(clue)
    assessment = Assessment.objects.select_for_update().filter(clue=clue).first()
    if assessment is None:
        raise ValidationError(_("Rate the clue before deciding whether it is a key clue."))
    if is_key and clue.status != Clue.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted clue can be a key clue."))
    assessment.is_key = is_key
    assessment._history_user = actor
    assessment.save(update_fields=["is_key", "rated_at"])
    _event(clue, ClueEvent.Kind.MARKED_KEY if is_key else ClueEvent.Kind.UNMARKED_KEY, actor, reason.strip())
    return assessment


# Disposal ------------------------------------------------------------------------------------------------------------


@dataclass
class DisposalPlan:
    responsible_unit: Unit
    track: str
    measures: list[Term]
    deadline: date | None = None
    stage: str = Disposal.Stage.PLANNED
    not_handled_reason: str = ""
    case_filed_on: date | None = None
    refund_status: str = ""
    refunded_share: Decimal | None = None
    handling_result: str = ""
    notices: dict[str, int] | None = None  # province → times notified
    instructions: str = ""


def _needs_case_date(track: str, stage: str, case_filed_on: date | None) -> bool:
    """An investigation under way or finished has a criminal case, and attachment 3 counts it by the date it was filed."""
    return track == Disposal.Track.INVESTIGATE and stage != Disposal.Stage.PLANNED and not case_filed_on


def _check_plan(clue: Clue, plan: DisposalPlan) -> None:
    errors = {}
    if plan.track not in Disposal.Track.values:
        errors["track"] = _("Choose a track.")
    if plan.track == Disposal.Track.NOT_HANDLED and not plan.not_handled_reason.strip():
        errors["not_handled_reason"] = _("Say why the clue is not handled yet.")
    if _needs_case_date(plan.track, plan.stage, plan.case_filed_on):
        errors["case_filed_on"] = _("Give the date the criminal case was filed.")
    if plan.refund_status and plan.refunded_share is None and plan.refund_status == Disposal.Refund.REFUNDING:
        errors["refunded_share"] = _("Give the share refunded so far.")
    if plan.refunded_share is not None and not Decimal("0") <= plan.refunded_share <= Decimal("100"):
        errors["refunded_share"] = _("The refunded share is a percentage from 0 to 100.")
    if plan.refunded_share is not None and plan.refunded_share != plan.refunded_share.quantize(Decimal("0.01")):
        errors["refunded_share"] = _("The refunded share takes at most two decimals.")
    wrong_measures = [m.name for m in plan.measures if m.campaign_id != clue.campaign_id or m.vocabulary != Term.Vocabulary.MEASURE]
    if wrong_measures:
        errors["measures"] = _("Not measures of this campaign: %(names)s.") % {"names": "、".join(wrong_measures)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disposal_save(*, actor, clue: Clue, plan: DisposalPlan) -> Disposal:
    _require_review(actor, clue.unit)
    clue = _locked(clue)
    if clue.status not in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED):
        raise ValidationError(_("Plan the disposal of a submitted or accepted clue."))
    _check_plan(clue, plan)
    disposal = Disposal.objects.filter(clue=clue).first() or Disposal(clue=clue)
    before = notices.task_terms(disposal) if disposal.pk else None
    disposal.responsible_unit, disposal.track, disposal.deadline = plan.responsible_unit, plan.track, plan.deadline
    disposal.stage, disposal.not_handled_reason = plan.stage, plan.not_handled_reason.strip()
    disposal.case_filed_on, disposal.refund_status = plan.case_filed_on, plan.refund_status
    disposal.refunded_share = Decimal("100.00") if plan.refund_status == Disposal.Refund.REFUNDED else plan.refunded_share
    disposal.handling_result, disposal.instructions = plan.handling_result.strip(), plan.instructions.strip()
    disposal._history_user = actor
    disposal.save()
    disposal.measures.set(plan.measures)
    if plan.notices is not None:
        disposal.notices.exclude(province__in=plan.notices).delete()
        for province, times in plan.notices.items():
            ProvinceNotice.objects.update_or_create(disposal=disposal, province=province, defaults={"times": times})
    _event(clue, ClueEvent.Kind.DISPOSAL_PLANNED, actor, track=plan.track, stage=plan.stage)
    notices.disposal_planned(actor, disposal, before)
    return disposal


def _note(actor, disposal: Disposal, *, on: date, text: str, stage: str = "") -> ProgressNote:
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    if on > today_local():
        raise ValidationError({"on": _("Progress cannot be dated in the future.")})
    note = ProgressNote.objects.create(disposal=disposal, on=on, text=text.strip(), stage_reported=stage, author=actor)
    if stage:
        _event(disposal.clue, ClueEvent.Kind.DISPOSAL_PLANNED, actor, note.text[:500], track=disposal.track, stage=stage)
    else:
        _event(disposal.clue, ClueEvent.Kind.PROGRESS, actor, note.text[:500], on=on.isoformat())
    return note


@transaction.atomic
def progress_add(*, actor, clue: Clue, on: date, text: str) -> ProgressNote:
    """The office notes progress itself; the responsible unit reads it with its task."""
    _require_review(actor, clue.unit)
    disposal = Disposal.objects.filter(clue=clue).select_related("clue__entity", "responsible_unit").first()
    if disposal is None:
        raise ValidationError(_("Plan the disposal before noting progress."))
    note = _note(actor, disposal, on=on, text=text)
    notices.office_noted(actor, disposal, note)
    return note


# The responsible unit's task -----------------------------------------------------------------------------------------


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
    note = _note(actor, disposal, on=on, text=text)
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
    if _needs_case_date(disposal.track, stage, case_filed_on):
        errors["case_filed_on"] = _("Give the date the criminal case was filed.")
    elif case_filed_on and case_filed_on > today_local():
        errors["case_filed_on"] = _("The case cannot be filed in the future.")
    if errors:
        raise ValidationError(errors)
    note = _note(actor, disposal, on=today_local(), text=text, stage=stage)
    disposal.stage, disposal.case_filed_on = stage, case_filed_on
    disposal._history_user = actor
    disposal.save(update_fields=["stage", "case_filed_on", "updated_at"])
    notices.task_stage_reported(actor, disposal, note)
    return disposal


@transaction.atomic
def task_file_add(*, actor, disposal: Disposal, uploaded_file) -> DisposalFile:
    """The responsible unit files a record of its work; like evidence, a file once added is never deleted."""
    disposal = _task_locked(actor, disposal)
    ledger_services.check_upload(uploaded_file)
    name_length = DisposalFile._meta.get_field("name").max_length
    added = DisposalFile.objects.create(
        disposal=disposal, file=uploaded_file, name=uploaded_file.name[:name_length], uploaded_by=actor
    )
    notices.task_file_added(actor, disposal, added)
    return added


# Transfer and merge --------------------------------------------------------------------------------------------------


@transaction.atomic
def clue_transfer(*, actor, clue: Clue, to_unit: Unit, reason: str) -> Clue:
    """Hand a clue to the government where its entity is registered. The receiving unit gets a screening record of the
    entity, so its problem institutions never outnumber its screened ones; both units and their offices are told."""
    _require_review(actor, clue.unit)
    clue = _locked(clue)
    division = clue.entity.registered_division
    if to_unit.kind != Unit.Kind.GOVERNMENT or not division or not division.startswith(to_unit.code):
        raise ValidationError(
            {"to_unit": _("%(entity)s is not registered in the territory of %(unit)s.")
             % {"entity": clue.entity.name, "unit": to_unit.name}}
        )
    if not to_unit.path.startswith(clue.campaign.scope_unit.path):
        raise ValidationError({"to_unit": _("This unit is not part of the campaign.")})
    if to_unit == clue.unit:
        raise ValidationError({"to_unit": _("The clue already belongs to this unit.")})
    if clue.status in (Clue.Status.WITHDRAWN,) or clue.merged_into_id:
        raise ValidationError(_("A withdrawn or merged clue cannot be transferred."))
    if Clue.objects.filter(record__unit=to_unit, record__entity=clue.entity, record__sector=clue.sector,
                           campaign=clue.campaign).exists():
        raise ValidationError({"to_unit": _("%(unit)s already has a clue on this entity; merge them instead.")
                               % {"unit": to_unit.name}})
    from_unit = clue.unit
    record, _created = ScreeningRecord.objects.get_or_create(
        campaign=clue.campaign, unit=to_unit, entity=clue.entity, sector=clue.sector,
        defaults={"screened_on": today_local(), "result": ScreeningRecord.Result.PROBLEM, "created_by": actor},
    )
    clue.unit, clue.record = to_unit, record
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["unit", "record", "version", "updated_at"])
    _event(clue, ClueEvent.Kind.TRANSFERRED, actor, reason.strip(), from_unit=from_unit.name, to_unit=to_unit.name)
    notices.clue_transferred(clue, from_unit, reason.strip())
    return clue


@transaction.atomic
def clues_merge(*, actor, keep: Clue, duplicate: Clue, reason: str) -> Clue:
    """Two units reported the same entity: ``duplicate`` is merged into ``keep``. Both stay, with their sources; the
    tables count the entity once, under ``keep``."""
    _require_review(actor, keep.unit, duplicate.unit)
    keep, duplicate = _locked(keep), _locked(duplicate)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different clues."))
    if keep.entity_id != duplicate.entity_id or keep.campaign_id != duplicate.campaign_id:
        raise ValidationError(_("Only clues on the same entity in the same campaign can be merged."))
    if any(c.status == Clue.Status.WITHDRAWN or c.merged_into_id for c in (keep, duplicate)):
        raise ValidationError(_("A withdrawn or merged clue cannot be merged."))
    duplicate.merged_into = keep
    duplicate.version += 1
    duplicate._history_user = actor
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])
    now = timezone.now().isoformat()
    _event(keep, ClueEvent.Kind.MERGED, actor, reason.strip(), merged=duplicate.pk, unit=duplicate.unit.name, at=now)
    _event(duplicate, ClueEvent.Kind.MERGED, actor, reason.strip(), into=keep.pk, unit=keep.unit.name, at=now)
    return keep


# County return (attachment 3) ----------------------------------------------------------------------------------------


@dataclass
class CountyAnswers:
    criminal_cases: int
    has_large_case: bool
    has_petition_event: bool
    remarks: str = ""


@transaction.atomic
def county_return_save(*, actor, county: Unit, year: int, answers: CountyAnswers) -> CountyReturn:
    """The county's own return for attachment 3, filled in by the county office."""
    _require_review(actor, county)
    if county.level != Unit.Level.COUNTY or county.kind != Unit.Kind.GOVERNMENT:
        raise ValidationError(_("Only a county (district) fills in this return."))
    if answers.criminal_cases < 0:
        raise ValidationError({"criminal_cases": _("The number of cases cannot be negative.")})
    filed = CountyReturn.objects.filter(county=county, year=year).first() or CountyReturn(county=county, year=year)
    filed.criminal_cases, filed.has_large_case = answers.criminal_cases, answers.has_large_case
    filed.has_petition_event, filed.remarks = answers.has_petition_event, answers.remarks.strip()
    filed.updated_by = actor
    filed._history_user = actor
    filed.save()
    return filed
