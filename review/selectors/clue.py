"""Reads of the office's clue page: the clue, its rating, disposal, flags, what staff changed since it was returned,
its trail, and whom it may be given to, transferred to or merged with."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ledger import flags
from ledger import selectors as ledger_selectors
from ledger.models import Clue, ClueEvent
from orgs.models import Unit
from screening import selectors as screening_selectors

from ..models import Assessment, Disposal
from . import reviewable_units


# What staff correct after a return: the facts of the clue, not its workflow fields.
FACT_FIELDS = (
    "entity", "sector", "behaviours", "fundraising_mode", "channel", "amount_involved", "people_involved",
    "unpaid_funds", "cross_province", "problems", "source", "description", "code_check_confirmed",
)


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
        .prefetch_related("measures", "notices", "notes__author", "files__uploaded_by")
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
        .exclude(pk__in=unit.lineage_ids)
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
