"""Accepting and returning submitted clues, one or several at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ledger.models import Clue, ClueEvent
from orgs.batch import each_or_none

from .. import notices
from .common import record_event, locked_clue, require_review


@transaction.atomic
def clue_accept(*, actor, clue: Clue) -> Clue:
    require_review(actor, clue.unit)
    clue = locked_clue(clue)
    if clue.status != Clue.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted clue can be accepted."))
    clue.status = Clue.Status.ACCEPTED
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["status", "version", "updated_at"])
    record_event(clue, ClueEvent.Kind.ACCEPTED, actor)
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
    require_review(actor, clue.unit)
    _check_return_reason(reason)
    clue = locked_clue(clue)
    if clue.status not in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED):
        raise ValidationError(_("Only a submitted or accepted clue can be returned."))
    clue.status, clue.return_reason = Clue.Status.RETURNED, reason.strip()
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["status", "return_reason", "version", "updated_at"])
    record_event(clue, ClueEvent.Kind.RETURNED, actor, reason.strip())
    notices.clue_returned(clue, reason.strip())
    return clue


@transaction.atomic
def clues_return(*, actor, clues, reason: str) -> int:
    """Return several clues with one reason for all: all, or none when any is refused, each refusal naming its clue."""
    _check_return_reason(reason)
    return each_or_none(clues, lambda clue: clue_return(actor=actor, clue=clue, reason=reason), name=str)
