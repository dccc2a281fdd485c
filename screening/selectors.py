"""Reads of campaigns that depend on who is asking."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm

from .locks import local_zone
from .models import Campaign, LockException, Phase, Responsibility, Term


def today() -> date:
    return timezone.now().astimezone(local_zone()).date()


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Published and archived campaigns that cover a unit the user may see, or lie beneath one; drafts only for those
    who configure them."""
    visible = permissions.units(user, Perm.VIEW)
    managed = permissions.units(user, Perm.MANAGE)
    covers_visible = Exists(visible.filter(path__startswith=OuterRef("scope_unit__path")))
    inside_visible = Q(scope_unit__in=visible)
    managed_scope = Q(scope_unit__in=managed)
    shown = Q(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED]) & (covers_visible | inside_visible)
    return Campaign.objects.filter(shown | managed_scope).select_related("scope_unit", "issuing_unit")


def campaign_for_user_or_404(user, slug: str) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user), slug=slug)


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(scope_unit__in=permissions.units(user, Perm.MANAGE)).select_related("scope_unit")


@dataclass(frozen=True)
class PhaseLine:
    phase: Phase
    is_current: bool
    days_to_deadline: int  # negative once the deadline has passed


def phase_lines(campaign: Campaign, *, on: date | None = None) -> list[PhaseLine]:
    on = on or today()
    return [
        PhaseLine(phase, phase.start <= on <= phase.end, (phase.deadline - on).days)
        for phase in campaign.phases.all()
    ]


def open_lock_exceptions(campaign: Campaign, *, on: date | None = None) -> QuerySet[LockException]:
    return campaign.lock_exceptions.filter(until__gte=on or today()).select_related("unit", "granted_by")


def terms(campaign: Campaign, vocabulary: str) -> list[Term]:
    """The vocabulary in display order: each group followed by its items."""
    nodes = list(Term.objects.filter(campaign=campaign, vocabulary=vocabulary).order_by("order", "pk"))
    children: dict[int | None, list[Term]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered = []
    for top in children.get(None, []):
        ordered.append(top)
        ordered.extend(children.get(top.pk, []))
    return ordered


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
