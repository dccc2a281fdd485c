"""Reads of a campaign's lists for the office: the campaigns it reviews, the review queue with its levels and flags,
and the overdue disposals."""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr

from ledger import flags, hits
from ledger import selectors as ledger_selectors
from ledger.models import Clue, Entity
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.locks import today_local
from screening.models import Campaign

from ..models import Assessment, Disposal
from . import reviewable_units


# Campaigns -----------------------------------------------------------------------------------------------------------


def campaigns_reviewable_by(user) -> QuerySet[Campaign]:
    """Published and archived campaigns holding a unit the user reviews, newest first."""
    reviewed_inside = Exists(reviewable_units(user).filter(path__startswith=OuterRef("scope_unit__path")))
    return (
        screening_selectors.campaigns_visible_to(user)
        .filter(reviewed_inside, status__in=[Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED])
        .order_by("-year", "-created_at", "-pk")
    )


def campaigns_entered_for(user, unit: Unit) -> QuerySet[Campaign]:
    """Published campaigns in which ``unit`` reports, newest first."""
    return (
        screening_selectors.campaigns_visible_to(user)
        .filter(status=Campaign.Status.PUBLISHED, scope_unit_id__in=unit.lineage_ids)
        .order_by("-year", "-created_at", "-pk")
    )


# The queue -----------------------------------------------------------------------------------------------------------


def clues_reviewable_by(user, campaign: Campaign) -> QuerySet[Clue]:
    """The clues of the campaign the user may review. Drafts are still the staff's work and stay out."""
    return Clue.objects.filter(campaign=campaign, unit__in=reviewable_units(user)).exclude(status=Clue.Status.DRAFT)


def clues_for_review(user, campaign: Campaign, *, keywords: list[str] | None = None,
                     on: date | None = None) -> QuerySet[Clue]:
    """The queue: reviewable clues with their level and flags computed in SQL (so that they can be filtered on, and a
    page of rows is one query), ``reported_elsewhere`` included. A clue merged into another is reviewed there."""
    on = on or today_local()
    keywords = flags.active_keywords() if keywords is None else keywords
    # The entity's flags as subqueries rather than a join: the page's count then reads the clue table alone (a join to
    # every entity of the county's submitted clues tripled it), and only a filter on a flag pays for the subquery.
    entity = Entity.objects.filter(pk=OuterRef("entity_id"))
    keyword_match = (
        Exists(entity.filter(reduce(or_, (Q(name__contains=w) | Q(business_scope__contains=w) for w in keywords))))
        if keywords
        else Value(False)
    )
    cross_region = Exists(
        entity.exclude(registered_division="").exclude(operating_division="")
        .alias(
            registered_county=Substr("registered_division", 1, flags.COUNTY_CODE_LENGTH),
            operating_county=Substr("operating_division", 1, flags.COUNTY_CODE_LENGTH),
        )
        .exclude(registered_county=F("operating_county"))
    )
    overdue = Q(disposal__deadline__lt=on) & ~Q(disposal__stage=Disposal.Stage.FINISHED)
    # The watch list's hits (a listed entity, a shared person, the organisation part of the code) as subqueries too.
    return hits.annotate_hits(
        ledger_selectors.clues_flagged(user, campaign, perm=Perm.REVIEW)
        # The queue's rows show their entity, unit and sector only: each further join of the page's query (the
        # campaign, the fundraising mode, the source) made its planning longer (4.3 ms instead of 2.4 ms).
        .select_related(None).select_related("entity", "unit", "sector")
        .filter(merged_into__isnull=True)
        .exclude(status=Clue.Status.DRAFT)
        .annotate(
            level=Coalesce(NullIf("assessment__level_override", Value("")), "assessment__computed_level"),
            is_key=F("assessment__is_key"),
            has_keyword=keyword_match,
            is_cross_region=cross_region,
            disposal_overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
        )
    ).order_by(F("submitted_at").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class QueueRow:
    clue: Clue  # as annotated by clues_for_review
    keywords: list[str]
    cross_region: str | None
    level_label: str


def queue_rows(clues, keywords: list[str]) -> list[QueueRow]:
    """``keywords``: ``flags.active_keywords()``, as the queue was read with."""
    return [
        QueueRow(flagged.clue, flagged.keywords, flagged.cross_region,
                 Assessment.Level(flagged.clue.level).label if flagged.clue.level else "")
        for flagged in flags.flag_clues(clues, keywords)
    ]


# Overdue disposals ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueDisposal:
    disposal: Disposal
    days_overdue: int


def overdue_disposals(user, campaign: Campaign, *, on: date) -> QuerySet[Disposal]:
    """Disposal plans past their deadline and not finished, of the units whose progress the user follows, the longest
    overdue first."""
    followed = list(permissions.units_followed(user).values_list("pk", flat=True))  # as in permissions.unit_ids
    return (
        Disposal.objects.overdue(on, of=Clue.objects.filter(campaign=campaign, unit__in=followed))
        .select_related("clue__entity", "clue__unit", "responsible_unit")
        .order_by("deadline", "pk")
    )


def overdue_lines(disposals, *, on: date) -> list[OverdueDisposal]:
    """A page of ``overdue_disposals`` with the days each is overdue by."""
    return [OverdueDisposal(disposal, (on - disposal.deadline).days) for disposal in disposals]
