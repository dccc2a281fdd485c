"""Reads of an entity's history page: the disposals of its clues, for the office that reviews them (staff and leaders
see the clues, not how the office deals with them)."""

from django.db.models import QuerySet

from ledger import credit
from ledger.models import Clue, Entity
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm

from ..models import Disposal
from . import reviewable_units


def disposals_of(user, clues: list[Clue]) -> dict[int, Disposal]:
    """The disposal of each clue the user reviews, by clue id: one query, and one for their measures."""
    disposals: QuerySet[Disposal] = (
        Disposal.objects.filter(clue__in=clues, clue__unit__in=reviewable_units(user))
        .select_related("responsible_unit").prefetch_related("measures")
    )
    return {disposal.clue_id: disposal for disposal in disposals}


def listing_unit(user, entity: Entity) -> Unit | None:
    """The unit a listing by hand is made for: one the user reviews that recorded the entity (None: not the office)."""
    return permissions.units(user, Perm.REVIEW).filter(pk__in=credit.units_of(entity).values("pk")).order_by(
        "-path").first()
