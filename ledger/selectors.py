"""Reads of the ledger scoped to the user: everything starts from the units the user may see."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from orgs import permissions
from orgs.permissions import Perm
from screening.models import Campaign

from .models import Clue, Entity, ScreeningRecord


def clues_visible_to(user, *, campaign: Campaign | None = None) -> QuerySet[Clue]:
    clues = Clue.objects.filter(unit__in=permissions.units(user, Perm.VIEW))
    if campaign is not None:
        clues = clues.filter(campaign=campaign)
    return clues.select_related("entity", "sector", "unit", "campaign", "fundraising_mode", "source")


def clue_for_user_or_404(user, pk: int) -> Clue:
    return get_object_or_404(clues_visible_to(user), pk=pk)


def records_visible_to(user, *, campaign: Campaign | None = None) -> QuerySet[ScreeningRecord]:
    records = ScreeningRecord.objects.filter(unit__in=permissions.units(user, Perm.VIEW))
    if campaign is not None:
        records = records.filter(campaign=campaign)
    return records.select_related("entity", "sector", "unit", "method", "area")


def record_for_user_or_404(user, pk: int) -> ScreeningRecord:
    return get_object_or_404(records_visible_to(user), pk=pk)


def entities_matching(text: str, *, limit: int = 10) -> QuerySet[Entity]:
    """Entities whose name contains ``text`` or whose credit code starts with it: the look-up as staff type.

    Entity names and codes are public register data, so the look-up is not scoped; which units reported an entity is
    (see ``reports_elsewhere``)."""
    text = text.strip()
    if len(text) < 2:
        return Entity.objects.none()
    return Entity.objects.filter(Q(name__icontains=text) | Q(credit_code__startswith=text.upper()))[:limit]


def reports_elsewhere(entity: Entity, *, campaign: Campaign, besides_unit) -> QuerySet[Clue]:
    """Clues of the same entity in the campaign from other units ("already known")."""
    return (
        Clue.objects.filter(campaign=campaign, entity=entity)
        .exclude(unit=besides_unit)
        .exclude(status=Clue.Status.WITHDRAWN)
        .select_related("unit")
    )
