"""Reads of the approval of submissions: the grid of the units a government oversees with the decisions each allows,
and what a unit holds when its staff declare its data complete."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from ledger.models import Clue, ScreeningRecord
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.models import Campaign, UnitSubmission

from .. import submissions


# Approval of submissions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalLine:
    row: submissions.GridRow
    may_approve: bool
    may_return: bool
    may_unapprove: bool
    nobody_enters: bool  # the unit must declare its data, and no account can


@dataclass(frozen=True)
class Approvals:
    lines: list[ApprovalLine]
    own: UnitSubmission | None  # how the office above decided on the jurisdiction itself


def approvals(campaign: Campaign, jurisdiction: Unit, *, decides: bool) -> Approvals:
    """The approval grid of the government ``jurisdiction`` (the caller checks the user follows it), with the decisions
    each row's state allows to a user who ``decides`` (who reviews the jurisdiction); none to one who only reads."""
    grid = submissions.approval_grid(campaign, jurisdiction)
    Status = UnitSubmission.Status
    lines = []
    for row in grid.rows:
        # A government with a leading group hands in by being approved: it has nothing to declare first.
        hands_in_by_approval = row.has_leading_group and row.state in (submissions.NOT_STARTED, Status.IN_PROGRESS)
        lines.append(ApprovalLine(
            row,
            may_approve=decides and (row.state == Status.SUBMITTED or hands_in_by_approval),
            may_return=decides and row.state == Status.SUBMITTED,
            may_unapprove=decides and row.state == Status.APPROVED,
            nobody_enters=not row.has_account and not row.has_leading_group,
        ))
    return Approvals(lines, grid.own)


def overdue_units_followed(user, campaign: Campaign) -> list[screening_selectors.OverdueUnit]:
    late = screening_selectors.overdue_units(campaign)
    followed = permissions.units_followed(user).filter(pk__in=[line.unit.pk for line in late])
    shown = set(followed.values_list("pk", flat=True))
    return [line for line in late if line.unit.pk in shown]


def unit_for_approval_or_404(user, campaign: Campaign, pk: int) -> Unit:
    """A unit of the campaign the user may see; whether the user may decide on it is the service's question."""
    units = permissions.units(user, Perm.VIEW).filter(path__startswith=campaign.scope_unit.path)
    return get_object_or_404(units.select_related("parent"), pk=pk)


# Declaring a unit's data complete ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    submission: UnitSubmission | None
    records: int
    clues: dict[str, int]  # status → count
    is_expected: bool  # whether the unit is on the campaign's list of units expected to report

    @property
    def state_label(self) -> str:
        if self.submission is not None:
            return self.submission.get_status_display()
        return submissions.STATE_LABELS[UnitSubmission.Status.IN_PROGRESS if self.records or self.clues
                                        else submissions.NOT_STARTED]

    @property
    def pending(self) -> int:
        return sum(self.clues.get(status, 0) for status in Clue.EDITABLE)

    @property
    def handed_in(self) -> int:
        return sum(n for status, n in self.clues.items() if status not in (*Clue.EDITABLE, Clue.Status.WITHDRAWN))


def declaration(campaign: Campaign, unit: Unit) -> Declaration:
    """What ``unit`` (and the units beneath it) holds in the campaign, as ``submission_declare`` counts it. The caller
    checks that the user enters data for ``unit``."""
    beneath = Q(campaign=campaign, unit__path__startswith=unit.path)
    clues = Clue.objects.filter(beneath).values("status").annotate(n=Count("pk")).order_by()
    return Declaration(
        submission=UnitSubmission.objects.filter(campaign=campaign, unit=unit).select_related("decided_by").first(),
        records=ScreeningRecord.objects.filter(beneath).count(),
        clues={row["status"]: row["n"] for row in clues},
        is_expected=screening_selectors.reporting_units(campaign).filter(pk=unit.pk).exists(),
    )
