"""The one place that answers "which units may this user see / enter data for / review / export / configure".

Grants are django-guardian object permissions stored in ``UnitUserPermission`` (a direct foreign key to the unit). A grant
on a unit covers that unit and every unit beneath it: a unit is covered when its materialised path starts with the path
of a unit the user holds the permission on. Each answer is one SQL query, whatever the depth or size of the tree.

Memberships are the source of grants: ``ROLE_PERMISSIONS`` says what each role holds and ``grant_unit`` where.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Membership, Unit, UnitUserPermission


class Perm(StrEnum):
    VIEW = "view_unit_data"
    ENTER = "enter_unit_data"
    REVIEW = "review_unit_data"
    EXPORT = "export_unit_data"
    MANAGE = "manage_unit"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    # 填报员: their own unit (and its villages or centres), nothing beside it.
    Membership.Role.STAFF: frozenset({Perm.VIEW, Perm.ENTER}),
    # 处非办: the whole jurisdiction of its leading group; reviews and exports, does not enter data for others.
    Membership.Role.OFFICE: frozenset({Perm.VIEW, Perm.REVIEW, Perm.EXPORT}),
    # 领导小组组长/成员: reads dashboards and tables, changes nothing.
    Membership.Role.LEADER: frozenset({Perm.VIEW, Perm.EXPORT}),
    # 系统管理员: configures units, users and campaigns; sees clue data only through another membership.
    Membership.Role.ADMIN: frozenset({Perm.MANAGE}),
}


# Work the office assigns to a unit (a disposal task, 一事一策) is carried out by those who enter data for it: its staff,
# as far down as their data entry reaches (a township's staff for its villages). Offices and leaders hold no ENTER: they
# follow the tasks they set, and never act on one; the staff of another unit reach no task of this one.
ACT_ON_TASKS = Perm.ENTER


# What an admin membership allows in the Django admin site (model-level, on top of the object grants above).
ADMIN_SITE_PERMISSIONS = (
    "orgs.view_unit", "orgs.add_unit", "orgs.change_unit",
    "orgs.view_user", "orgs.add_user", "orgs.change_user",
    "orgs.view_membership", "orgs.add_membership", "orgs.change_membership", "orgs.delete_membership",
    "orgs.view_leadinggroup", "orgs.add_leadinggroup", "orgs.change_leadinggroup",
)


def grant_unit(membership: Membership) -> Unit:
    """Staff act for their own unit; the office, leaders and admins act for the government their unit serves."""
    if membership.role == Membership.Role.STAFF:
        return membership.unit
    return membership.unit.jurisdiction


def grants_for(memberships: Iterable[Membership]) -> dict[Perm, set[Unit]]:
    """The object permissions a set of memberships implies, as {permission: units granted on}."""
    grants: dict[Perm, set[Unit]] = {}
    for membership in memberships:
        for perm in ROLE_PERMISSIONS[membership.role]:
            grants.setdefault(perm, set()).add(grant_unit(membership))
    return grants


# Who follows how the units beneath a government are getting on (the approval grid, the overdue lists): the office,
# which decides on them, and the leaders, who read the jurisdiction's figures and change nothing. Staff do not.
FOLLOW_PROGRESS = frozenset({Perm.REVIEW, Perm.EXPORT})


def _grants_of_perm(*perms: Perm) -> QuerySet[UnitUserPermission]:
    return UnitUserPermission.objects.filter(
        permission__codename__in=[perm.value for perm in perms], permission__content_type__app_label="orgs"
    )


def _grants(user, *perms: Perm) -> QuerySet[UnitUserPermission]:
    return _grants_of_perm(*perms).filter(user=user)


def _is_superuser_managing(user, perm: Perm) -> bool:
    # A Django superuser configures everything, but sees clue data only through memberships like anyone else.
    return perm is Perm.MANAGE and user.is_superuser


def units(user, perm: Perm) -> QuerySet[Unit]:
    """Every unit on which ``user`` holds ``perm``, directly or through an ancestor: one query when evaluated."""
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none()
    if _is_superuser_managing(user, perm):
        return Unit.objects.all()
    return _covered(user, perm)


def _covered(user, *perms: Perm) -> QuerySet[Unit]:
    covering_grant = (
        _grants(user, *perms)
        .alias(covered_path=ExpressionWrapper(OuterRef("path"), output_field=CharField()))
        .filter(covered_path__startswith=F("content_object__path"))
    )
    return Unit.objects.filter(Exists(covering_grant))


def unit_ids(user, perm: Perm) -> list[int]:
    """``units`` read into a list of ids (one query), for filtering a big table by them: the planner counts a list of
    ids from its statistics, where the covering-grant subquery of ``units`` looks like one unit to it and leads it to
    join every row of the table before choosing the few it needs."""
    return list(units(user, perm).values_list("pk", flat=True))


def has(user, perm: Perm, unit: Unit) -> bool:
    """Whether ``user`` holds ``perm`` on ``unit``: one query on the grants of the unit's ancestors."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if _is_superuser_managing(user, perm):
        return True
    return _grants(user, perm).filter(content_object_id__in=unit.lineage_ids).exists()


def granted_on(user, perm: Perm, unit: Unit) -> bool:
    """Whether ``user`` holds ``perm`` granted on ``unit`` itself, not through an ancestor: a county's own office, not
    the city's office above it (public tips, whose reporter's identity only the county's office reads). One query."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return _grants(user, perm).filter(content_object_id=unit.pk).exists()


def units_granted(user, perm: Perm) -> QuerySet[Unit]:
    """The units on which ``user`` holds ``perm`` granted on the unit itself (see ``granted_on``)."""
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=_grants(user, perm).values("content_object_id"))


def held(user, unit: Unit, perms: Iterable[Perm]) -> set[Perm]:
    """Which of ``perms`` ``user`` holds on ``unit``, granted on it or on an ancestor: one query for all of them,
    where a page that asks ``has`` for each pays one query each."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    perms = set(perms)
    found = {Perm.MANAGE} if Perm.MANAGE in perms and _is_superuser_managing(user, Perm.MANAGE) else set()
    codenames = _grants(user, *perms).filter(content_object_id__in=unit.lineage_ids).values_list(
        "permission__codename", flat=True
    )
    return found | {Perm(codename) for codename in codenames}


def follows_progress(user, unit: Unit) -> bool:
    """Whether ``user`` may follow how the units beneath ``unit`` are getting on (FOLLOW_PROGRESS): one query."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return _grants(user, *FOLLOW_PROGRESS).filter(content_object_id__in=unit.lineage_ids).exists()


def units_followed(user) -> QuerySet[Unit]:
    """Every unit whose progress ``user`` follows: one query when evaluated."""
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none()
    return _covered(user, *FOLLOW_PROGRESS)


# A government's dealings with governments of its rank (a county's notices to another county, its part in a city's joint
# case) are its leading group's own: those who follow its progress granted on the government itself, its office and its
# leaders. The office above follows them on pages of its own, not in the county's; staff never see them. Of those, only
# the office (REVIEW granted on the government itself, ``granted_on``) acts; the leaders read.
def governments_represented(user) -> QuerySet[Unit]:
    """The governments whose own office or leaders ``user`` belongs to (FOLLOW_PROGRESS granted on the government)."""
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none()
    return Unit.objects.filter(kind=Unit.Kind.GOVERNMENT,
                               pk__in=_grants(user, *FOLLOW_PROGRESS).values("content_object_id"))


def acts_for(user, government: Unit) -> bool:
    """Whether ``user`` is of the office of ``government`` itself (not of an office above it): one query."""
    return granted_on(user, Perm.REVIEW, government)


def require_acts_for(user, government: Unit) -> None:
    if not acts_for(user, government):
        raise PermissionDenied(_("Only the office of %(unit)s does this.") % {"unit": government.name})


def _active_grantees(perm: Perm, lineages: Iterable[list[int]]) -> dict[int, set]:
    """{unit id: the active users granted ``perm`` on exactly that unit}, over every unit of the lineages."""
    granted_on: dict[int, set] = {}
    grants = _grants_of_perm(perm).filter(
        content_object_id__in={pk for lineage in lineages for pk in lineage}, user__is_active=True
    )
    for grant in grants.select_related("user"):
        granted_on.setdefault(grant.content_object_id, set()).add(grant.user)
    return granted_on


def holders(perm: Perm, units: Iterable[Unit]) -> dict[Unit, set]:
    """For each unit, the active users granted ``perm`` on it or on an ancestor: one query. (A superuser's blanket
    MANAGE is no grant and is not listed.)"""
    lineages = {unit: unit.lineage_ids for unit in units}
    granted_on = _active_grantees(perm, lineages.values())
    return {unit: set().union(*(granted_on.get(pk, ()) for pk in lineage)) for unit, lineage in lineages.items()}


def holders_on(perm: Perm, unit: Unit) -> set:
    """The active users granted ``perm`` on ``unit`` itself, not through an ancestor (see ``granted_on``). One query."""
    return _active_grantees(perm, [[unit.pk]]).get(unit.pk, set())


def nearest_holders(perm: Perm, units: Iterable[Unit]) -> dict[Unit, set]:
    """For each unit, the active users granted ``perm`` on the closest unit of its lineage that has such grants: for
    REVIEW, the office directly above the unit rather than every office up to the province. One query."""
    lineages = {unit: unit.lineage_ids for unit in units}
    granted_on = _active_grantees(perm, lineages.values())
    return {
        unit: next((granted_on[pk] for pk in reversed(lineage) if pk in granted_on), set())
        for unit, lineage in lineages.items()
    }


def has_anywhere(user, perm: Perm) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return _is_superuser_managing(user, perm) or _grants(user, perm).exists()


def require(user, perm: Perm, unit: Unit) -> None:
    if not has(user, perm, unit):
        raise PermissionDenied(_("You do not have permission for %(unit)s.") % {"unit": unit.name})


def require_follows_progress(user, unit: Unit) -> set[Perm]:
    """Refuse unless ``user`` follows ``unit``'s progress; return which of FOLLOW_PROGRESS they hold on it (REVIEW
    decides, EXPORT only reads), in the same query."""
    followed = held(user, unit, FOLLOW_PROGRESS)
    if not followed:
        raise PermissionDenied(_("You do not follow the work of %(unit)s.") % {"unit": unit.name})
    return followed


def receives_tables(user, unit: Unit) -> bool:
    """Whether ``user`` files the attachment tables that units of ``unit``'s county send as spreadsheets: the office
    granted on that county itself (``unit`` or an ancestor), not the city's office above it, which would count another
    county's units without knowing which of them report in the system. One query."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return _grants(user, Perm.REVIEW).filter(
        content_object_id__in=unit.lineage_ids, content_object__level=Unit.Level.COUNTY,
        content_object__kind=Unit.Kind.GOVERNMENT,
    ).exists()


def require_receives_tables(user, unit: Unit) -> None:
    if not receives_tables(user, unit):
        raise PermissionDenied(_("Only the office of the county of %(unit)s files the tables it sends.")
                               % {"unit": unit.name})


def speaks_for(user, unit: Unit) -> bool:
    """Whether ``user`` files ``unit``'s own reports on its work (briefings, the summary report, the implementation
    plan): those who enter its data; for a government, the office granted on that government itself, which speaks for
    it upward (the office above reviews it, and does not write in its name). One query."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    grants = _grants(user, Perm.ENTER, Perm.REVIEW).filter(content_object_id__in=unit.lineage_ids)
    return grants.filter(Q(permission__codename=Perm.ENTER.value) | Q(content_object_id=unit.pk)).exists()


def require_speaks_for(user, unit: Unit) -> None:
    if not speaks_for(user, unit):
        raise PermissionDenied(_("You do not report for %(unit)s.") % {"unit": unit.name})


def require_anywhere(user, perm: Perm) -> None:
    if not has_anywhere(user, perm):
        raise PermissionDenied(_("You do not have permission to open this page."))
