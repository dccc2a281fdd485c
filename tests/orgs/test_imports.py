import tablib

from orgs import permissions
from orgs.models import Membership, Unit, User
from orgs.permissions import Perm
from orgs.resources import UnitResource, UserResource


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


UNIT_HEADERS = ["单位代码", "单位名称", "层级", "类别", "上级单位代码"]
USER_HEADERS = ["用户名", "姓名", "电话", "邮箱", "单位代码", "角色", "初始密码"]


def test_units_import_with_chinese_labels_builds_the_tree(tree):
    data = dataset(
        UNIT_HEADERS,
        ("A3", "三街道", "街道（乡镇）", "属地政府", "A"),
        ("A3-1", "三街道一村", "village", "government", "A3"),
    )
    result = UnitResource().import_data(data, dry_run=False, user=tree.user("admin"))
    assert not result.has_errors() and not result.has_validation_errors()
    village = Unit.objects.get(code="A3-1")
    assert village.parent.code == "A3" and village.level == Unit.Level.VILLAGE
    assert permissions.has(tree.user("office"), Perm.VIEW, village)


def test_a_bad_unit_row_saves_nothing_and_says_where(tree):
    data = dataset(
        UNIT_HEADERS,
        ("A3", "三街道", "街道（乡镇）", "属地政府", "A"),
        ("A4", "四街道", "镇子", "属地政府", "A"),
    )
    result = UnitResource().import_data(data, dry_run=False, user=tree.user("admin"))
    assert result.has_validation_errors() or result.has_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2 and "镇子" in invalid.error_dict["level"][0]
    assert not Unit.objects.filter(code__in=["A3", "A4"]).exists()


def test_an_admin_cannot_import_units_outside_their_county(tree):
    data = dataset(UNIT_HEADERS, ("B2", "乙县二镇", "township", "government", "B"))
    result = UnitResource().import_data(data, dry_run=False, user=tree.user("admin"))
    assert result.has_errors()
    assert not Unit.objects.filter(code="B2").exists()


def test_users_import_creates_accounts_memberships_and_grants(tree):
    data = dataset(
        USER_HEADERS,
        ("wang", "王五", "13800000000", "", "A1", "填报员", "Init-pass-1"),
        ("zhao", "赵六", "", "", "A1、A2", "填报员", ""),
    )
    result = UserResource().import_data(data, dry_run=False, user=tree.user("admin"))
    assert not result.has_errors() and not result.has_validation_errors(), result.row_errors()
    wang = User.objects.get(username="wang")
    assert wang.full_name == "王五" and wang.check_password("Init-pass-1")
    assert permissions.has(wang, Perm.ENTER, Unit.objects.get(code="A1"))
    zhao = User.objects.get(username="zhao")
    assert set(Membership.objects.filter(user=zhao).values_list("unit__code", flat=True)) == {"A1", "A2"}
    assert not zhao.has_usable_password()


def test_users_import_with_an_unknown_unit_reports_the_row_and_saves_nothing(tree):
    data = dataset(
        USER_HEADERS,
        ("wang", "王五", "", "", "A1", "填报员", ""),
        ("li", "李四", "", "", "NOPE", "填报员", ""),
    )
    result = UserResource().import_data(data, dry_run=False, user=tree.user("admin"))
    assert result.has_errors()
    (line, errors), = result.row_errors()
    assert line == 2 and "NOPE" in str(errors[0].error)
    assert not User.objects.filter(username__in=["wang", "li"]).exists()


def test_users_export_round_trips(tree):
    exported = UserResource().export()
    row = dict(zip(exported.headers, exported[[r[0] for r in exported].index("staff")]))
    assert row["单位代码"] == "A1" and row["角色"] == "填报员" and row["初始密码"] == ""
