"""Approval of submissions, as in DHIS2: a unit declares its data complete (a unit that found nothing hands in a zero
report, 零报告); the office above approves it, which locks the unit's data, or sends it back; a government with a
leading group (a county) is approved upward only when every unit it oversees is approved; unapproving reopens entry.

The reviewer of a unit is whoever holds REVIEW on its parent: a county office for its townships and departments, the
city office for its counties.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.models import Clue, ScreeningRecord
from orgs import permissions
from orgs.models import LeadingGroup, Unit
from orgs.permissions import Perm
from screening import locks
from screening import selectors as screening_selectors
from screening.models import Campaign, UnitSubmission

from . import notices

Status = UnitSubmission.Status


def _require_reviewer(actor, unit: Unit) -> None:
    if unit.parent_id is None:
        raise ValidationError(_("The top unit is not approved by anyone in this system."))
    permissions.require(actor, Perm.REVIEW, unit.parent)


def _submission(campaign: Campaign, unit: Unit) -> UnitSubmission:
    submission, _created = UnitSubmission.objects.select_for_update().get_or_create(campaign=campaign, unit=unit)
    return submission


def _save(submission: UnitSubmission, actor, *fields: str) -> UnitSubmission:
    submission._history_user = actor
    submission.save(update_fields=list(fields))
    return submission


@transaction.atomic
def submission_declare(*, actor, campaign: Campaign, unit: Unit) -> UnitSubmission:
    """The unit says its data is complete. Drafts and returned clues must be handed in first; with no clue at all, the
    declaration is a zero report."""
    permissions.require(actor, Perm.ENTER, unit)
    locks.require_entry_open(campaign, unit)
    if not screening_selectors.reporting_units(campaign).filter(pk=unit.pk).exists():
        # Nobody would ever see the declaration in an approval grid.
        raise ValidationError(_("%(unit)s is not among the units expected to report in this campaign; its data is "
                                "handed in with the unit above it.") % {"unit": unit.name})
    clues = Clue.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
    pending = clues.filter(status__in=Clue.EDITABLE).count()
    if pending:
        raise ValidationError(
            _("%(count)d clues are still drafts or returned; submit or withdraw them first.") % {"count": pending}
        )
    submission = _submission(campaign, unit)
    if submission.status in (Status.SUBMITTED, Status.APPROVED):
        raise ValidationError(_("The data of this unit has already been handed in."))
    submission.status, submission.submitted_at = Status.SUBMITTED, timezone.now()
    submission.is_zero_report = not clues.exclude(status=Clue.Status.WITHDRAWN).exists()
    submission.note = ""
    return _save(submission, actor, "status", "submitted_at", "is_zero_report", "note")


@dataclass(frozen=True)
class _Overseen:
    units: list[Unit]  # the reporting units whose nearest government with a leading group is the one asked about
    groups: set[int]  # the governments with a leading group among them
    paths: dict[int, str]  # every unit beneath that government (itself included), by id


def _overseen(campaign: Campaign, unit: Unit) -> _Overseen:
    """What ``unit`` oversees (nothing when it has no leading group): one query."""
    expected = screening_selectors.reporting_units(campaign).values("pk")
    everything = list(
        Unit.objects.filter(path__startswith=unit.path)
        .annotate(
            has_group=Exists(LeadingGroup.objects.filter(government=OuterRef("pk"))),
            is_expected=ExpressionWrapper(Q(pk__in=expected), output_field=BooleanField()),
        )
        .order_by("path")
    )
    paths = {found.pk: found.path for found in everything}
    if not any(found.pk == unit.pk and found.has_group for found in everything):
        return _Overseen([], set(), paths)
    beneath = [found for found in everything if found.pk != unit.pk and found.is_active]
    groups = {found.pk for found in beneath if found.has_group}
    overseen = []
    for candidate in beneath:
        if candidate.kind == Unit.Kind.OFFICE or not (candidate.is_expected or candidate.has_group):
            continue
        nearest = next((pk for pk in reversed(candidate.lineage_ids[:-1]) if pk in groups or pk == unit.pk), None)
        if nearest == unit.pk:
            overseen.append(candidate)
    return _Overseen(overseen, groups & {member.pk for member in overseen}, paths)


@transaction.atomic
def submission_approve(*, actor, campaign: Campaign, unit: Unit) -> UnitSubmission:
    _require_reviewer(actor, unit)
    submission = _submission(campaign, unit)
    if LeadingGroup.objects.filter(government=unit).exists() and submission.status == Status.IN_PROGRESS:
        # A county hands in by being approved upward: its office has nothing else to declare.
        submission.status = Status.SUBMITTED
    if submission.status != Status.SUBMITTED:
        raise ValidationError(_("Only handed-in data can be approved."))
    # Approval locks the unit and everything beneath it: a clue still in the staff's hands could never be corrected.
    pending = (
        Clue.objects.filter(campaign=campaign, unit__path__startswith=unit.path, status__in=Clue.EDITABLE)
        .order_by("entity__name").values_list("entity__name", flat=True).distinct()
    )
    if pending:
        raise ValidationError(
            _("%(unit)s cannot be approved while these clues are returned or in draft, since approval would lock "
              "them: %(entities)s. They must be submitted again or withdrawn first.")
            % {"unit": unit.name, "entities": "、".join(pending)}
        )
    approved = set(
        UnitSubmission.objects.filter(campaign=campaign, status=Status.APPROVED).values_list("unit_id", flat=True)
    )
    waiting = [u.name for u in _overseen(campaign, unit).units if u.pk not in approved]
    if waiting:
        raise ValidationError(
            _("%(unit)s cannot be approved while these units are not: %(units)s.")
            % {"unit": unit.name, "units": "、".join(waiting)}
        )
    submission.status, submission.decided_at, submission.decided_by = Status.APPROVED, timezone.now(), actor
    submission.note = ""
    _save(submission, actor, "status", "decided_at", "decided_by", "note")
    notices.submission_approved(campaign, unit)
    return submission


@transaction.atomic
def submission_received_as_table(*, actor, campaign: Campaign, unit: Unit) -> UnitSubmission:
    """A unit whose return came as a table from outside the system (reports.services.received_tables_save) has handed
    in and is approved with it: its entry closes, so that nothing entered later in the ledger is counted beside the
    table, and the chasing of late units no longer asks it. A zero report declared before gives way to the table."""
    _require_reviewer(actor, unit)
    submission = _submission(campaign, unit)
    now = timezone.now()
    submission.status, submission.is_zero_report = Status.APPROVED, False
    submission.submitted_at = submission.submitted_at or now
    submission.decided_at, submission.decided_by = now, actor
    submission.note = _("Received as a table")
    _save(submission, actor, "status", "is_zero_report", "submitted_at", "decided_at", "decided_by", "note")
    notices.submission_approved(campaign, unit)  # its staff, where it has any, learn that entry has closed
    return submission


@transaction.atomic
def submission_return(*, actor, campaign: Campaign, unit: Unit, reason: str) -> UnitSubmission:
    _require_reviewer(actor, unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the unit should correct.")})
    submission = _submission(campaign, unit)
    if submission.status != Status.SUBMITTED:
        raise ValidationError(_("Only handed-in data can be sent back."))
    submission.status, submission.decided_at, submission.decided_by = Status.RETURNED, timezone.now(), actor
    submission.note = reason.strip()
    _save(submission, actor, "status", "decided_at", "decided_by", "note")
    notices.submission_returned(campaign, unit, submission.note)
    return submission


@transaction.atomic
def submission_unapprove(*, actor, campaign: Campaign, unit: Unit, reason: str) -> UnitSubmission:
    """Reopen an approved unit for entry. Refused while the government above it is approved: unapprove that first."""
    _require_reviewer(actor, unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the approval is withdrawn.")})
    submission = _submission(campaign, unit)
    if submission.status != Status.APPROVED:
        raise ValidationError(_("This unit's data is not approved."))
    above = unit.lineage_ids[:-1]
    if UnitSubmission.objects.filter(campaign=campaign, unit_id__in=above, status=Status.APPROVED).exists():
        raise ValidationError(_("A unit above this one is approved; withdraw that approval first."))
    submission.status, submission.decided_at, submission.decided_by = Status.IN_PROGRESS, timezone.now(), actor
    submission.note = reason.strip()
    return _save(submission, actor, "status", "decided_at", "decided_by", "note")


# The grid ------------------------------------------------------------------------------------------------------------


NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: gettext_lazy("Not started"), **dict(Status.choices)}


@dataclass(frozen=True)
class GridRow:
    unit: Unit
    state: str
    submission: UnitSubmission | None
    records: int
    clues: int
    on_time: bool | None  # None until handed in
    has_account: bool  # whether an active user may enter data for the unit
    pending: int  # clues returned or in draft, which hold approval back
    has_leading_group: bool  # a government that hands in by being approved, with nothing to declare first

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Grid:
    rows: list[GridRow]
    own: UnitSubmission | None  # how the office above decided on ``unit`` itself (a county as approved by the city)


def approval_grid(campaign: Campaign, unit: Unit) -> Grid:
    """Every unit ``unit`` oversees with its state: not started, in progress, submitted, approved or returned, the
    amount of data it holds, the clues that hold its approval back, whether it handed in on time and whether anybody
    can enter for it; and ``unit``'s own submission. A constant number of queries."""
    scope = _overseen(campaign, unit)
    overseen, groups = scope.units, scope.groups
    enterers = permissions.holders(Perm.ENTER, overseen)
    submissions = {
        s.unit_id: s
        for s in UnitSubmission.objects.filter(campaign=campaign, unit__in=[*overseen, unit]).select_related(
            "decided_by"
        )
    }
    records = _counts(ScreeningRecord.objects.filter(campaign=campaign), overseen, paths=scope.paths)
    clues_by_status = _counts(Clue.objects.filter(campaign=campaign), overseen, paths=scope.paths, by="status")
    clues = {pk: sum(n for status, n in found.items() if status != Clue.Status.WITHDRAWN)
             for pk, found in clues_by_status.items()}
    pending = {pk: sum(found.get(status, 0) for status in Clue.EDITABLE) for pk, found in clues_by_status.items()}
    due = locks.data_due(campaign)
    rows = []
    for member in overseen:
        submission = submissions.get(member.pk)
        if submission is not None and submission.status != Status.IN_PROGRESS:
            state = submission.status
        elif submission is not None or records.get(member.pk) or clues.get(member.pk):
            state = Status.IN_PROGRESS
        else:
            state = NOT_STARTED
        handed_in = submission.submitted_at if submission else None
        on_time = None if handed_in is None or due is None else handed_in <= due
        rows.append(GridRow(member, state, submission, records.get(member.pk, 0), clues.get(member.pk, 0), on_time,
                            has_account=bool(enterers[member]), pending=pending.get(member.pk, 0),
                            has_leading_group=member.pk in groups))
    return Grid(rows, own=submissions.get(unit.pk))


def _counts(queryset, units: list[Unit], *, paths: dict[int, str], by: str | None = None) -> dict:
    """Rows of ``queryset`` per unit of ``units``, counting everything beneath each unit, and per value of the field
    ``by`` when one is named ({unit id: {value: n}}): one query, grouped by the rows' own unit among ``paths`` (the
    units beneath, by id: a few hundred groups, read off the campaign's index without joining the unit table) and
    summed up the tree here."""
    grouped = ("unit_id", by) if by else ("unit_id",)
    rows = queryset.filter(unit_id__in=list(paths)).values_list(*grouped).annotate(n=Count("pk"))
    counts = {unit.pk: {} if by else 0 for unit in units}
    for unit_id, *value, n in rows.order_by():
        path = paths[unit_id]
        for unit in units:
            if not path.startswith(unit.path):
                continue
            if by:
                counts[unit.pk][value[0]] = counts[unit.pk].get(value[0], 0) + n
            else:
                counts[unit.pk] += n
    return counts

