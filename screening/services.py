"""Writes to campaigns: their phases, taxonomies, responsibilities, units expected to report and lock exceptions.

``actor`` is the user doing the work; ``None`` means the system itself (a management command run by the operator).
Configuring a campaign needs MANAGE on its scope unit; reopening entry for a unit needs REVIEW on that unit.
"""

import calendar
from datetime import date, timedelta
from itertools import count

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm

from . import selectors
from .models import Campaign, ExpectedUnit, LockException, Phase, Responsibility, Term
from .taxonomy_fixtures import load_taxonomy


def _require(actor, perm: Perm, unit: Unit) -> None:
    if actor is not None:
        permissions.require(actor, perm, unit)


def _require_manage(actor, campaign: Campaign) -> None:
    _require(actor, Perm.MANAGE, campaign.scope_unit)


# The short name a campaign gets when none is given: the year, the pinyin of its kind, a number.
SLUG_STEMS = {Campaign.Kind.SPECIAL: "zhuanxiang", Campaign.Kind.NORMALISED: "changtai"}


def free_slug(campaign: Campaign) -> str:
    """The first of 2026-zhuanxiang-1, 2026-zhuanxiang-2, ... that no campaign has (pinyin of 专项 or 常态化: a
    title in Chinese gives nothing a web address can hold, and no pinyin table is at hand offline)."""
    prefix = f"{campaign.year}-{SLUG_STEMS[campaign.kind]}-"
    taken = set(Campaign.objects.filter(slug__startswith=prefix).values_list("slug", flat=True))
    return next(f"{prefix}{number}" for number in count(1) if f"{prefix}{number}" not in taken)


@transaction.atomic
def campaign_save(*, actor, campaign: Campaign) -> Campaign:
    """Create or change a campaign; one without a short name is given one. A new campaign, or one whose scope
    changed, gets the default list of units expected to report: a list made for another scope says nothing of this
    one."""
    previous = Campaign.objects.select_related("scope_unit").get(pk=campaign.pk) if campaign.pk else None
    if previous:
        _require_manage(actor, previous)
    _require_manage(actor, campaign)
    campaign.slug = campaign.slug or free_slug(campaign)
    campaign.full_clean()
    campaign.save()
    if not previous or previous.scope_unit_id != campaign.scope_unit_id:
        _expected_units_replace(actor, campaign, list(selectors.default_reporting_units(campaign)))
    return campaign


@transaction.atomic
def campaign_create(*, actor, campaign: Campaign, form: str = "") -> Campaign:
    """A new campaign, given the taxonomy of the official ``form`` ("2017" or "2018") unless ``form`` is empty."""
    campaign_save(actor=actor, campaign=campaign)
    if form:
        load_taxonomy(actor=actor, campaign=campaign, form=form)
    return campaign


@transaction.atomic
def phase_save(*, actor, phase: Phase) -> Phase:
    _require_manage(actor, phase.campaign)
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def phase_delete(*, actor, phase: Phase) -> None:
    _require_manage(actor, phase.campaign)
    phase.delete()


@transaction.atomic
def phases_save(*, actor, campaign: Campaign, saved: list[Phase], deleted: list[Phase]) -> None:
    """Apply an edit of a campaign's phase table at once: either every row is saved and deleted, or none is."""
    if any(phase.pk and phase.campaign_id != campaign.pk for phase in [*saved, *deleted]):
        raise ValidationError(_("This phase belongs to another campaign."))
    for phase in deleted:
        phase_delete(actor=actor, phase=phase)
    for phase in saved:
        phase.campaign = campaign
        phase_save(actor=actor, phase=phase)


# Taxonomy ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def term_add(*, actor, campaign: Campaign, vocabulary: str, name: str, parent: Term | None = None) -> Term:
    _require_manage(actor, campaign)
    siblings = Term.objects.filter(campaign=campaign, vocabulary=vocabulary, parent=parent)
    term = Term(
        campaign=campaign,
        vocabulary=vocabulary,
        parent=parent,
        name=name.strip(),
        order=(siblings.aggregate(last=Max("order"))["last"] or 0) + 1,
    )
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def term_rename(*, actor, term: Term, name: str) -> Term:
    _require_manage(actor, term.campaign)
    term.name = name.strip()
    term.full_clean()
    term.save(update_fields=["name"])
    return term


@transaction.atomic
def term_move(*, actor, term: Term, step: int) -> bool:
    """Move a term one place up (``step=-1``) or down (``step=1``) among its siblings; False when it is already at
    that end."""
    _require_manage(actor, term.campaign)
    siblings = list(
        Term.objects.select_for_update()
        .filter(campaign=term.campaign, vocabulary=term.vocabulary, parent=term.parent_id)
        .order_by("order", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == term.pk)
    target = index + step
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])
    return True


@transaction.atomic
def term_set_retired(*, actor, term: Term, retired: bool) -> Term:
    """A retired term keeps its data and its place in the tables but is no longer offered for new entries."""
    _require_manage(actor, term.campaign)
    term.is_retired = retired
    term.save(update_fields=["is_retired"])
    return term


@transaction.atomic
def term_delete(*, actor, term: Term) -> None:
    """Delete a term nobody used. A group with items, or a term that data points to, is refused: retire it instead."""
    _require_manage(actor, term.campaign)
    refusal = ValidationError(
        _("“%(name)s” has data or sub-items and cannot be deleted; retire it instead.") % {"name": term.name}
    )
    if term.children.exists():
        raise refusal
    try:
        with transaction.atomic():
            term.responsibilities.all().delete()
            term.delete()
    except ProtectedError:
        raise refusal


# Responsibilities ----------------------------------------------------------------------------------------------------


@transaction.atomic
def responsibilities_set(*, actor, campaign: Campaign, sector: Term, units: list[Unit], note: str = "") -> None:
    """Make ``units`` exactly the departments responsible for ``sector``."""
    _require_manage(actor, campaign)
    if sector.campaign_id != campaign.pk or sector.vocabulary != Term.Vocabulary.SECTOR:
        raise ValidationError(_("Choose a sector of this campaign."))
    outside = [unit.name for unit in units if not unit.path.startswith(campaign.scope_unit.path)]
    if outside:
        raise ValidationError(_("Outside the campaign's scope: %(units)s.") % {"units": "、".join(outside)})
    Responsibility.objects.filter(campaign=campaign, sector=sector).exclude(unit__in=units).delete()
    for unit in units:
        Responsibility.objects.update_or_create(campaign=campaign, sector=sector, unit=unit, defaults={"note": note})


# Units expected to report -------------------------------------------------------------------------------------------


def _expected_units_replace(actor, campaign: Campaign, units: list[Unit]) -> None:
    for expected in campaign.expected_units.exclude(unit__in=units):
        expected._history_user = actor
        expected.delete()
    expected_units_add(actor=actor, campaign=campaign, units=units)


@transaction.atomic
def expected_units_add(*, actor, campaign: Campaign, units: list[Unit]) -> list[Unit]:
    """Put ``units`` on the campaign's list of units expected to report; returns those that were not on it yet."""
    _require_manage(actor, campaign)
    outside = [unit.name for unit in units if not unit.path.startswith(campaign.scope_unit.path)]
    if outside:
        raise ValidationError(_("Outside the campaign's scope: %(units)s.") % {"units": "、".join(outside)})
    offices = [unit.name for unit in units if unit.kind == Unit.Kind.OFFICE]
    if offices:
        raise ValidationError(
            _("An office reports through the government it serves: %(units)s.") % {"units": "、".join(offices)}
        )
    # Its office's approval hands it in, and it is in the grid above it whatever the list says.
    with_group = [unit.name for unit in Unit.objects.filter(pk__in=[u.pk for u in units], leading_group__isnull=False)]
    if with_group:
        raise ValidationError(
            _("A government with a leading group is handed in by the approval of the office above: %(units)s.")
            % {"units": "、".join(with_group)}
        )
    # Two admins adding at once queue here; the unique constraint is the last word.
    Campaign.objects.select_for_update().only("pk").get(pk=campaign.pk)
    listed = set(campaign.expected_units.values_list("unit_id", flat=True))
    added = [unit for unit in dict.fromkeys(units) if unit.pk not in listed]
    bulk_create_with_history(
        [ExpectedUnit(campaign=campaign, unit=unit) for unit in added], ExpectedUnit, default_user=actor
    )
    return added


@transaction.atomic
def expected_units_remove(*, actor, campaign: Campaign, units: list[Unit]) -> list[Unit]:
    """Take ``units`` off the list; their data stays and still counts in the tables. Returns those that were on it."""
    _require_manage(actor, campaign)
    removed = []
    for expected in campaign.expected_units.filter(unit__in=units).select_related("unit").order_by("unit__path"):
        expected._history_user = actor
        expected.delete()
        removed.append(expected.unit)
    return removed


# Lock exceptions -----------------------------------------------------------------------------------------------------


@transaction.atomic
def lock_exception_grant(*, actor, campaign: Campaign, unit: Unit, until: date, reason: str) -> LockException:
    """The office reopens entry for one unit (and the units beneath it) until ``until``; the grant is kept."""
    _require(actor, Perm.REVIEW, unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why entry is reopened.")})
    if not unit.path.startswith(campaign.scope_unit.path):
        raise ValidationError(_("This unit is not part of the campaign."))
    exception = LockException(campaign=campaign, unit=unit, until=until, reason=reason.strip(), granted_by=actor)
    exception.full_clean()
    exception.save()
    return exception


# Copying a campaign --------------------------------------------------------------------------------------------------


def move_to_year(day: date, year: int) -> date:
    """The same month and day in ``year``; 29 February becomes the 28th in a common year."""
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


@transaction.atomic
def campaign_copy(
    *, actor, source: Campaign, title: str, slug: str, year: int, shift_days: int | None = None
) -> Campaign:
    """A new draft campaign for ``year`` with the source's phases, taxonomy and responsibilities. Phase dates move by
    ``shift_days`` when given, else to the same days in ``year``. The source is not changed."""
    _require_manage(actor, source)
    if shift_days is None:
        def move(day: date) -> date:
            return move_to_year(day, day.year + (year - source.year))
    else:
        def move(day: date) -> date:
            return day + timedelta(days=shift_days)

    copy = Campaign(
        title=title,
        slug=slug,
        year=year,
        issuing_unit=source.issuing_unit,
        scope_unit=source.scope_unit,
        kind=source.kind,
        status=Campaign.Status.DRAFT,
        reminder_days=source.reminder_days,
    )
    campaign_save(actor=actor, campaign=copy)
    Phase.objects.bulk_create(
        Phase(campaign=copy, kind=p.kind, name=p.name, start=move(p.start), end=move(p.end), deadline=move(p.deadline))
        for p in source.phases.all()
    )
    copies: dict[int, Term] = {}
    for term in source.terms.order_by(F("parent_id").asc(nulls_first=True), "order"):
        copies[term.pk] = Term.objects.create(
            campaign=copy,
            vocabulary=term.vocabulary,
            parent=copies.get(term.parent_id),
            name=term.name,
            order=term.order,
            is_retired=term.is_retired,
        )
    Responsibility.objects.bulk_create(
        Responsibility(campaign=copy, sector=copies[r.sector_id], unit_id=r.unit_id, note=r.note)
        for r in source.responsibilities.all()
    )
    return copy
