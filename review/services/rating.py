"""Rating a clue on the four factors of seed 001, overriding the level, and choosing key clues."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ledger.models import Clue, ClueEvent

from .common import record_event, locked_clue, require_review
from ..models import Assessment


HIGH_SUM = 14
MEDIUM_SUM = 9
MAX_SCORE = 5


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
    require_review(actor, clue.unit)
    if any(not 1 <= score <= MAX_SCORE for score in scores.values()):
        raise ValidationError(_("Each factor is scored from 1 to 5."))
    clue = locked_clue(clue)
    if clue.status not in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED):
        raise ValidationError(_("Only a submitted or accepted clue can be rated."))
    assessment = Assessment.objects.filter(clue=clue).first() or Assessment(clue=clue)
    for name, value in zip(("public_reach", "risk_exposure", "opinion_heat", "stability_risk"), scores.values()):
        setattr(assessment, name, value)
    assessment.computed_level = level_for(*scores.values())
    assessment.notes, assessment.rated_by = notes.strip(), actor
    assessment._history_user = actor
    assessment.save()
    record_event(clue, ClueEvent.Kind.RATED, actor, scores=list(scores.values()), level=assessment.computed_level)
    return assessment


@transaction.atomic
def level_override(*, actor, clue: Clue, level: str, reason: str) -> Assessment:
    """The office sets the level itself; an empty ``level`` goes back to the rule's."""
    require_review(actor, clue.unit)
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
    record_event(clue, ClueEvent.Kind.LEVEL_OVERRIDDEN, actor, reason.strip(), level=level or assessment.computed_level)
    return assessment


@transaction.atomic
def clue_mark_key(*, actor, clue: Clue, is_key: bool, reason: str = "") -> Assessment:
    """Decide whether an accepted, rated clue is a key risk clue (重点风险线索, attachment 2)."""
    require_review(actor, clue.unit)
    clue = locked_clue(clue)
    assessment = Assessment.objects.select_for_update().filter(clue=clue).first()
    if assessment is None:
        raise ValidationError(_("Rate the clue before deciding whether it is a key clue."))
    if is_key and clue.status != Clue.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted clue can be a key clue."))
    assessment.is_key = is_key
    assessment._history_user = actor
    assessment.save(update_fields=["is_key", "rated_at"])
    record_event(clue, ClueEvent.Kind.MARKED_KEY if is_key else ClueEvent.Kind.UNMARKED_KEY, actor, reason.strip())
    return assessment
