"""Reads of tips scoped to the user. The county's own office (REVIEW granted on the county itself) reads its tips
whole; the staff of the unit a tip is assigned to read it without the reporter's identity and contact; no one else
reads a tip at all (the city office, leaders and administrators included)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.shortcuts import get_object_or_404

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import ACT_ON_TASKS, Perm
from screening.models import Campaign

from .models import IdentityView, Tip, TipFile

PAGE_SIZE = 50
# What a tip is read with on its page and in the list: never the reporter's name or telephone, which only
# ``reporter_of`` reads, for the handling office, each time logged.
IDENTITY_FIELDS = ("reporter_name", "reporter_phone")


def counties_taking_tips() -> QuerySet[Unit]:
    """The counties (区/县) a reporter may choose: those with an office to handle the tip."""
    return Unit.objects.filter(level=Unit.Level.COUNTY, kind=Unit.Kind.GOVERNMENT, is_active=True,
                               children__kind=Unit.Kind.OFFICE).distinct().order_by("path")


def handled_counties(user) -> QuerySet[Unit]:
    return permissions.units_granted(user, Perm.REVIEW).filter(level=Unit.Level.COUNTY, kind=Unit.Kind.GOVERNMENT)


def handles(user, tip: Tip) -> bool:
    return permissions.granted_on(user, Perm.REVIEW, tip.county)


def _without_identity(tips: QuerySet[Tip]) -> QuerySet[Tip]:
    return tips.defer(*IDENTITY_FIELDS).select_related("county", "assigned_unit")


def tips_visible_to(user) -> QuerySet[Tip]:
    """The tips of the counties the user's office handles, and those assigned to a unit the user enters data for."""
    return _without_identity(Tip.objects.filter(
        Q(county__in=handled_counties(user)) | Q(assigned_unit__in=permissions.units(user, ACT_ON_TASKS))))


def may_list(user) -> bool:
    return handled_counties(user).exists() or permissions.has_anywhere(user, ACT_ON_TASKS)


def tip_for_user_or_404(user, pk: int) -> Tip:
    tip = tips_visible_to(user).filter(pk=pk).first()
    if tip is None:
        raise Http404
    return tip


def tip_file_for_user_or_404(user, pk: int) -> TipFile:
    return get_object_or_404(TipFile.objects.filter(tip__in=tips_visible_to(user)), pk=pk)


def reporter_of(tip: Tip) -> dict[str, str]:
    """The reporter's identity and contact, read for the handling office only (the view logs each reading first)."""
    return dict(zip(IDENTITY_FIELDS, Tip.objects.filter(pk=tip.pk).values_list(*IDENTITY_FIELDS).get()))


def identity_log(tip: Tip) -> QuerySet[IdentityView]:
    return tip.identity_views.select_related("viewer").order_by("-at", "-pk")


def page(tips: QuerySet[Tip], *, status: str = "", before: int | None = None) -> tuple[list[Tip], int | None]:
    """One page of the list, newest first, read by key (``before`` the last id of the page before): (the tips, the id
    to ask the next page with, or None on the last page). One query."""
    if status:
        tips = tips.filter(status=status)
    if before:
        tips = tips.filter(pk__lt=before)
    rows = list(tips.order_by("-pk")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None)


def assignable_units(county: Unit) -> QuerySet[Unit]:
    """The units beneath the county that may verify a tip: its townships, departments and the rest, not its office."""
    return (Unit.objects.filter(path__startswith=county.path, is_active=True).exclude(pk=county.pk)
            .exclude(kind=Unit.Kind.OFFICE).order_by("path"))


def campaigns_for(county: Unit) -> QuerySet[Campaign]:
    """The published campaigns a tip of ``county`` may become a clue of: those whose scope covers the county."""
    lineage = county.lineage_ids
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED, scope_unit_id__in=lineage).order_by("-year", "-pk")


@dataclass(frozen=True)
class Month:
    month: int
    filed: int
    clue: int
    closed: int
    open: int


def months_of(user, *, year: int) -> list[Month]:
    """Tips filed each month of ``year`` in the counties the user's office handles, by outcome: one query."""
    rows = (Tip.objects.filter(county__in=handled_counties(user), filed_at__year=year)
            .annotate(month=ExtractMonth("filed_at")).values("month").order_by("month")
            .annotate(filed=Count("pk"), clue=Count("pk", filter=Q(outcome=Tip.Outcome.CLUE)),
                      closed=Count("pk", filter=Q(outcome=Tip.Outcome.CLOSED))))
    return [Month(row["month"], row["filed"], row["clue"], row["closed"], row["filed"] - row["clue"] - row["closed"])
            for row in rows]
