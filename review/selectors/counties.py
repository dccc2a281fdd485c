"""Reads across counties. A notice is read by the county notified, its own office and leaders
(``permissions.governments_represented``), and by nobody else through its page: the sending office and leaders
follow the notices of their county in the list of those sent and on each clue's page, and staff never see them. A
joint case is read by those who follow the city (its office and leaders) and by the office and leaders of each
county currently named in it; any other county does not learn it exists."""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from ledger.models import Clue
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening.models import Campaign

from ..models import CaseCounty, CountyNotice, JointCase
from . import reviewable_units


def county_of(unit: Unit) -> Unit | None:
    """The county (区/县) government ``unit`` lies in, itself included; None above or beside any county."""
    return (Unit.objects.filter(pk__in=unit.lineage_ids, level=Unit.Level.COUNTY, kind=Unit.Kind.GOVERNMENT)
            .order_by("-path").first())


def _counties() -> QuerySet[Unit]:
    return Unit.objects.filter(level=Unit.Level.COUNTY, kind=Unit.Kind.GOVERNMENT, is_active=True).order_by("path")


def counties_notified(from_county: Unit) -> QuerySet[Unit]:
    """The counties ``from_county`` may notify: every other county with an office to receive the notice."""
    with_office = Unit.objects.filter(parent=OuterRef("pk"), kind=Unit.Kind.OFFICE, is_active=True)
    return _counties().filter(Exists(with_office)).exclude(pk=from_county.pk)


def where_entity_is(counties: QuerySet[Unit], entity) -> QuerySet[Unit]:
    """``counties`` with those where ``entity`` is registered or operates (their code begins its registered or
    operating division) first, marked ``suggested``."""
    prefixes = {division[:length] for division in (entity.registered_division, entity.operating_division) if division
                for length in range(1, len(division) + 1)}
    suggested = ExpressionWrapper(Q(code__in=prefixes), output_field=BooleanField())
    return counties.annotate(suggested=suggested).order_by("-suggested", "path")


def counties_of(city: Unit) -> QuerySet[Unit]:
    return _counties().filter(path__startswith=city.path)


def campaigns_of(county: Unit) -> QuerySet[Campaign]:
    """The published campaigns a clue of ``county`` may be recorded in: those whose scope covers it."""
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED,
                                   scope_unit_id__in=county.lineage_ids).order_by("-year", "-pk")


def units_of(county: Unit) -> QuerySet[Unit]:
    """The units beneath ``county`` a clue may belong to: its townships, departments and the rest, not its office."""
    return (Unit.objects.filter(path__startswith=county.path, is_active=True).exclude(pk=county.pk)
            .exclude(kind=Unit.Kind.OFFICE).order_by("path"))


# Notices -------------------------------------------------------------------------------------------------------------


def notices_received(user) -> QuerySet[CountyNotice]:
    return (CountyNotice.objects.filter(to_county__in=permissions.governments_represented(user))
            .select_related("from_county", "to_county", "acknowledged_by", "opened_clue")
            .order_by("-pk"))


def notices_sent(user) -> QuerySet[CountyNotice]:
    """The notices the user's county sent, for its office and leaders to follow in one list: whom, whether
    acknowledged, whether a clue was opened from it."""
    return (CountyNotice.objects.filter(from_county__in=permissions.governments_represented(user))
            .select_related("to_county", "sent_by", "acknowledged_by", "opened_clue")
            .order_by("-pk"))


def notice_for_user_or_404(user, pk: int) -> CountyNotice:
    return get_object_or_404(notices_received(user).select_related("sent_by", "opened_clue__unit"), pk=pk)


def notices_of_clue(clue: Clue) -> QuerySet[CountyNotice]:
    """The notices sent of a clue, for its office's clue page: whom, when, whether acknowledged, the clue opened."""
    return clue.county_notices.select_related("to_county", "sent_by", "acknowledged_by", "opened_clue").order_by("-pk")


def source_notice_of(clue: Clue) -> CountyNotice | None:
    """The notice the clue was opened from, if it was."""
    return CountyNotice.objects.filter(opened_clue=clue).select_related("from_county").first()


# Joint cases ---------------------------------------------------------------------------------------------------------


def cities_led(user) -> QuerySet[Unit]:
    """The cities whose own office ``user`` is of: where joint cases are opened."""
    return permissions.units_granted(user, Perm.REVIEW).filter(level=Unit.Level.CITY, kind=Unit.Kind.GOVERNMENT)


def cases_visible_to(user) -> QuerySet[JointCase]:
    named = CaseCounty.objects.filter(case=OuterRef("pk"), ended_at__isnull=True,
                                      county__in=permissions.governments_represented(user))
    return (JointCase.objects.filter(Q(city__in=permissions.units_followed(user)) | Q(Exists(named)))
            .select_related("city").order_by("-pk"))


def case_for_user_or_404(user, pk: int) -> JointCase:
    return get_object_or_404(cases_visible_to(user), pk=pk)


@dataclass(frozen=True)
class CaseLine:
    case: JointCase
    lead: Unit | None
    assisting: list[Unit]
    own_roles: list[str]  # the labels of the parts the user's own counties play, if any


def case_lines(user, cases) -> list[CaseLine]:
    """The cases with their current counties and the user's own part: three queries, whatever the number of cases."""
    current = CaseCounty.objects.filter(ended_at__isnull=True).select_related("county")
    cases = list(cases.prefetch_related(Prefetch("counties", queryset=current, to_attr="current")))
    own = set(permissions.governments_represented(user).values_list("pk", flat=True))
    lines = []
    for case in cases:
        lead = next((part.county for part in case.current if part.role == CaseCounty.Role.LEAD), None)
        assisting = [part.county for part in case.current if part.role == CaseCounty.Role.ASSISTING]
        roles = [part.get_role_display() for part in case.current if part.county_id in own]
        lines.append(CaseLine(case, lead, assisting, roles))
    return lines


def case_parts(case: JointCase) -> QuerySet[CaseCounty]:
    """Every county the case has named, current and ended, with who named it and who changed it, when."""
    return case.counties.select_related("county", "named_by", "ended_by").order_by("named_at", "pk")


def case_clues(case: JointCase) -> QuerySet[Clue]:
    return (case.clues.select_related("entity", "sector", "unit").prefetch_related("behaviours")
            .order_by("unit__path", "pk"))


def clues_reviewed_among(user, clues) -> set[int]:
    """Which of ``clues`` the user reviews (whose office page the user may open): one query."""
    return set(Clue.objects.filter(pk__in=[clue.pk for clue in clues], unit__in=reviewable_units(user))
               .values_list("pk", flat=True))


def case_clues_for(user, city: Unit) -> QuerySet[Clue]:
    """The clues the city office may group in a case: handed-in clues of the city that it reviews."""
    return (Clue.objects.filter(unit__in=reviewable_units(user), unit__path__startswith=city.path)
            .exclude(status=Clue.Status.DRAFT))


@dataclass(frozen=True)
class AcrossCounties:
    unacknowledged: int  # notices received not yet acknowledged
    received: int
    cases: int  # joint cases the user follows


def across_counties(user) -> AcrossCounties | None:
    """What the home page says of the work across counties: two queries; None when the user's county has neither
    notices nor cases."""
    counts = notices_received(user).order_by().aggregate(
        received=Count("pk"), unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True)))
    cases = cases_visible_to(user).order_by().count()
    if not counts["received"] and not cases:
        return None
    return AcrossCounties(counts["unacknowledged"], counts["received"], cases)
