"""Reads of the campaign's work, scoped to the user through orgs.permissions: a unit's own briefings and reports, and
for the office the figures of many units at once, in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.models import Campaign

from .models import (
    Briefing, BriefingFile, BriefingQuota, Bulletin, Filing, FilingFile, InspectingUnit, Inspection,
    InspectionAction,
)


def _seen_by(user) -> QuerySet[Unit]:
    return permissions.units(user, Perm.VIEW)


def briefings_visible_to(user, campaign: Campaign) -> QuerySet[Briefing]:
    return (Briefing.objects.filter(campaign=campaign, unit__in=_seen_by(user))
            .select_related("unit", "filed_by").prefetch_related("files"))


def briefing_for_user_or_404(user, pk: int) -> Briefing:
    return get_object_or_404(Briefing.objects.select_related("campaign", "unit", "filed_by"),
                             pk=pk, unit__in=_seen_by(user))


def filing_for_user_or_404(user, pk: int) -> Filing:
    return get_object_or_404(Filing.objects.select_related("campaign", "unit", "filed_by"),
                             pk=pk, unit__in=_seen_by(user))


def briefing_file_for_user_or_404(user, pk: int) -> BriefingFile:
    return get_object_or_404(BriefingFile, pk=pk, briefing__unit__in=_seen_by(user))


def filing_file_for_user_or_404(user, pk: int) -> FilingFile:
    return get_object_or_404(FilingFile, pk=pk, filing__unit__in=_seen_by(user))


def own_briefings(campaign: Campaign, unit: Unit) -> QuerySet[Briefing]:
    return Briefing.objects.filter(campaign=campaign, unit=unit).select_related("filed_by").prefetch_related("files")


def own_filings(campaign: Campaign, unit: Unit) -> dict[str, Filing]:
    """The unit's summary report and implementation plan, by kind, with their files."""
    found = Filing.objects.filter(campaign=campaign, unit=unit).select_related("filed_by").prefetch_related("files")
    return {filing.kind: filing for filing in found}


def quotas(campaign: Campaign, units: Iterable[Unit]) -> dict[int, int]:
    """How many briefings each unit owes: its kind's quota, 0 where the campaign sets none. One query."""
    by_kind = {(q.unit_level, q.unit_kind): q.minimum for q in BriefingQuota.objects.filter(campaign=campaign)}
    return {unit.pk: by_kind.get((unit.level, unit.kind), 0) for unit in units}


def briefing_counts(campaign: Campaign, unit_ids: Iterable[int]) -> dict[int, int]:
    """Briefings each unit filed itself. One query."""
    rows = (Briefing.objects.filter(campaign=campaign, unit_id__in=list(unit_ids))
            .values_list("unit_id").annotate(n=Count("pk")).order_by())
    return dict(rows)


def filings_by_unit(campaign: Campaign, unit_ids: Iterable[int]) -> dict[tuple[int, str], Filing]:
    """The summary reports and implementation plans of the units, by (unit id, kind). One query."""
    found = Filing.objects.filter(campaign=campaign, unit_id__in=list(unit_ids)).only(
        "pk", "unit_id", "kind", "filed_at", "updated_at"
    )
    return {(filing.unit_id, filing.kind): filing for filing in found}


def quota_kinds(campaign: Campaign) -> list[tuple[str, str]]:
    """The kinds of unit, as (level, kind), among the units expected to report and those the campaign sets a quota
    for."""
    expected = screening_selectors.reporting_units(campaign).values_list("level", "kind").distinct().order_by()
    quoted = BriefingQuota.objects.filter(campaign=campaign).values_list("unit_level", "unit_kind")
    return sorted(set(expected) | set(quoted))


# The office picks a bulletin's reports among the latest: older ones have had their bulletin.
BULLETIN_CANDIDATES = 200


def bulletin_candidates(campaign: Campaign, issuer: Unit) -> QuerySet[Briefing]:
    latest = (Briefing.objects.filter(campaign=campaign, unit__path__startswith=issuer.path)
              .order_by("-day", "-pk").values("pk")[:BULLETIN_CANDIDATES])
    return Briefing.objects.filter(pk__in=latest).select_related("unit").order_by("-day", "-pk")


def bulletins_of(issuer: Unit) -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(issuer=issuer).select_related("issued_by").prefetch_related("items__briefing")


def bulletin_for_user_or_404(user, pk: int) -> Bulletin:
    """A bulletin, for those who may read its issuing government's work (its office and leaders, the office above)."""
    bulletin = get_object_or_404(Bulletin.objects.select_related("issuer"), pk=pk, issuer__in=_seen_by(user))
    if not permissions.follows_progress(user, bulletin.issuer):
        raise Http404
    return bulletin


def inspection_for_user_or_404(user, pk: int) -> Inspection:
    """Among the units the user sees, or the visits made by a named unit the user enters data for."""
    seen = Q(unit__in=_seen_by(user)) | Q(inspecting_unit__in=permissions.units(user, Perm.ENTER))
    return get_object_or_404(Inspection.objects.select_related("campaign", "unit", "recorded_by", "inspecting_unit")
                             .filter(seen), pk=pk)


def inspecting_units(campaign: Campaign) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=InspectingUnit.objects.filter(campaign=campaign).values("unit"))


def is_named_inspector(campaign: Campaign, unit: Unit) -> bool:
    return InspectingUnit.objects.filter(campaign=campaign, unit=unit).exists()


def nameable_inspectors(campaign: Campaign) -> QuerySet[Unit]:
    """The departments of the campaign's scope the admin may name to inspect, with the government each belongs to."""
    return (Unit.objects.filter(path__startswith=campaign.scope_unit.path, kind=Unit.Kind.DEPARTMENT, is_active=True)
            .select_related("parent").order_by("path"))


def named_inspector(user, campaign: Campaign, unit: Unit) -> Unit | None:
    """The unit named in ``campaign`` that may inspect ``unit`` and for which ``user`` speaks, if there is one: a
    named unit visits the units beneath the government it belongs to."""
    for named in inspecting_units(campaign).select_related("parent"):
        government = named.parent
        if (government and unit.pk not in (named.pk, government.pk) and unit.path.startswith(government.path)
                and permissions.speaks_for(user, named)):
            return named
    return None


def may_close(user, inspection: Inspection) -> bool:
    """The office above the unit closes an action, or the named unit that made the visit."""
    unit = inspection.unit
    if unit.parent is not None and permissions.has(user, Perm.REVIEW, unit.parent):
        return True
    return inspection.inspecting_unit is not None and permissions.speaks_for(user, inspection.inspecting_unit)


def _visits(campaign: Campaign, unit: Unit, by: Unit | None) -> QuerySet[Inspection]:
    found = Inspection.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
    return found if by is None else found.filter(inspecting_unit=by)


def inspections_beneath(campaign: Campaign, unit: Unit, *, by: Unit | None = None) -> QuerySet[Inspection]:
    """The visits to units beneath ``unit``; with ``by``, only those that named unit made."""
    return _visits(campaign, unit, by).select_related("unit").prefetch_related("actions")


@dataclass(frozen=True)
class VisitLine:
    unit: Unit
    visits: int
    last_visit: date
    open_actions: int
    overdue_actions: int


def visit_table(campaign: Campaign, unit: Unit, *, on: date, by: Unit | None = None) -> list[VisitLine]:
    """Per unit visited beneath ``unit`` (by the named unit ``by``, if given): the visits, the last one, and its
    actions still open and overdue. Two queries."""
    visits = (_visits(campaign, unit, by).values_list("unit_id").annotate(n=Count("pk"), last=Max("day")).order_by())
    actions = (InspectionAction.objects.open().filter(inspection__in=_visits(campaign, unit, by).values("pk"))
               .values_list("inspection__unit_id")
               .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=on))).order_by())
    visited = {unit_id: (n, last) for unit_id, n, last in visits}
    still_open = {unit_id: (n, overdue) for unit_id, n, overdue in actions}
    units = Unit.objects.filter(pk__in=list(visited)).order_by("path")
    return [VisitLine(u, *visited[u.pk], *still_open.get(u.pk, (0, 0))) for u in units]


def open_actions_of(unit: Unit) -> QuerySet[InspectionAction]:
    """What inspections require of ``unit`` (and the units beneath it) and the office has not closed."""
    return (InspectionAction.objects.open().filter(inspection__unit__path__startswith=unit.path)
            .select_related("inspection"))
