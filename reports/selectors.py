"""Reads for the reports pages, scoped to the user."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening.models import Campaign

from .models import ReceivedReturn, ReportRun

REPORTING_KINDS = (Unit.Kind.GOVERNMENT, Unit.Kind.DEPARTMENT, Unit.Kind.INSTITUTION)
# Who may send a table instead of reporting in the system: a county's and a city's tables are the sums of their units.
SENDS_TABLES = Q(kind__in=(Unit.Kind.DEPARTMENT, Unit.Kind.INSTITUTION)) | Q(
    kind=Unit.Kind.GOVERNMENT, level__in=(Unit.Level.TOWNSHIP, Unit.Level.VILLAGE)
)


def units_for_tables(user, campaign: Campaign) -> QuerySet[Unit]:
    """The units whose tables the user may preview in a campaign: those they may see, inside the campaign's scope (or
    above it, for a city looking at a county's campaign)."""
    scope = campaign.scope_unit
    related = Q(path__startswith=scope.path) | Q(pk__in=scope.lineage_ids)
    return permissions.units(user, Perm.VIEW).filter(related, kind__in=REPORTING_KINDS).order_by("path")


def unit_for_tables_or_404(user, campaign: Campaign, pk) -> Unit:
    return get_object_or_404(units_for_tables(user, campaign), pk=pk)


def runs_of(user, campaign: Campaign) -> QuerySet[ReportRun]:
    return ReportRun.objects.filter(requested_by=user, campaign=campaign).select_related("unit")[:20]


def run_for_user_or_404(user, pk: int) -> ReportRun:
    """A run its requester, or anyone who may export the unit's tables, may follow and download."""
    exportable = permissions.units(user, Perm.EXPORT)
    return get_object_or_404(
        ReportRun.objects.filter(Q(requested_by=user) | Q(unit__in=exportable)).select_related("unit", "campaign"),
        pk=pk,
    )


def units_sending_tables(campaign: Campaign, unit: Unit) -> QuerySet[Unit]:
    """The units of the campaign, ``unit`` and those beneath it, whose tables may be received (SENDS_TABLES)."""
    return Unit.objects.filter(
        SENDS_TABLES, path__startswith=unit.path, is_active=True
    ).filter(path__startswith=campaign.scope_unit.path).order_by("path")


def received_returns(campaign: Campaign, unit: Unit) -> QuerySet[ReceivedReturn]:
    """The tables received from ``unit`` and the units beneath it."""
    return ReceivedReturn.objects.filter(campaign=campaign, unit__path__startswith=unit.path).select_related(
        "unit", "uploaded_by"
    )


def received_for_user_or_404(user, pk: int) -> ReceivedReturn:
    """A received table's file, for those who may see the unit that sent it."""
    return get_object_or_404(ReceivedReturn.objects.filter(unit__in=permissions.units(user, Perm.VIEW)), pk=pk)
