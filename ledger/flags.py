"""Flags that help the office spot what matters: finance keywords (扫楼, seed 003), a registration elsewhere than
the place of business (seed 001), and an entity already reported by another unit."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orgs.models import Unit

from .models import Clue, Entity, FlagKeyword

COUNTY_CODE_LENGTH = 6

REGISTERED_ELSEWHERE = _("Registered elsewhere, operating here")  # 异地注册本地经营
OPERATING_ELSEWHERE = _("Registered here, operating elsewhere")  # 本地注册异地经营
MISMATCHED_DIVISIONS = _("Registered and operating divisions differ")


def active_keywords() -> list[str]:
    return list(FlagKeyword.objects.filter(is_active=True).values_list("word", flat=True))


def matched_keywords(entity: Entity, keywords: list[str]) -> list[str]:
    text = f"{entity.name}\n{entity.business_scope}"
    return [word for word in keywords if word in text]


def local_county_codes(units: Iterable[Unit]) -> dict[int, str]:
    """The division code of the county (or city) each unit sits in, by unit id: the unit's own code when it begins
    with one (a township's, a department's "120115-D27"), else the code of its nearest government ancestor with a
    numeric code, cut to six digits. At most one query however many units a page shows, none when every unit's own
    code tells."""
    lineages = {unit: unit.lineage_ids for unit in units}
    ancestor_ids = {pk for unit, lineage in lineages.items() if not _division(unit.code) for pk in lineage}
    governments = (
        dict(Unit.objects.filter(pk__in=ancestor_ids, kind=Unit.Kind.GOVERNMENT).values_list("pk", "code"))
        if ancestor_ids else {}
    )
    codes = {}
    for unit, lineage in lineages.items():
        nearest_first = [unit.code] + [governments[pk] for pk in reversed(lineage) if pk in governments]
        codes[unit.pk] = next((_division(code) for code in nearest_first if _division(code)), "")
    return codes


def _division(code: str) -> str:
    head = code[:COUNTY_CODE_LENGTH]
    return head if len(head) == COUNTY_CODE_LENGTH and head.isdigit() else ""


def cross_region(entity: Entity, local_code: str):
    """Which cross-region case applies to the entity, seen from the county ``local_code``; None when none does."""
    registered = entity.registered_division[:COUNTY_CODE_LENGTH]
    operating = entity.operating_division[:COUNTY_CODE_LENGTH]
    if not registered or not operating or registered == operating:
        return None
    if operating == local_code:
        return REGISTERED_ELSEWHERE
    if registered == local_code:
        return OPERATING_ELSEWHERE
    return MISMATCHED_DIVISIONS


@dataclass(frozen=True)
class FlaggedClue:
    clue: Clue
    keywords: list[str]
    cross_region: Promise | None


def flag_clues(clues: Iterable[Clue], keywords: list[str]) -> list[FlaggedClue]:
    """The clues with their keyword and cross-region flags, ``keywords`` being ``active_keywords()`` read once for the
    page; one query for the county codes of all the clues' units."""
    clues = list(clues)
    county_codes = local_county_codes({clue.unit for clue in clues})
    return [
        FlaggedClue(
            clue, matched_keywords(clue.entity, keywords), cross_region(clue.entity, county_codes[clue.unit_id])
        )
        for clue in clues
    ]
