"""The office's disposal plan (一事一策) and its progress notes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ledger import credit
from ledger.models import Clue, ClueEvent
from orgs.models import Unit
from screening.locks import today_local
from screening.models import Term

from .. import notices
from .common import record_event, locked_clue, require_review
from ..models import Disposal, ProgressNote, ProvinceNotice


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


def needs_case_date(track: str, stage: str, case_filed_on: date | None) -> bool:
    """An investigation under way or finished has a criminal case, and attachment 3 counts it by the date it was filed."""
    return track == Disposal.Track.INVESTIGATE and stage != Disposal.Stage.PLANNED and not case_filed_on


def _check_plan(clue: Clue, plan: DisposalPlan) -> None:
    errors = {}
    if plan.track not in Disposal.Track.values:
        errors["track"] = _("Choose a track.")
    if plan.track == Disposal.Track.NOT_HANDLED and not plan.not_handled_reason.strip():
        errors["not_handled_reason"] = _("Say why the clue is not handled yet.")
    if needs_case_date(plan.track, plan.stage, plan.case_filed_on):
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
    require_review(actor, clue.unit)
    clue = locked_clue(clue)
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
    record_event(clue, ClueEvent.Kind.DISPOSAL_PLANNED, actor, track=plan.track, stage=plan.stage)
    _watch_list_if_punished(actor, clue, disposal)
    notices.disposal_planned(actor, disposal, before)
    return disposal


def _watch_list_if_punished(actor, clue: Clue, disposal: Disposal) -> None:
    """An investigated (立案查处) or penalised disposal puts the entity, and those answerable for it, on the watch list."""
    measures = [measure.name for measure in disposal.measures.all()]
    source = credit.listing_source(disposal.track, measures)
    if source is None:
        return
    with translation.override(settings.LANGUAGE_CODE):  # read by other offices, in the site's language
        what = disposal.get_track_display() if disposal.track == Disposal.Track.INVESTIGATE else "、".join(
            name for name in measures if name in credit.PENALTY_MEASURES)
        reason = _("%(what)s: the clue of %(unit)s in “%(campaign)s”") % {
            "what": what, "unit": clue.unit.name, "campaign": clue.campaign.title}
    credit.watch_list_for_disposal(actor=actor, clue=clue, source=source, reason=reason)


def note_progress(actor, disposal: Disposal, *, on: date, text: str, stage: str = "") -> ProgressNote:
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    if on > today_local():
        raise ValidationError({"on": _("Progress cannot be dated in the future.")})
    note = ProgressNote.objects.create(disposal=disposal, on=on, text=text.strip(), stage_reported=stage, author=actor)
    if stage:
        record_event(disposal.clue, ClueEvent.Kind.DISPOSAL_PLANNED, actor, note.text[:500], track=disposal.track, stage=stage)
    else:
        record_event(disposal.clue, ClueEvent.Kind.PROGRESS, actor, note.text[:500], on=on.isoformat())
    return note


@transaction.atomic
def progress_add(*, actor, clue: Clue, on: date, text: str) -> ProgressNote:
    """The office notes progress itself; the responsible unit reads it with its task."""
    require_review(actor, clue.unit)
    disposal = Disposal.objects.filter(clue=clue).select_related("clue__entity", "responsible_unit").first()
    if disposal is None:
        raise ValidationError(_("Plan the disposal before noting progress."))
    note = note_progress(actor, disposal, on=on, text=text)
    notices.office_noted(actor, disposal, note)
    return note
