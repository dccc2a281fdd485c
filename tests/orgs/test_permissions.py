import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from orgs import permissions, services
from orgs.models import Membership, Unit
from orgs.permissions import Perm
from tests.factories import UnitFactory, UserFactory, member

V, E, R, X, M = Perm.VIEW, Perm.ENTER, Perm.REVIEW, Perm.EXPORT, Perm.MANAGE

# For each role: its own unit, a unit beneath it, a sibling and a unit in another county (fixture ``tree``).
TARGETS = {
    "staff": {"own": "township", "beneath": "village", "sibling": "sibling_township", "other_county": "other_township"},
    "office": {"own": "county", "beneath": "township", "sibling": "other_county", "other_county": "other_township"},
    "leader": {"own": "county", "beneath": "township", "sibling": "other_county", "other_county": "other_township"},
    "admin": {"own": "county", "beneath": "township", "sibling": "other_county", "other_county": "other_township"},
}
# What DOMAIN.md says each role may do inside its own jurisdiction; outside it, nothing.
ALLOWED_INSIDE = {
    "staff": {V, E},
    "office": {V, R, X},
    "leader": {V, X},
    "admin": {M},
}


@pytest.mark.parametrize("role", list(TARGETS))
def test_permission_matrix(tree, role):
    """Every answer of ``has`` and ``units`` for the role, on its own unit, beneath, a sibling and another county."""
    user = tree.user(role)
    wrong = []
    for where, target in TARGETS[role].items():
        unit = tree.unit(target)
        for perm in Perm:
            allowed = where in ("own", "beneath") and perm in ALLOWED_INSIDE[role]
            answers = (permissions.has(user, perm, unit), permissions.units(user, perm).filter(pk=unit.pk).exists())
            if answers != (allowed, allowed):
                wrong.append((where, perm.value, answers, allowed))
    assert wrong == []


def test_township_staff_never_see_a_sibling_township(tree):
    visible = set(permissions.units(tree.user("staff"), V).values_list("code", flat=True))
    assert visible == {"A1", "A1-1"}


def test_county_office_sees_its_whole_county_and_nothing_of_another(tree):
    visible = set(permissions.units(tree.user("office"), V).values_list("code", flat=True))
    assert visible == {"A", "A-O", "A-D", "A1", "A1-1", "A2"}


def test_city_office_sees_every_county(tree):
    visible = permissions.units(tree.user("city_office"), V)
    assert visible.count() == Unit.objects.count()


def test_a_department_is_not_a_township(tree):
    assert not permissions.has(tree.user("department_staff"), V, tree.unit("township"))
    assert permissions.has(tree.user("department_staff"), E, tree.unit("department"))


def test_removing_a_membership_takes_the_permissions_away(tree):
    membership = Membership.objects.get(user=tree.user("staff"))
    services.membership_remove(actor=tree.user("admin"), membership=membership)
    assert not permissions.units(tree.user("staff"), V).exists()


def test_a_user_in_two_units_sees_both(tree):
    user = tree.user("staff")
    services.membership_set(actor=None, user=user, unit=tree.unit("other_township"), role=Membership.Role.STAFF)
    visible = set(permissions.units(user, V).values_list("code", flat=True))
    assert visible == {"A1", "A1-1", "B1"}


def test_an_admin_cannot_give_roles_outside_their_county(tree):
    with pytest.raises(PermissionDenied):
        services.membership_set(
            actor=tree.user("admin"), user=tree.user("staff"), unit=tree.unit("other_township"), role="staff"
        )


def test_inactive_users_hold_nothing(tree):
    user = tree.user("office")
    user.is_active = False
    user.save()
    assert not permissions.units(user, V).exists()
    assert not permissions.has(user, V, tree.unit("township"))


def test_moving_a_unit_moves_what_it_covers(tree):
    township = tree.unit("township")
    township.parent = tree.unit("other_county")
    services.unit_save(actor=None, unit=township)
    village = Unit.objects.get(code="A1-1")
    assert village.path.startswith(Unit.objects.get(code="B").path)
    assert not permissions.has(tree.user("office"), V, village)
    assert permissions.has(tree.user("staff"), V, village)


def test_a_unit_cannot_be_moved_beneath_itself(tree):
    county = tree.unit("county")
    county.parent = Unit.objects.get(code="A1-1")
    with pytest.raises(ValidationError):
        services.unit_save(actor=None, unit=county)


def _build_county(city: Unit, code: str, townships: int, villages: int) -> Unit:
    county = UnitFactory(code=code, level=Unit.Level.COUNTY, parent=city)
    for t in range(townships):
        township = UnitFactory(code=f"{code}-{t}", parent=county)
        for v in range(villages):
            UnitFactory(code=f"{code}-{t}-{v}", level=Unit.Level.VILLAGE, parent=township)
    return county


@pytest.mark.parametrize("townships", [5, 50])
def test_visible_units_is_one_query_whatever_the_tree_size(db, django_assert_num_queries, townships):
    city = UnitFactory(code="CITY", level=Unit.Level.CITY)
    county = _build_county(city, "BIG", townships=townships, villages=3)
    user = member(county, Membership.Role.LEADER)
    for perm in (V, X):
        with django_assert_num_queries(1):
            visible = list(permissions.units(user, perm))
        assert len(visible) == 1 + townships * 4
    deepest = Unit.objects.get(code=f"BIG-{townships - 1}-2")
    with django_assert_num_queries(1):
        assert permissions.has(user, V, deepest)


def test_the_holders_of_a_permission_on_units_are_one_query(tree, django_assert_num_queries):
    village, other = tree.unit("village"), tree.unit("other_township")
    with django_assert_num_queries(1):
        holders = permissions.holders(R, [village, other])
    assert {user.username for user in holders[village]} == {"office", "city_office"}
    assert {user.username for user in holders[other]} == {"city_office"}
    assert {user.username for user in permissions.holders(E, [village])[village]} == {"staff"}


def test_a_superuser_without_membership_configures_but_holds_no_data_permission(tree):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    township = tree.unit("township")
    for perm in (V, E, R, X):
        assert not permissions.units(root, perm).exists(), perm
        assert not permissions.has(root, perm, township), perm
        assert not permissions.has_anywhere(root, perm), perm
    assert permissions.has(root, M, township)
    assert permissions.units(root, M).count() == Unit.objects.count()


def test_holding_a_permission_anywhere(tree):
    assert permissions.has_anywhere(tree.user("staff"), E)
    assert permissions.has_anywhere(tree.user("office"), R)
    assert not permissions.has_anywhere(tree.user("staff"), R)
    assert not permissions.has_anywhere(tree.user("leader"), E)
    assert not permissions.has_anywhere(AnonymousUser(), V)
    assert not permissions.has_anywhere(None, V)
    inactive = tree.user("office")
    inactive.is_active = False
    assert not permissions.has_anywhere(inactive, R)
    root = UserFactory(username="root", is_superuser=True)
    assert permissions.has_anywhere(root, M) and not permissions.has_anywhere(root, V)


def test_a_page_refused_everywhere_says_why(tree):
    permissions.require_anywhere(tree.user("office"), R)
    with pytest.raises(PermissionDenied) as refused:
        permissions.require_anywhere(tree.user("staff"), R)
    assert str(refused.value) == "您无权打开此页面。"


@pytest.mark.parametrize(("role", "follows"), [
    ("staff", False), ("department_staff", False), ("office", True), ("leader", True), ("admin", False),
])
def test_the_office_and_the_leaders_follow_the_progress_of_their_county(tree, role, follows):
    """The approval grid and the overdue lists: the office decides there, the leaders read, nobody else looks."""
    user = tree.user(role)
    assert permissions.follows_progress(user, tree.unit("county")) is follows
    assert permissions.follows_progress(user, tree.unit("township")) is follows
    assert not permissions.follows_progress(user, tree.unit("other_county"))
    followed = set(permissions.units_followed(user).values_list("code", flat=True))
    assert followed == ({"A", "A-O", "A-D", "A1", "A1-1", "A2"} if follows else set())


def test_staff_opening_the_progress_of_their_county_are_told_whose_it_is(tree):
    with pytest.raises(PermissionDenied, match="^您无权查看甲县的工作进度。$"):
        permissions.require_follows_progress(tree.user("staff"), tree.unit("county"))
    permissions.require_follows_progress(tree.user("leader"), tree.unit("county"))


def test_an_inactive_leader_follows_nothing(tree):
    leader = tree.user("leader")
    leader.is_active = False
    leader.save()
    assert not permissions.follows_progress(leader, tree.unit("county"))
    assert not permissions.units_followed(leader).exists()


def test_tasks_are_acted_on_by_the_staff_of_the_responsible_unit_only(tree):
    """Staff act on the tasks of their unit and of the units beneath it; offices and leaders follow tasks and never act
    on one, and no staff reach another unit's tasks."""
    act, department, township = permissions.ACT_ON_TASKS, tree.unit("department"), tree.unit("township")
    assert permissions.has(tree.user("department_staff"), act, department)
    assert not permissions.has(tree.user("department_staff"), act, township)
    assert permissions.has(tree.user("staff"), act, tree.unit("village"))
    assert not permissions.has(tree.user("staff"), act, department)
    for role in ("office", "leader", "admin", "city_office"):
        assert not permissions.units(tree.user(role), act).exists(), role
    assert {user.username for user in permissions.holders(act, [department])[department]} == {"department_staff"}


def test_the_nearest_holders_are_the_office_directly_above(tree, django_assert_num_queries):
    village, other, department = tree.unit("village"), tree.unit("other_township"), tree.unit("department")
    with django_assert_num_queries(1):
        nearest = permissions.nearest_holders(R, [village, other, department])
    assert {user.username for user in nearest[village]} == {"office"}
    assert {user.username for user in nearest[department]} == {"office"}
    assert {user.username for user in nearest[other]} == {"city_office"}  # 乙县 has no office of its own
    assert permissions.nearest_holders(R, [tree.unit("city")])[tree.unit("city")] == {tree.user("city_office")}


@pytest.mark.parametrize(("role", "held"), [
    ("office", {R, X}), ("leader", {X}), ("staff", set()), ("admin", set()),
])
def test_held_names_which_of_the_asked_permissions_a_user_has_on_a_unit_and_beneath(tree, role, held):
    """The approval grid asks once whether the user follows the county (REVIEW or EXPORT) and decides (REVIEW)."""
    user = tree.user(role)
    assert permissions.held(user, tree.unit("county"), [R, X]) == held
    assert permissions.held(user, tree.unit("township"), [R, X]) == held  # granted on the county, held beneath
    assert permissions.held(user, tree.unit("other_county"), [R, X]) == set()
    assert permissions.held(user, tree.unit("county"), [R]) == held & {R}  # only what was asked


def test_held_reaches_down_from_the_unit_granted_never_up(tree):
    staff = tree.user("staff")
    assert permissions.held(staff, tree.unit("township"), [V, E, R]) == {V, E}
    assert permissions.held(staff, tree.unit("county"), [V, E, R]) == set()


def test_an_inactive_user_holds_nothing_and_a_superuser_manages_without_a_grant(tree):
    office = tree.user("office")
    office.is_active = False
    office.save()
    assert permissions.held(office, tree.unit("county"), [R, X]) == set()
    root = UserFactory(username="root", is_superuser=True)
    assert permissions.held(root, tree.unit("county"), [M, V]) == {M}
