"""Flags that help the office spot what matters: finance keywords (扫楼, seed 003), a registration elsewhere than
the place of business (seed 001), and an entity already reported by another unit."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from orgs.models import Unit

from .models import Entity, FlagKeyword

COUNTY_CODE_LENGTH = 6

REGISTERED_ELSEWHERE = _("Registered elsewhere, operating here")  # 异地注册本地经营
OPERATING_ELSEWHERE = _("Registered here, operating elsewhere")  # 本地注册异地经营
MISMATCHED_DIVISIONS = _("Registered and operating divisions differ")


def active_keywords() -> list[str]:
    return list(FlagKeyword.objects.filter(is_active=True).values_list("word", flat=True))


def matched_keywords(entity: Entity, keywords: list[str]) -> list[str]:
    text = f"{entity.name}\n{entity.business_scope}"
    return [word for word in keywords if word in text]


def local_county_code(unit: Unit) -> str:
    """The division code of the county (or city) a unit sits in: the code of its nearest government ancestor with a
    numeric code, cut to six digits."""
    for code in [unit.code] + [a.code for a in _government_ancestors(unit)]:
        if code[:COUNTY_CODE_LENGTH].isdigit():
            return code[:COUNTY_CODE_LENGTH]
    return ""


def _government_ancestors(unit: Unit) -> QuerySet[Unit]:
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    return Unit.objects.filter(pk__in=ids, kind=Unit.Kind.GOVERNMENT).order_by("-path")


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
