"""What every write of the office shares: the permission check, the trail entry, the locked clue."""


from ledger.models import Clue, ClueEvent
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm



def require_review(actor, *units: Unit) -> None:
    for unit in units:
        permissions.require(actor, Perm.REVIEW, unit)


def record_event(clue: Clue, kind: str, actor, reason: str = "", **details) -> ClueEvent:
    return ClueEvent.objects.create(clue=clue, kind=kind, actor=actor, reason=reason, details=details)


def locked_clue(clue: Clue) -> Clue:
    return Clue.objects.select_for_update().select_related("unit", "entity", "record").get(pk=clue.pk)
