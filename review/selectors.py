"""Reads of the office's workbench, scoped to the user.

Clues, assessments and disposals are read through the units the user may review (``permissions.units(user,
Perm.REVIEW)``): staff hold no REVIEW, so nothing here ever hands them a rating. The declaration page reads the one
unit its view has checked the user enters data for.
"""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ledger import flags
from ledger import selectors as ledger_selectors
from ledger.models import Clue, ClueEvent, ScreeningRecord
from orgs import permissions
from orgs.models import LeadingGroup, Unit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.locks import ancestor_ids, today_local
from screening.models import Campaign, UnitSubmission

from . import submissions
from .models import Assessment, Disposal

# What staff correct after a return: the facts of the clue, not its workflow fields.
FACT_FIELDS = (
    "entity", "sector", "behaviours", "fundraising_mode", "channel", "amount_involved", "people_involved",
    "unpaid_funds", "cross_province", "problems", "source", "description", "code_check_confirmed",
)


def reviewable_units(user) -> QuerySet[Unit]:
    return permissions.units(user, Perm.REVIEW)


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
        .filter(status=Campaign.Status.PUBLISHED, scope_unit_id__in=ancestor_ids(unit))
        .order_by("-year", "-created_at", "-pk")
    )


# The queue -----------------------------------------------------------------------------------------------------------


def clues_reviewable_by(user, campaign: Campaign) -> QuerySet[Clue]:
    """The clues of the campaign the user may review. Drafts are still the staff's work and stay out."""
    return Clue.objects.filter(campaign=campaign, unit__in=reviewable_units(user)).exclude(status=Clue.Status.DRAFT)


def clues_for_review(user, campaign: Campaign, *, on: date | None = None) -> QuerySet[Clue]:
    """The queue: reviewable clues with their level and flags computed in SQL (so that they can be filtered on, and a
    page of rows is one query), ``reported_elsewhere`` included. A clue merged into another is reviewed there."""
    on = on or today_local()
    keywords = flags.active_keywords()
    keyword_match = (
        ExpressionWrapper(
            reduce(or_, (Q(entity__name__contains=w) | Q(entity__business_scope__contains=w) for w in keywords)),
            output_field=BooleanField(),
        )
        if keywords
        else Value(False)
    )
    cross_region = (
        ~Q(entity__registered_division="") & ~Q(entity__operating_division="") & ~Q(registered_county=F("operating_county"))
    )
    overdue = Q(disposal__deadline__lt=on) & ~Q(disposal__stage=Disposal.Stage.FINISHED)
    return (
        ledger_selectors.clues_flagged(user, campaign)
        .filter(unit__in=reviewable_units(user), merged_into__isnull=True)
        .exclude(status=Clue.Status.DRAFT)
        .alias(
            registered_county=Substr("entity__registered_division", 1, flags.COUNTY_CODE_LENGTH),
            operating_county=Substr("entity__operating_division", 1, flags.COUNTY_CODE_LENGTH),
        )
        .annotate(
            level=Coalesce(NullIf("assessment__level_override", Value("")), "assessment__computed_level"),
            is_key=F("assessment__is_key"),
            has_keyword=keyword_match,
            is_cross_region=ExpressionWrapper(cross_region, output_field=BooleanField()),
            disposal_overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
        )
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class QueueRow:
    clue: Clue  # as annotated by clues_for_review
    keywords: list[str]
    cross_region: str | None
    level_label: str


def queue_rows(clues) -> list[QueueRow]:
    return [
        QueueRow(flagged.clue, flagged.keywords, flagged.cross_region,
                 Assessment.Level(flagged.clue.level).label if flagged.clue.level else "")
        for flagged in flags.flag_clues(clues, flags.active_keywords())
    ]


# The clue page -------------------------------------------------------------------------------------------------------


def clue_for_reviewer_or_404(user, pk: int) -> Clue:
    clues = Clue.objects.filter(unit__in=reviewable_units(user)).select_related(
        "entity", "unit", "sector", "campaign__scope_unit", "fundraising_mode", "source", "merged_into__unit"
    )
    return get_object_or_404(clues, pk=pk)


def assessment_of(clue: Clue) -> Assessment | None:
    """The clue's rating. Only for a clue read through ``clue_for_reviewer_or_404``."""
    return Assessment.objects.filter(clue=clue).select_related("rated_by").first()


def disposal_of(clue: Clue) -> Disposal | None:
    return (
        Disposal.objects.filter(clue=clue)
        .select_related("responsible_unit")
        .prefetch_related("measures", "notices", "notes__author")
        .first()
    )


@dataclass(frozen=True)
class ClueFlags:
    keywords: list[str]
    cross_region: str | None
    code_warning: bool
    elsewhere: ledger_selectors.KnownReports | None


def clue_flags(user, clue: Clue) -> ClueFlags:
    flagged = flags.flag_clues([clue], flags.active_keywords())[0]
    known = ledger_selectors.reports_known_to(user, [clue.entity], campaign=clue.campaign, besides_unit=clue.unit)
    return ClueFlags(flagged.keywords, flagged.cross_region, clue.code_check_confirmed, known.get(clue.entity_id))


def changes_since_previous_submission(clue: Clue) -> list[ledger_selectors.Change] | None:
    """What staff changed after the office last returned the clue: the facts as they stood when it was returned (the
    office changes none of them) against the facts now. None when the clue was never returned.

    The snapshot is taken at the return rather than at the submission because a clue created already submitted (the
    import) records its behaviours and problems only from its next save on.
    """
    rows = list(clue.history.order_by("history_date", "history_id"))
    returned_at = [
        i for i, row in enumerate(rows)
        if row.status == Clue.Status.RETURNED and (i == 0 or rows[i - 1].status != Clue.Status.RETURNED)
    ]
    if not returned_at:
        return None
    # Shown in words as the staff ledger shows a clue's history.
    return ledger_selectors._changes(
        rows[-1].diff_against(rows[returned_at[-1]], included_fields=FACT_FIELDS, foreign_keys_are_objs=True)
    )


@dataclass(frozen=True)
class TrailLine:
    event: ClueEvent
    detail: str


def trail(clue: Clue) -> list[TrailLine]:
    """The clue's ClueEvents, oldest first, each with its details in words."""
    return [TrailLine(event, _event_detail(event)) for event in clue.events.select_related("actor")]


def _event_detail(event: ClueEvent) -> str:
    details, Kind = event.details, ClueEvent.Kind
    if event.kind == Kind.RATED:
        return _("Scores %(scores)s; level by the rule: %(level)s") % {
            "scores": "、".join(str(score) for score in details.get("scores", [])),
            "level": Assessment.Level(details["level"]).label,
        }
    if event.kind == Kind.LEVEL_OVERRIDDEN:
        return _("Level: %(level)s") % {"level": Assessment.Level(details["level"]).label}
    if event.kind == Kind.DISPOSAL_PLANNED:
        return f"{Disposal.Track(details['track']).label} · {Disposal.Stage(details['stage']).label}"
    if event.kind == Kind.PROGRESS:
        return _("Dated %(on)s") % {"on": details.get("on", "")}
    if event.kind == Kind.TRANSFERRED:
        return _("From %(from)s to %(to)s") % {"from": details.get("from_unit", ""), "to": details.get("to_unit", "")}
    if event.kind == Kind.MERGED and "into" in details:
        return _("Merged into clue %(pk)s of %(unit)s") % {"pk": details["into"], "unit": details.get("unit", "")}
    if event.kind == Kind.MERGED:
        return _("Clue %(pk)s of %(unit)s merged into this one") % {"pk": details.get("merged"), "unit": details.get("unit", "")}
    return ""


def responsible_unit_choices(user, clue: Clue) -> QuerySet[Unit]:
    """The units a disposal may be given to: those the user reviews in the campaign, with the units responsible for the
    clue's sector (the campaign's responsibility table) first, marked ``suggested``."""
    suggested = screening_selectors.responsible_units(clue.campaign, clue.sector)
    reviewable = reviewable_units(user).filter(path__startswith=clue.campaign.scope_unit.path, is_active=True)
    return (
        Unit.objects.filter(Q(pk__in=reviewable.values("pk")) | Q(pk__in=suggested.values("pk")))
        .annotate(suggested=Exists(suggested.filter(pk=OuterRef("pk"))))
        .order_by("-suggested", "path")
    )


@dataclass(frozen=True)
class TransferOptions:
    candidates: QuerySet[Unit]
    why_none: str = ""


def transfer_options(clue: Clue) -> TransferOptions:
    """The governments of the campaign in whose territory the clue's entity is registered: those whose division code
    begins its registered division, outside the territory of the clue's own unit (and not above it)."""
    entity, unit = clue.entity, clue.unit
    division = entity.registered_division
    if clue.status == Clue.Status.WITHDRAWN or clue.merged_into_id:
        return TransferOptions(Unit.objects.none(), _("A withdrawn or merged clue cannot be transferred."))
    if not division:
        return TransferOptions(
            Unit.objects.none(),
            _("The registered division of %(entity)s is not recorded, so the territory it belongs to is not known.")
            % {"entity": entity.name},
        )
    if division.startswith(unit.code):
        return TransferOptions(
            Unit.objects.none(),
            _("%(entity)s is registered in the territory of %(unit)s itself.") % {"entity": entity.name, "unit": unit.name},
        )
    candidates = (
        Unit.objects.filter(
            kind=Unit.Kind.GOVERNMENT, is_active=True, path__startswith=clue.campaign.scope_unit.path,
            code__in=[division[:length] for length in range(1, len(division) + 1)],
        )
        .exclude(pk__in=ancestor_ids(unit))
        .order_by("path")
    )
    if not candidates.exists():
        return TransferOptions(
            candidates,
            _("No government of this campaign has the division code %(division)s or a code it begins with.")
            % {"division": division},
        )
    return TransferOptions(candidates)


def merge_candidates(user, clue: Clue) -> QuerySet[Clue]:
    """Other clues on the clue's entity in the campaign, in units the user reviews, that can still be merged."""
    if clue.status == Clue.Status.WITHDRAWN or clue.merged_into_id:
        return Clue.objects.none()
    return (
        Clue.objects.filter(campaign=clue.campaign_id, entity=clue.entity_id, unit__in=reviewable_units(user),
                            merged_into=None)
        .exclude(pk=clue.pk)
        .exclude(status=Clue.Status.WITHDRAWN)
        .select_related("unit", "sector")
        .order_by("unit__path", "pk")
    )


# Overdue disposals ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueDisposal:
    disposal: Disposal
    days_overdue: int


def overdue_disposals(user, campaign: Campaign, *, on: date | None = None) -> list[OverdueDisposal]:
    """Disposal plans past their deadline and not finished, in the user's review scope, the longest overdue first."""
    on = on or today_local()
    disposals = (
        Disposal.objects.filter(clue__campaign=campaign, clue__unit__in=reviewable_units(user), deadline__lt=on)
        .exclude(stage=Disposal.Stage.FINISHED)
        .exclude(clue__status=Clue.Status.WITHDRAWN)
        .select_related("clue__entity", "clue__unit", "responsible_unit")
        .order_by("deadline", "pk")
    )
    return [OverdueDisposal(disposal, (on - disposal.deadline).days) for disposal in disposals]


# Approval of submissions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalLine:
    row: submissions.GridRow
    may_approve: bool
    may_return: bool
    may_unapprove: bool


def approval_lines(campaign: Campaign, jurisdiction: Unit) -> list[ApprovalLine]:
    """The approval grid of the government ``jurisdiction`` (the caller checks the user reviews it), with the decisions
    each row's state allows."""
    grid = submissions.approval_grid(campaign, jurisdiction)
    with_group = set(
        LeadingGroup.objects.filter(government__in=[row.unit for row in grid]).values_list("government_id", flat=True)
    )
    Status = UnitSubmission.Status
    lines = []
    for row in grid:
        # A government with a leading group hands in by being approved: it has nothing to declare first.
        hands_in_by_approval = row.unit.pk in with_group and row.state in (submissions.NOT_STARTED, Status.IN_PROGRESS)
        lines.append(ApprovalLine(
            row,
            may_approve=row.state == Status.SUBMITTED or hands_in_by_approval,
            may_return=row.state == Status.SUBMITTED,
            may_unapprove=row.state == Status.APPROVED,
        ))
    return lines


def own_submission(campaign: Campaign, jurisdiction: Unit) -> UnitSubmission | None:
    """How the office above decided on the jurisdiction itself (a county as approved by the city)."""
    return UnitSubmission.objects.filter(campaign=campaign, unit=jurisdiction).select_related("decided_by").first()


def overdue_units_reviewable(user, campaign: Campaign) -> list[screening_selectors.OverdueUnit]:
    late = screening_selectors.overdue_units(campaign)
    reviewed = set(reviewable_units(user).filter(pk__in=[line.unit.pk for line in late]).values_list("pk", flat=True))
    return [line for line in late if line.unit.pk in reviewed]


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
    )
