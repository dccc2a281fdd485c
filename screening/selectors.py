"""Reads of campaigns that depend on who is asking."""

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from orgs import permissions
from orgs.models import LeadingGroup, Unit
from orgs.permissions import Perm

from .locks import today_local
from .models import Campaign, LockException, Phase, Responsibility, Term, UnitSubmission



def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Published and archived campaigns that cover a unit the user may see or configure (a county admin reads the
    city's campaign, which only the city's admin changes), or lie beneath one; drafts only for those who configure
    them."""
    visible = permissions.units(user, Perm.VIEW)
    managed = permissions.units(user, Perm.MANAGE)
    covers_visible = Exists(visible.filter(path__startswith=OuterRef("scope_unit__path")))
    covers_managed = Exists(managed.filter(path__startswith=OuterRef("scope_unit__path")))
    inside_visible = Q(scope_unit__in=visible)
    managed_scope = Q(scope_unit__in=managed)
    shown = Q(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED]) & (
        covers_visible | covers_managed | inside_visible
    )
    return Campaign.objects.filter(shown | managed_scope).select_related("scope_unit", "issuing_unit")


def campaign_for_user_or_404(user, slug: str) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user), slug=slug)


@dataclass(frozen=True)
class PhaseLine:
    phase: Phase
    is_current: bool
    days_to_deadline: int  # negative once the deadline has passed


def phase_lines(campaign: Campaign, *, on: date | None = None) -> list[PhaseLine]:
    on = on or today_local()
    return [
        PhaseLine(phase, phase.start <= on <= phase.end, (phase.deadline - on).days)
        for phase in campaign.phases.all()
    ]


def open_lock_exceptions(campaign: Campaign, *, on: date | None = None) -> QuerySet[LockException]:
    return campaign.lock_exceptions.filter(until__gte=on or today_local()).select_related("unit", "granted_by")


def term_tree(campaign: Campaign, vocabulary: str) -> list[tuple[Term, list[Term]]]:
    """The vocabulary as its parent links draw it, in display order: each top-level term with its items (none for a
    term that takes data itself). One query."""
    return term_trees(campaign, [vocabulary])[vocabulary]


def term_trees(campaign: Campaign, vocabularies: list[str]) -> dict[str, list[tuple[Term, list[Term]]]]:
    """``term_tree`` of several vocabularies, by vocabulary, in one query."""
    nodes = Term.objects.filter(campaign=campaign, vocabulary__in=vocabularies).order_by("order", "pk")
    children: dict[int | None, list[Term]] = {}
    tops: dict[str, list[Term]] = {vocabulary: [] for vocabulary in vocabularies}
    for node in nodes:
        if node.parent_id is None:
            tops[node.vocabulary].append(node)
        else:
            children.setdefault(node.parent_id, []).append(node)
    return {vocabulary: [(top, children.get(top.pk, [])) for top in found] for vocabulary, found in tops.items()}


def terms(campaign: Campaign, vocabulary: str) -> list[Term]:
    """The vocabulary in display order: each group followed by its items."""
    return terms_of(campaign, [vocabulary])[vocabulary]


def terms_of(campaign: Campaign, vocabularies: list[str]) -> dict[str, list[Term]]:
    """``terms`` of several vocabularies, by vocabulary, in one query."""
    return {
        vocabulary: [term for top, items in tree for term in (top, *items)]
        for vocabulary, tree in term_trees(campaign, vocabularies).items()
    }


def leaves(campaign: Campaign, vocabulary: str, *, include_retired: bool = False) -> QuerySet[Term]:
    """The terms that take data: those without children."""
    found = Term.objects.filter(campaign=campaign, vocabulary=vocabulary).exclude(
        Exists(Term.objects.filter(parent=OuterRef("pk")))
    )
    return found if include_retired else found.filter(is_retired=False)


def responsible_units(campaign: Campaign, sector: Term) -> QuerySet[Unit]:
    return Unit.objects.filter(
        pk__in=Responsibility.objects.filter(campaign=campaign, sector__in=[sector.pk, sector.parent_id]).values("unit")
    )


def sectors_of(campaign: Campaign, unit: Unit) -> QuerySet[Term]:
    return Term.objects.filter(campaign=campaign, responsibilities__unit=unit).order_by("order")


def groups(campaign: Campaign, vocabulary: str) -> QuerySet[Term]:
    """The top-level terms of a tree vocabulary still in use: the places a new item may go under."""
    return Term.objects.filter(campaign=campaign, vocabulary=vocabulary, parent=None, is_retired=False).order_by(
        "order", "pk"
    )


def departments_in(campaign: Campaign) -> QuerySet[Unit]:
    """The departments that may be made responsible for a sector of the campaign."""
    return Unit.objects.filter(
        kind=Unit.Kind.DEPARTMENT, is_active=True, path__startswith=campaign.scope_unit.path
    ).order_by("path")


def responsibilities_by_sector(campaign: Campaign) -> dict[int, list[Responsibility]]:
    found: dict[int, list[Responsibility]] = {}
    for responsibility in campaign.responsibilities.select_related("unit").order_by("unit__path"):
        found.setdefault(responsibility.sector_id, []).append(responsibility)
    return found


def units_reviewable_in(user, campaign: Campaign) -> QuerySet[Unit]:
    """The units of the campaign for which ``user`` may reopen entry."""
    return permissions.units(user, Perm.REVIEW).filter(path__startswith=campaign.scope_unit.path).order_by("path")


def units_followed_in(user, campaign: Campaign) -> QuerySet[Unit]:
    """The units of the campaign whose progress ``user`` follows (orgs.permissions.FOLLOW_PROGRESS)."""
    return permissions.units_followed(user).filter(path__startswith=campaign.scope_unit.path)


def open_lock_exceptions_visible_to(user, campaign: Campaign) -> QuerySet[LockException]:
    return open_lock_exceptions(campaign).filter(unit__in=permissions.units(user, Perm.VIEW))


def reporting_units(campaign: Campaign) -> QuerySet[Unit]:
    """The units that must report in a campaign: its list of expected units, as far as they are active and inside its
    scope, whether or not anybody holds an account for them."""
    return Unit.objects.filter(
        expected_in__campaign=campaign, path__startswith=campaign.scope_unit.path, is_active=True
    )


def default_reporting_units(campaign: Campaign) -> QuerySet[Unit]:
    """Who reports unless the admin says otherwise: every active township or street of the scope, and every active
    department that is a member of the leading group of a government in the scope (a city campaign reaches the
    counties' departments as well as the city's); never a government with a leading group of its own, which its
    office's approval hands in."""
    scope = campaign.scope_unit.path
    group_member = LeadingGroup.members.through.objects.filter(
        unit=OuterRef("pk"), leadinggroup__government__path__startswith=scope
    )
    townships = Q(level=Unit.Level.TOWNSHIP, kind=Unit.Kind.GOVERNMENT)
    departments = Q(Exists(group_member), kind=Unit.Kind.DEPARTMENT)
    return Unit.objects.filter(townships | departments, path__startswith=scope, is_active=True).exclude(
        leading_group__isnull=False
    )


def expected_unit_candidates(campaign: Campaign) -> QuerySet[Unit]:
    """The units the admin may add to the list: active units of the scope not on it yet. Offices and governments
    with a leading group are not offered: they never declare (see screening.services.expected_units_add)."""
    return (
        Unit.objects.filter(path__startswith=campaign.scope_unit.path, is_active=True)
        .exclude(kind=Unit.Kind.OFFICE)
        .exclude(leading_group__isnull=False)
        .exclude(expected_in__campaign=campaign)
        .order_by("path")
    )


@dataclass(frozen=True)
class ExpectedLine:
    unit: Unit
    indent: int  # levels below the units right under the scope
    has_account: bool  # whether an active user may enter data for the unit


def expected_lines(campaign: Campaign) -> list[ExpectedLine]:
    """The campaign's list in tree order, with whether anybody can enter for each unit: two queries."""
    units = list(reporting_units(campaign).order_by("path"))
    enterers = permissions.holders(Perm.ENTER, units)
    top = campaign.scope_unit.depth + 1
    return [ExpectedLine(unit, max(unit.depth - top, 0), bool(enterers[unit])) for unit in units]


def units_yet_to_submit(campaign: Campaign) -> QuerySet[Unit]:
    """Reporting units that have not handed in their data: no submission, or one still in progress or returned."""
    handed_in = UnitSubmission.objects.filter(
        campaign=campaign,
        unit=OuterRef("pk"),
        status__in=[UnitSubmission.Status.SUBMITTED, UnitSubmission.Status.APPROVED],
    )
    return reporting_units(campaign).exclude(Exists(handed_in))


@dataclass(frozen=True)
class OverdueUnit:
    unit: Unit
    due: date  # the first screening deadline that passed, or the later day the office reopened entry until
    days_late: int


def overdue_units(campaign: Campaign, *, on: date | None = None) -> list[OverdueUnit]:
    """Reporting units that have not submitted although a screening deadline has passed, in tree order.

    A unit for which the office reopened entry (a lock exception on it or on a unit above it) is late only from the
    day after the reopened date.
    """
    on = on or today_local()
    passed = [p.deadline for p in campaign.phases.all() if p.kind == Phase.Kind.SCREENING and p.deadline < on]
    if not passed:
        return []
    deadline = min(passed)
    reopened_until = (
        LockException.objects.filter(campaign=campaign)
        .alias(covered_path=ExpressionWrapper(OuterRef("path"), output_field=CharField()))
        .filter(covered_path__startswith=F("unit__path"))
        .order_by("-until")
        .values("until")[:1]
    )
    late = []
    for unit in units_yet_to_submit(campaign).annotate(reopened_until=Subquery(reopened_until)).order_by("path"):
        due = max(deadline, unit.reopened_until or deadline)
        if due < on:
            late.append(OverdueUnit(unit, due, (on - due).days))
    return late
