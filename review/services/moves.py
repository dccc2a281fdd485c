"""Handing a clue to another unit, and merging two units' clues on one entity."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import Clue, ClueEvent, ScreeningRecord
from ledger.services import lock_unit_entries
from orgs.models import Unit
from screening.locks import today_local

from .. import notices
from .common import record_event, locked_clue, require_review


@transaction.atomic
def clue_transfer(*, actor, clue: Clue, to_unit: Unit, reason: str) -> Clue:
    """Hand a clue to the government where its entity is registered. The receiving unit gets a screening record of the
    entity, so its problem institutions never outnumber its screened ones; both units and their offices are told."""
    require_review(actor, clue.unit)
    clue = locked_clue(clue)
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
    lock_unit_entries(to_unit)  # the receiving unit's own entries wait, and cannot add this clue's twin meanwhile
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
    record_event(clue, ClueEvent.Kind.TRANSFERRED, actor, reason.strip(), from_unit=from_unit.name, to_unit=to_unit.name)
    notices.clue_transferred(clue, from_unit, reason.strip())
    return clue


@transaction.atomic
def clues_merge(*, actor, keep: Clue, duplicate: Clue, reason: str) -> Clue:
    """Two units reported the same entity: ``duplicate`` is merged into ``keep``. Both stay, with their sources; the
    tables count the entity once, under ``keep``."""
    require_review(actor, keep.unit, duplicate.unit)
    keep, duplicate = locked_clue(keep), locked_clue(duplicate)
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
    record_event(keep, ClueEvent.Kind.MERGED, actor, reason.strip(), merged=duplicate.pk, unit=duplicate.unit.name, at=now)
    record_event(duplicate, ClueEvent.Kind.MERGED, actor, reason.strip(), into=keep.pk, unit=keep.unit.name, at=now)
    return keep
